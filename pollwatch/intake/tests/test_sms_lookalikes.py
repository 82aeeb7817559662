"""Keyboards: Cyrillic look-alikes read as the Latin letters they look like (docs/sms.md)."""

import json
from pathlib import Path

import pytest
from django.db import connection

from pollwatch.intake.models import InboundReport
from pollwatch.intake.sms.grammar import (
    SmsQuestion,
    SmsSchema,
    latin_lookalikes,
    parse_message,
)
from pollwatch.submissions.models import Submission

from .test_sms import generic

CORPUS = json.loads((Path(__file__).parent / "data" / "sms_lookalikes.json").read_text("utf-8"))
CASES = CORPUS["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["note"][:40] for c in CASES])
def test_each_slip_of_the_corpus_reads_as_expected_through_the_webhook(client, gateways, case):
    response = generic(client, case["text"], message_id="slip")
    reply = response.content.decode()
    assert response.status_code == 200
    assert reply.startswith("OK OP 71001"), reply
    submission = Submission.objects.get()
    answers = {k: v for k, v in submission.answers.items() if k != "station"}
    assert answers == case["answers"]
    assert InboundReport.objects.get().payload == case["text"]


def test_corpus_covers_the_slips_the_issue_names():
    texts = " ".join(c["text"] for c in CASES)
    for slip in ("ОР", "А3", "С1", "У", "Н", "Ү", "ор"):
        assert slip in texts


def test_lookalikes_keep_the_length_and_leave_other_letters():
    assert latin_lookalikes("ОР") == "OP"
    assert latin_lookalikes("ор71001") == "OP71001"
    assert latin_lookalikes("Һ") == "H"
    assert latin_lookalikes("ЖОҚ") == "ЖOҚ"
    assert len(latin_lookalikes("straße")) == len("straße")


def test_a_reply_that_names_a_tag_shows_it_in_latin_letters(client, gateways):
    reply = generic(client, "ОР 71001 А3 maybe").content.decode()
    assert reply.startswith("OP 71001 НЕ сохранено: A3 'maybe'"), reply
    assert "А3" not in reply and "ОР" not in reply


def test_an_unknown_cyrillic_tag_is_named_in_latin_letters(client, gateways):
    reply = generic(client, "ОР 71001 АХ 5").content.decode()
    assert "AX нет такого вопроса" in reply and "АХ" not in reply
    assert InboundReport.objects.get().status == "quarantined"


def test_an_unknown_cyrillic_keyword_is_named_in_latin_letters(client, gateways):
    reply = generic(client, "ХР 71001 А3 Y").content.decode()
    assert "'XP'" in reply and "ХР" not in reply


SCHEMA = {"OP": SmsSchema("OP", (
    SmsQuestion("A3", "opened_on_time", "yes_no", {"Y": "yes", "N": "no"}),
    SmsQuestion("K", "kind", "select_one", {"A": "alpha", "B": "beta"}),
), comment="comments")}


def test_a_letter_choice_typed_in_cyrillic_is_read():
    parsed = parse_message("OP 1 K В", SCHEMA)
    assert parsed.ok and parsed.answers == {"kind": "beta"}


def test_nul_from_a_gateway_reads_as_the_gsm_at_sign():
    parsed = parse_message("OP 1 A3 Y\x00late start", SCHEMA)
    assert parsed.ok, parsed.problems
    assert parsed.answers == {"opened_on_time": "yes", "comments": "late start"}


@pytest.mark.skipif(connection.vendor == "postgresql",
                    reason="PostgreSQL text cannot hold NUL: storing it raw is intake storage's part")
def test_nul_sms_through_the_webhook_reads_the_comment(client, gateways):
    reply = generic(client, "OP 71001 A3 Y\x00late start").content.decode()
    assert reply.startswith("OK OP 71001")
    assert Submission.objects.get().answers["comments"] == "late start"
