"""Receiving one coded SMS, whichever gateway brought it, and composing the reply."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pollwatch.missions.models import Mission, Observer
from pollwatch.missions.services import InvalidPhone, normalise_phone
from pollwatch.submissions import catalog
from pollwatch.submissions.models import Channel

from ..models import InboundReport
from ..services import Received, content_hash, receive
from . import replies
from .gateways import InboundSms
from .grammar import SmsHeader, read_header

log = logging.getLogger(__name__)


@dataclass
class SmsResult:
    received: Received
    reply: str


def sender_number(raw: str) -> str:
    """The sender in E.164 when it reads as a phone number, else as given (short codes)."""
    try:
        return normalise_phone(raw)
    except InvalidPhone:
        return (raw or "").strip()[:32]


def gsm_text(text: str) -> str:
    """The message as the observer typed it: GSM 03.38 writes ``@`` as 0x00, which some
    gateways pass on as a NUL character. (The bytes as received are kept beside it.)"""
    return (text or "").replace("\x00", "@")


def match_observer(phone: str, header: SmsHeader) -> Observer | None:
    """The registered observer with this phone. A number on several missions' rosters goes to
    the mission that has a form with the message's keyword (then the latest election)."""
    observers = catalog.observers_by_phone(phone)
    if len(observers) <= 1:
        return observers[0] if observers else None
    keyword = header.keyword
    with_form = [o for o in observers if any(
        keyword.startswith(k.removeprefix("sms:")) for k in catalog.forms_of_mission(o.mission_id)
        if k.startswith("sms:"))]
    candidates = with_form or observers
    return max(candidates, key=lambda o: (o.mission.election.date, o.mission_id))


def guess_mission(header: SmsHeader) -> Mission | None:
    """For a number not on any roster: the one mission whose teams cover the station named in
    the message, so that its coordinators see the report in their quarantine queue."""
    from pollwatch.missions.models import Assignment

    if header.words < 2:
        return None
    missions = set(Assignment.objects.filter(station__code__in=header.station_codes)
                   .values_list("team__mission_id", flat=True).distinct()[:2])
    return Mission.objects.filter(pk=missions.pop()).first() if len(missions) == 1 else None


def receive_sms(sms: InboundSms) -> SmsResult:
    """Store, parse and answer one SMS (see :mod:`pollwatch.intake.services`)."""
    phone = sender_number(sms.sender)
    text = gsm_text(sms.text)
    header = read_header(text)
    observer = match_observer(phone, header)
    mission = observer.mission if observer else guess_mission(header)
    report = InboundReport(
        channel=Channel.SMS, gateway=sms.gateway, mission=mission, sender=phone, observer=observer,
        key=sms.key, content_hash=content_hash("sms", phone, sms.text),
        content_type="text/plain", payload=text, received_at=sms.received_at,
        meta={"to": sms.to, "message_id": sms.message_id, **sms.meta},
    )
    received = receive(report, raw=sms.raw_text)
    # A retry is answered from the stored report as it is now: if a coordinator fixed it
    # meanwhile, the phone learns that it was counted.
    reply = compose_reply(received, received.report.observer if received.replayed else observer,
                          phone, header)
    if received.report.pk and reply != received.report.reply:
        InboundReport.objects.filter(pk=received.report.pk).update(reply=reply)
        received.report.reply = reply
    return SmsResult(received, reply)


def compose_reply(received: Received, observer: Observer | None, phone: str,
                  header: SmsHeader | None = None) -> str:
    """The reply to a received message; ``header`` is the message's, read from the stored
    payload when not given."""
    language = replies.language_of(observer)
    report = received.report
    if received.status == "refused":
        return replies.text("refused", language)
    if received.accepted and received.submission is not None:
        return _confirmation(received, language)
    meta: dict[str, Any] = report.meta or {}
    code = meta.get("rejection", "")
    header = header if header is not None else read_header(report.payload)
    keyword, station = header.keyword[:12], header.station[:16]
    context = meta.get("context") or {}
    keyword, station = context.get("keyword") or keyword, context.get("station") or station
    if code == "unknown_sender":
        return replies.text("unknown_sender", language, phone=phone)
    if code == "unknown_form":
        keywords = ", ".join(sorted(_keywords(observer))) or "OP, VT, CL"
        return replies.text("unknown_form", language, keyword=keyword, keywords=keywords)
    if code == "unknown_station":
        return replies.text("unknown_station", language, station=station)
    if code == "bad_payload":
        return replies.text("empty", language)
    if code == "invalid_answers" and report.errors:
        return replies.text("rejected", language, keyword=keyword, station=station,
                            problems=replies.problems_text(report.errors, language))
    return replies.text("held", language)


def _confirmation(received: Received, language: str) -> str:
    submission = received.submission
    keyword = submission.form.sms_keyword or submission.form.code
    station = submission.station.code if submission.station_id else ""
    answers = {k: v for k, v in submission.answers.items() if k != "station"}
    lost = [item for flag in submission.flags if flag.get("code") == "not_saved"
            for item in flag.get("questions", [])]
    if lost:  # never "OK" for a message that lost an answer
        parts = [replies.text("partly_saved", language, keyword=keyword.upper(), station=station,
                              count=len(answers), not_saved=replies.not_saved_text(lost, language))]
    else:
        parts = [replies.text("accepted", language, keyword=keyword.upper(), station=station,
                              count=len(answers))]
    for flag in submission.flags:
        if flag.get("code") == "not_assigned":
            parts.append(replies.text("not_assigned", language, station=station))
        if flag.get("code") == "incomplete":
            tags = _missing_tags(submission, flag.get("questions", []))
            if tags:
                parts.append(replies.text("incomplete", language, tags=tags))
    return " ".join(parts)


def _missing_tags(submission: Any, names: list[str]) -> str:
    from pollwatch.checklists.services import schema

    by_name = schema(submission.form_version).by_name
    tags = [by_name[n].code or n for n in names if n in by_name]
    return ", ".join(tags[:8]) + (" ..." if len(tags) > 8 else "")


def _keywords(observer: Observer | None) -> list[str]:
    if observer is None:
        return []
    return [k.removeprefix("sms:") for k in catalog.forms_of_mission(observer.mission_id)
            if k.startswith("sms:")]
