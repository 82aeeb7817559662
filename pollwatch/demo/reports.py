"""The demo's election day, 19 March 2023, through every channel (a step of the build).

Each team of the demo mission reports from its assignments as observers would: the opening at
its first station, voting at each station, closing and the result protocol at its last. Every
report goes through the real intake (:mod:`pollwatch.demo.doors`): coded SMS through the SMS
service, JSON as the observer's app and web page post it, XForm instances as ODK Collect sends
them. Some are late, some teams' two observers disagree (a conflict to resolve), a few SMS are
quarantined (a number not on the roster, a wrong code, an unknown keyword), a few incidents are
reported (one critical, followed up), and some observed protocols do not reconcile.
Everything is drawn from a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from pollwatch.accounts.models import User
from pollwatch.checklists import services as forms
from pollwatch.elections.models import PollingStation
from pollwatch.intake.services import Received
from pollwatch.intake.sms.gateways import InboundSms
from pollwatch.intake.sms.service import receive_sms
from pollwatch.missions.models import Assignment, Mission, Observer, Phase, Team
from pollwatch.submissions import incidents as incident_services
from pollwatch.submissions.models import Channel, Incident, Submission

from . import kazakhstan as kz
from .context import ACTOR, SEED, Demo
from .doors import Doors

#: A well-run station's answers; the simulation turns some of them bad.
GOOD = {
    "opening": {
        "arrived_at": "06:35", "opened_at": "07:00", "opened_on_time": "yes", "commission_present": 9,
        "party_agents": "yes", "citizen_observers": "yes", "international_observers": "no",
        "observer_organisations": "Erkindik Kanaty", "unauthorised_present": "no",
        "boxes_shown_empty": "yes", "boxes_sealed": "yes", "ballots_counted": "yes",
        "materials_present": "yes", "layout_secrecy": "yes", "observers_can_see": "yes",
    },
    "voting": {
        "queues": "no", "disabled_access": "yes", "secrecy": "yes", "boxes_sealed": "yes",
        "id_checked": "yes", "voters_sign": "yes", "voting_without_id": "no", "multiple_voting": "no",
        "family_voting": "no", "proxy_voting": "no", "identical_signatures": "no", "stuffing": "no",
        "pressure": "no", "vote_buying": "no", "campaign_material": "no",
        "unauthorised_directing": "no", "observers_restricted": "no", "mobile_voting": "no",
        "complaints": "no",
    },
    "closing": {
        "closed_on_time": "yes", "queue_allowed": "yes", "unused_cancelled": "yes",
        "signatures_counted": "yes", "seals_intact": "yes", "mobile_first": "yes",
        "one_by_one": "yes", "validity_consistent": "yes", "announced_aloud": "yes",
        "figures_unchanged": "yes", "protocol_reconciles": "yes", "pen_not_presigned": "yes",
        "copies_given": "yes", "protocol_posted": "yes", "observers_can_see": "yes",
        "interference": "no",
    },
}
#: Answers that go wrong at a station with problems (question -> the bad answer).
BAD = {
    "opening": {"opened_on_time": "no", "boxes_shown_empty": "no", "layout_secrecy": "no"},
    "voting": {"family_voting": "yes", "identical_signatures": "yes", "campaign_material": "yes",
               "observers_restricted": "yes", "queues": "yes"},
    "closing": {"unused_cancelled": "no", "one_by_one": "no", "announced_aloud": "no",
                "copies_given": "no", "protocol_posted": "no"},
}
ASSESSMENTS = ("very_good", "good", "bad", "very_bad")
ASSESSMENT_SHARES = {"opening": (0.55, 0.40, 0.04, 0.01), "voting": (0.50, 0.43, 0.05, 0.02),
                     "closing": (0.40, 0.42, 0.13, 0.05)}
INCIDENTS = [
    ("voting", "critical", "11:32", "A man put a bundle of ballots into the stationary box while the "
     "chair looked away; two observers saw it."),
    ("administration", "serious", "09:15", "The voter list was missing two pages; voters from those "
     "pages were sent home."),
    ("security", "minor", "14:05", "Police officers stood inside the station for about twenty minutes."),
    ("counting", "serious", "20:40", "The count started before the unused ballots were cancelled."),
]

#: Counts what became of a report.
Note = Callable[[Received], None]


class ElectionDay:
    """One run of the simulation: the mission, its forms, the seed and what happened."""

    def __init__(self, mission: Mission, seed: int = SEED):
        self.mission = mission
        self.rng = np.random.default_rng(seed)
        self.date = mission.election.date
        self.doors = Doors(mission, self.rng)
        self.forms = self.doors.forms

    # --- answers ------------------------------------------------------------------------------
    def _time(self, base: str, spread_minutes: int) -> str:
        hours, minutes = map(int, base.split(":"))
        total = hours * 60 + minutes + int(self.rng.integers(0, spread_minutes + 1))
        return f"{min(total // 60, 23):02d}:{total % 60:02d}"

    def checklist(self, code: str, station: Any, at: dt.time, troubled: bool) -> dict[str, Any]:
        answers = dict(GOOD[code])
        if troubled:
            for question, bad in BAD[code].items():
                if self.rng.random() < 0.5:
                    answers[question] = bad
        shares = np.array(ASSESSMENT_SHARES[code])
        if troubled:
            shares = np.array([0.05, 0.25, 0.45, 0.25])
        answers["assessment"] = str(self.rng.choice(ASSESSMENTS, p=shares / shares.sum()))
        if code == "opening":
            answers["ballots_received"] = int(math.ceil(station.registered_voters / 50) * 50 + 50)
            answers["arrived_at"] = self._time("06:30", 15)
            answers["opened_at"] = "07:00" if answers["opened_on_time"] == "yes" else self._time("07:05", 20)
        elif code == "voting":
            answers["arrived_at"] = f"{at.hour:02d}:{at.minute:02d}"
            answers["departed_at"] = f"{(at.hour + 1) % 24:02d}:{at.minute:02d}"
            answers["voters_on_list"] = station.registered_voters
            progress = min(0.9, max(0.05, (at.hour - 7) / 13 * 0.6 + float(self.rng.normal(0, 0.04))))
            answers["voted_so_far"] = int(station.registered_voters * progress)
        else:
            answers["arrived_at"] = "19:40"
            answers["departed_at"] = self._time("22:30", 90)
        if troubled and self.rng.random() < 0.5:
            answers["comments"] = "Observers were asked to stand far from the table."
        return answers

    def protocol(self, station: Any, version: Any, reconciles: bool) -> dict[str, Any]:
        layout = forms.schema(version).protocol
        registered = station.registered_voters
        received = int(math.ceil(registered / 50) * 50 + 50)
        issued = int(registered * float(self.rng.uniform(0.42, 0.68)))
        ballots = issued - int(self.rng.integers(0, 4))
        invalid = int(ballots * float(self.rng.uniform(0.004, 0.016)))
        valid = ballots - invalid
        lines = {"registered": registered, "received": received, "issued": issued,
                 "cancelled": received - issued, "ballots": ballots, "invalid": invalid, "valid": valid}
        if not reconciles:
            lines["cancelled"] += int(self.rng.integers(12, 60))  # the ballots do not add up
        national = {code: votes for code, _en, _ru, _kk, votes, _seats in kz.PARTIES}
        national[kz.AGAINST_ALL[0]] = kz.AGAINST_ALL[4]
        choices = list(layout.votes.values())
        weights = np.array([national.get(c, 1) for c in choices], dtype=float)
        weights = weights * self.rng.lognormal(0, 0.2, len(weights))
        split = np.floor(valid * weights / weights.sum()).astype(int)
        split[0] += valid - int(split.sum())
        answers: dict[str, Any] = {}
        for question, line in layout.figures.items():
            if line in lines:
                answers[question] = lines[line]
        for (question, _choice), votes in zip(layout.votes.items(), split.tolist(), strict=True):
            answers[question] = int(votes)
        return answers


def _utc(station: PollingStation, date: dt.date, at: dt.time) -> dt.datetime:
    return station.local_datetime(date, at).astimezone(dt.UTC)


def _members(team: Team) -> list[Observer]:
    members = list(team.members.order_by("full_name"))
    if team.leader_id:
        members.sort(key=lambda o: o.pk != team.leader_id)
    return members


def report_election_day(demo: Demo, seed: int = SEED) -> dict[str, int]:
    """Send the demo mission's election-day reports; returns counts by channel and outcome."""
    day = ElectionDay(demo.mission, seed)
    if "opening" not in day.forms:
        demo.notes.append("Election day: no forms installed, no reports simulated.")
        return {}
    assignments = (Assignment.objects.filter(team__mission=demo.mission)
                   .select_related("station", "station__area", "team")
                   .order_by("team__code", "report_due_at"))
    by_team: dict[Team, list[Assignment]] = {}
    for assignment in assignments:
        by_team.setdefault(assignment.team, []).append(assignment)
    troubled = {a.station_id for a in assignments if day.rng.random() < 0.12}
    outcomes: dict[str, int] = {}

    def note(received: Received) -> None:
        outcomes[received.status] = outcomes.get(received.status, 0) + 1

    protocol_form = next((f for code, f in day.forms.items() if code.startswith("protocol-")
                          and f.contest and f.contest.code == "majilis-list"), None)
    for team, duties in by_team.items():
        members = _members(team)
        if not members:
            continue
        for assignment in duties:
            station = assignment.station
            phase = assignment.phase
            bad = station.pk in troubled
            if phase == Phase.VOTING and day.rng.random() < 0.2:
                continue  # not every planned visit happens
            if phase == Phase.OPENING:
                at = dt.time(7, int(day.rng.integers(5, 50)))
                late = day.rng.random() < 0.1
                when = _utc(station, day.date, dt.time(8, 20) if late else at)
            elif phase == Phase.VOTING:
                at = dt.time(int(day.rng.integers(9, 17)), int(day.rng.integers(0, 60)))
                when = _utc(station, day.date, at)
            else:
                at = dt.time(22, int(day.rng.integers(0, 59)))
                late = day.rng.random() < 0.1
                spread = int(day.rng.integers(250, 320)) if late else int(day.rng.integers(0, 100))
                when = _utc(station, day.date, at) + dt.timedelta(minutes=spread)
            answers = day.checklist(phase, station, at, bad)
            note(day.doors.send(members[0], phase, station, answers, when))
            if len(members) > 1 and phase != Phase.VOTING and day.rng.random() < 0.5:
                second = dict(answers)
                if day.rng.random() < 0.3:  # the two observers disagree on one yes/no answer
                    question = str(day.rng.choice(sorted(q for q, v in GOOD[phase].items()
                                                         if v in ("yes", "no"))))
                    second[question] = "no" if second[question] == "yes" else "yes"
                note(day.doors.send(members[1], phase, station, second,
                                    when + dt.timedelta(minutes=int(day.rng.integers(2, 15)))))
            if phase == Phase.CLOSING and protocol_form is not None:
                version = protocol_form.published_version()
                figures = day.protocol(station, version, reconciles=day.rng.random() > 0.2)
                note(day.doors.send(members[0], protocol_form.code, station, figures,
                                    when + dt.timedelta(minutes=20)))
    _incidents(day, by_team, note)
    _quarantined(day, by_team, note)
    _correction(day, note)
    summary = {**{f"channel:{k}": v for k, v in day.doors.counts.items()}, **outcomes}
    demo.notes.append("Election day: " + ", ".join(f"{v} {k}" for k, v in sorted(summary.items())))
    return summary


