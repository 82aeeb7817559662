"""The doors an observer's report comes in by, as the demo knocks on them.

Each method builds what the channel would deliver and hands it to the real intake
(:func:`pollwatch.intake.services.receive`, directly or through the SMS service): the raw
report is stored, parsed and validated, and an accepted one becomes a submission with its
station record, incident or observed protocol; a bad one is quarantined. JSON comes as the
observer's app or web page posts it, XForm instances as ODK Collect sends them, coded SMS as
Telerivet or Twilio would post them. Keys are drawn from the caller's generator, so a seeded
run sends the same reports.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from pollwatch.checklists import services as forms
from pollwatch.checklists.models import Form
from pollwatch.elections.models import PollingStation
from pollwatch.intake.models import InboundReport
from pollwatch.intake.services import Received, content_hash, receive
from pollwatch.intake.sms.gateways import InboundSms
from pollwatch.intake.sms.grammar import format_message
from pollwatch.intake.sms.schemas import sms_schemas
from pollwatch.intake.sms.service import receive_sms
from pollwatch.missions.models import Mission, Observer
from pollwatch.submissions.models import Channel

CHANNELS = (Channel.WEB, Channel.OPENROSA, Channel.SMS, Channel.API)
CHANNEL_WEIGHTS = (0.35, 0.25, 0.25, 0.15)


class Doors:
    """Sends reports of ``mission``'s observers; counts what went through each channel."""

    def __init__(self, mission: Mission, rng: np.random.Generator):
        self.mission = mission
        self.rng = rng
        self.forms = {form.code: form for form in mission.forms.all()}
        self.sms_forms = sms_schemas(mission.pk)
        self.counts: dict[str, int] = {}
        self.counter = 0

    def send(self, observer: Observer, code: str, station: PollingStation, answers: dict[str, Any],
             when: dt.datetime, channel: str | None = None) -> Received:
        """Send one report of form ``code`` through ``channel`` (drawn when not given); an
        observer without a phone, or a form without an SMS keyword, sends JSON instead."""
        channel = channel or str(self.rng.choice(CHANNELS, p=CHANNEL_WEIGHTS))
        form = self.forms[code]
        if channel == Channel.SMS and self.can_text(observer, form):
            return self.sms(observer, form, station, answers, when)
        if channel == Channel.OPENROSA:
            return self.openrosa(observer, form, station, answers, when)
        return self.json(observer, form, station, answers, when,
                         Channel.API if channel == Channel.API else Channel.WEB)

    def can_text(self, observer: Observer, form: Form) -> bool:
        return bool(observer.phone) and form.sms_keyword.upper() in self.sms_forms

    def key(self) -> str:
        """A fresh UUID drawn from the generator (an app's or ODK Collect's key)."""
        return str(uuid.UUID(int=int(self.rng.integers(0, 1 << 62)) << 64 | self._next()))

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def _count(self, channel: str) -> None:
        self.counts[channel] = self.counts.get(channel, 0) + 1

    def json(self, observer: Observer, form: Form, station: PollingStation, answers: dict[str, Any],
             when: dt.datetime, channel: str, corrects: int | None = None) -> Received:
        """The observer's app (``api``) or web page (``web``) posting the report as JSON;
        ``corrects`` names the submission it corrects."""
        key = self.key()
        body = {"key": key, "form": form.code, "station": station.code, "answers": answers,
                "observed_at": (when - dt.timedelta(minutes=3)).isoformat()}
        sender = f"observer:{observer.pk}"
        report = InboundReport(
            channel=channel, mission=self.mission, observer=observer, sender=sender, key=key,
            content_type="application/json", received_at=when,
            content_hash=content_hash("json", sender, corrects or 0, body),
            payload=json.dumps(body, ensure_ascii=False), meta={"corrects": corrects} if corrects else {})
        self._count(channel)
        return receive(report)

    def sms(self, observer: Observer, form: Form, station: PollingStation, answers: dict[str, Any],
            when: dt.datetime) -> Received:
        """The report as a coded SMS from the observer's phone, through a gateway."""
        schema = self.sms_forms[form.sms_keyword.upper()]
        # SMS carries one word per tag: free text longer than that goes after "@" or not at all.
        words = {q.name for q in schema.questions if q.type not in ("text", "raw")}
        sendable = {k: v for k, v in answers.items() if k in words or (
            k in {q.name for q in schema.questions} and " " not in str(v))}
        comment = str(answers.get(schema.comment or "", "") or "")
        text = format_message(schema, station.code, sendable, comment)
        gateway = "telerivet" if self._next() % 2 else "twilio"
        self._count(Channel.SMS)
        message = InboundSms(gateway, observer.phone, text, f"SM{self.key().replace('-', '')}",
                             received_at=when)
        return receive_sms(message).received

    def openrosa(self, observer: Observer, form: Form, station: PollingStation,
                 answers: dict[str, Any], when: dt.datetime) -> Received:
        """The report as the XForm instance ODK Collect would send."""
        version = form.published_version()
        xml = instance_xml(self.mission, form, version, station, answers, self.key(), station.zone)
        sender = f"observer:{observer.pk}"
        report = InboundReport(
            channel=Channel.OPENROSA, mission=self.mission, observer=observer, sender=sender,
            key=_instance_id(xml), content_type="text/xml", received_at=when, payload=xml,
            meta={"attachments": []}, content_hash=content_hash("openrosa", sender, xml.encode()))
        self._count(Channel.OPENROSA)
        return receive(report)


def _instance_id(xml: str) -> str:
    return xml.split("<instanceID>", 1)[1].split("</instanceID>", 1)[0]


def instance_xml(mission: Mission, form: Form, version: Any, station: PollingStation,
                 answers: dict[str, Any], key: str, zone: Any) -> str:
    """The XForm instance ODK Collect would send for these answers (groups nested)."""
    schema = forms.schema(version)
    offset = dt.datetime.combine(mission.election.date, dt.time(12), tzinfo=zone).strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    nodes: dict[str, list[str]] = {"": []}
    order: list[tuple[str, str]] = []
    values = {**answers, "station": station.code}
    for spec in schema.questions:
        parent = spec.sections[-1] if spec.sections else ""
        if spec.type == "group":
            nodes.setdefault(spec.name, [])
            order.append((parent, spec.name))
            continue
        if not spec.takes_answer or spec.repeat or spec.name not in values:
            continue
        value = values[spec.name]
        if spec.type == "time":
            value = f"{value}:00.000{offset}"
        elif isinstance(value, list):
            value = " ".join(str(v) for v in value)
        nodes.setdefault(parent, []).append(f"<{spec.name}>{escape(str(value))}</{spec.name}>")
    for parent, group in reversed(order):
        inner = "".join(nodes.get(group, []))
        nodes.setdefault(parent, []).insert(0, f"<{group}>{inner}</{group}>")
    body = "".join(nodes[""])
    return (f"<?xml version='1.0' ?><data id=\"{mission.code}-{form.code}\" version=\"{version.number}\" "
            'xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">'
            f"{body}<meta><instanceID>uuid:{key}</instanceID></meta></data>")
