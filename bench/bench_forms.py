"""How fast answers are checked against a form (intake calls this on every report).

Builds the built-in voting checklist and a party-list result protocol through the real
road (definition -> XLSForm workbook -> pyxform -> compiled schema), then checks many
generated reports with ``check_answers`` (what ``validate_answers`` runs once the compiled
form is cached). Prints the time to build a form and checks per second, with p50 and p99
per check. No database is needed.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REPORTS = 20_000


def _schema(definition, settings=None, code="bench"):
    from pollwatch.checklists.schema import compile_schema
    from pollwatch.checklists.xlsform import read_workbook, workbook_from_definition

    content = workbook_from_definition(definition, {"form_title": code, "form_id": code})
    read = read_workbook(content, f"{code}.xlsx")
    return compile_schema(1, code, "other", read.questions, settings or {})


def _protocol_schema():
    from pollwatch.checklists import templates_builtin as builtin
    from pollwatch.elections.models import DEFAULT_CONTROL_EQUATIONS

    parties = ["amanat", "auyl", "respublica", "ak-zhol", "ppk", "osdp", "baytaq", "against-all"]
    figures = [builtin.integer(n, c, label, required=True) for n, c, label in builtin.FIGURE_QUESTIONS]
    votes = [builtin.integer(f"v_{p.replace('-', '_')}", f"V{i}", {"en": p}, required=True)
             for i, p in enumerate(parties, start=1)]
    layout = {"figures": {n: n for n, _, _ in builtin.FIGURE_QUESTIONS},
              "votes": {f"v_{p.replace('-', '_')}": p for p in parties},
              "equations": DEFAULT_CONTROL_EQUATIONS}
    definition = [builtin.station(), builtin.group("figures", {"en": "Figures"}, figures),
                  builtin.group("votes", {"en": "Votes"}, votes), builtin.comments()]
    return _schema(definition, {"protocol": layout}, "protocol"), parties


def _voting_answers(rng: random.Random) -> dict:
    yn = lambda: rng.choice(["Y", "N", "yes", "no"])  # noqa: E731
    answers = {"station": "71001", "arrived_at": f"{rng.randint(7, 18)}:{rng.randint(0, 5)}0",
               "departed_at": "19:00", "queues": yn(), "secrecy": yn(), "boxes_sealed": yn(),
               "id_checked": yn(), "voters_sign": yn(), "multiple_voting": yn(),
               "family_voting": yn(), "proxy_voting": yn(), "stuffing": yn(), "pressure": yn(),
               "observers_restricted": yn(), "mobile_voting": yn(),
               "voters_on_list": str(rng.randint(500, 3000)), "voted_so_far": rng.randint(0, 500),
               "complaints": "N", "assessment": str(rng.randint(1, 4)), "comments": "calm"}
    if rng.random() < 0.1:
        answers["voted_so_far"] = 99999      # an error now and then
    return answers


def _protocol_answers(rng: random.Random, parties) -> dict:
    votes = {f"v_{p.replace('-', '_')}": rng.randint(0, 400) for p in parties}
    valid = sum(votes.values())
    invalid = rng.randint(0, 20)
    issued = valid + invalid + rng.choice([0, 0, 0, 3])
    return {"station": "71001", "registered": 3000, "received": issued + 200, "issued": issued,
            "issued_mobile": 0, "cancelled": 200, "ballots": valid + invalid, "invalid": invalid,
            "valid": valid, **votes}


def _time_checks(schema, reports) -> tuple[float, list[float], int]:
    from pollwatch.checklists.validation import check_answers

    timings = []
    invalid = 0
    started = time.perf_counter()
    for answers in reports:
        t0 = time.perf_counter()
        result = check_answers(schema, answers, station_code="71001", timezone="Asia/Almaty")
        timings.append(time.perf_counter() - t0)
        invalid += not result.ok
    return time.perf_counter() - started, timings, invalid


def _report(name: str, build: float, total: float, timings: list[float], invalid: int) -> None:
    timings.sort()
    p50 = statistics.median(timings) * 1e6
    p99 = timings[int(len(timings) * 0.99)] * 1e6
    print(f"{name}: form built in {build * 1000:.0f} ms; {len(timings)} reports checked in "
          f"{total:.2f} s = {len(timings) / total:,.0f} per second; p50 {p50:.0f} us, "
          f"p99 {p99:.0f} us; {invalid} invalid")


def main() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
    os.environ.setdefault("POLLWATCH_TESTING", "1")  # no database is used; settings need a key
    import django

    django.setup()
    from pollwatch.checklists import templates_builtin as builtin

    rng = random.Random(20230319)
    started = time.perf_counter()
    voting = _schema(builtin.voting(), code="voting")
    build = time.perf_counter() - started
    reports = [_voting_answers(rng) for _ in range(REPORTS)]
    _report("voting checklist", build, *_time_checks(voting, reports))

    started = time.perf_counter()
    protocol, parties = _protocol_schema()
    build = time.perf_counter() - started
    reports = [_protocol_answers(rng, parties) for _ in range(REPORTS // 4)]
    _report("result protocol (8 choices, 4 control equations)", build, *_time_checks(protocol, reports))


if __name__ == "__main__":
    main()