def _incidents(day: ElectionDay, by_team: dict[Team, list[Assignment]], note: Note) -> None:
    if "incident" not in day.forms:
        return
    teams = [team for team, duties in by_team.items() if duties and _members(team)]
    channels = (Channel.WEB, Channel.SMS, Channel.OPENROSA, Channel.API)
    for index, (category, severity, at, text) in enumerate(INCIDENTS):
        team = teams[(index * 7) % len(teams)]
        station = by_team[team][min(index + 1, len(by_team[team]) - 1)].station
        hours, minutes = map(int, at.split(":"))
        answers = {"category": category, "severity": severity, "occurred_at": at,
                   "ongoing": "no", "description": text}
        when = _utc(station, day.date, dt.time(hours, minutes)) + dt.timedelta(minutes=6)
        note(day.doors.send(_members(team)[0], "incident", station, answers, when, channels[index % 4]))
    critical = Incident.objects.filter(mission=day.mission, severity=Incident.Severity.CRITICAL).first()
    if critical is not None:
        coordinator = User.objects.filter(username="coordinator").first() or ACTOR
        incident_services.review_incident(critical, coordinator, "Called the team: confirmed.")
        escalation = incident_services.escalate_incident(critical, "Head of mission", coordinator,
                                                         "For the statement and the CEC.")
        incident_services.acknowledge(escalation, coordinator,
                                      at=critical.reported_at + dt.timedelta(minutes=40))


def _quarantined(day: ElectionDay, by_team: dict[Team, list[Assignment]], note: Note) -> None:
    """Three SMS that do not go to the data: a number not on the roster, a wrong answer code,
    an unknown form keyword."""
    team, duties = next(iter(by_team.items()))
    station = duties[0].station
    observer = _members(team)[0]
    when = _utc(station, day.date, dt.time(7, 55))
    stray = InboundSms("telerivet", "+77770001122", f"OP {station.code} A3 Y C1 Y C2 Y D1 2", "SM-stray-1",
                       received_at=when)
    note(receive_sms(stray).received)
    if observer.phone:
        for n, text in enumerate([f"OP {station.code} A3 maybe C1 Y", f"ZX {station.code} A1 Y"]):
            message = InboundSms("twilio", observer.phone, text, f"SM-slip-{n}",
                                 received_at=when + dt.timedelta(minutes=5 + n))
            note(receive_sms(message).received)


def _correction(day: ElectionDay, note: Note) -> None:
    """One observer corrects a voting report through the API."""
    first = (Submission.objects.filter(mission=day.mission, form__code="voting", is_current=True,
                                       channel__in=[Channel.API, Channel.WEB])
             .select_related("observer", "station", "form").order_by("received_at", "id").first())
    if first is None or first.observer is None:
        return
    answers = {k: v for k, v in first.answers.items() if k != "station"}
    answers["queues"] = "yes" if answers.get("queues") != "yes" else "no"
    note(day.doors.json(first.observer, first.form, first.station, answers,
                        first.received_at + dt.timedelta(minutes=25), Channel.API, corrects=first.pk))
