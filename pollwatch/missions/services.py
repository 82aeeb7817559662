"""Writing mission data: observers, teams, assignments and meetings, each change audited."""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

import phonenumbers
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pollwatch.accounts import audit
from pollwatch.accounts.models import AuditEntry, Role, User
from pollwatch.accounts.services import grant_role
from pollwatch.elections.models import PollingStation
from pollwatch.elections.tabular import ImportRejected, ImportReport, RowReader, read_table

from .models import Assignment, Group, Meeting, Mission, Observer, Phase, Team

LANGUAGE_CODES = {"en", "ru", "kk"}


class InvalidPhone(ValueError):
    pass


def normalise_phone(value: str, default_region: str | None = None) -> str:
    """A phone number in E.164 (``+77011234567``), or ``InvalidPhone`` saying why not."""
    cleaned = re.sub(r"[^\d+]", "", value or "")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, None if cleaned.startswith("+") else default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(_("%(value)s is not a phone number (%(problem)s)")
                           % {"value": repr(value), "problem": exc})
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone(_("%(value)s is not a possible phone number; write it as +<country><number>")
                           % {"value": repr(value)})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parse_languages(value: str) -> list[str]:
    return [code for code in re.split(r"[\s,;/]+", value.lower()) if code]


def ensure_observer_user(observer: Observer, actor: audit.Actor) -> User:
    """The observer's sign-in account (created on first need) with the observer role."""
    if observer.user_id:
        user = observer.user
    else:
        base = slugify(observer.accreditation_number or observer.full_name)[:100] or "observer"
        username, suffix = f"obs-{base}", 1
        while User.objects.filter(username=username).exists():
            suffix += 1
            username = f"obs-{base}-{suffix}"
        user = User(username=username, email=observer.email, first_name=observer.full_name[:150],
                    language=observer.language)
        user.set_unusable_password()
        user.save()
        observer.user = user
        observer.save(update_fields=["user"])
    grant_role(user, observer.mission, Role.OBSERVER, actor, group=observer.group)
    return user


def import_observers(mission: Mission, file: str | Path | IO[bytes], actor: audit.Actor,
                     name: str | None = None) -> ImportReport:
    """Import observers from CSV or XLSX, all or nothing.

    Columns: ``full_name, group`` (required), ``phone`` (E.164 or national), ``email,
    accreditation_number, languages, language, team, team_leader, base_area``. A row matches an
    existing observer by accreditation number, then by phone. Teams named in ``team`` are
    created in the observer's group.
    """
    table = read_table(file, name, required=["full_name", "group"])
    report = ImportReport(table.source)
    groups = {group.code: group for group in mission.groups.all()}
    areas = {area.code: area for area in mission.election.areas.all()}
    rows: list[dict[str, Any]] = []
    seen_phone: dict[str, int] = {}
    seen_accreditation: dict[str, int] = {}
    for line, values in table.rows:
        row = RowReader(report, line, values)
        item = _read_observer_row(row, mission, groups, areas)
        for key, seen in (("phone", seen_phone), ("accreditation_number", seen_accreditation)):
            if item[key] and item[key] in seen:
                row.error(key, _("%(code)s appears again (first on line %(line)s)")
                          % {"code": item[key], "line": seen[item[key]]})
            elif item[key]:
                seen[item[key]] = line
        if row.ok:
            rows.append(item)
    if report.errors:
        raise ImportRejected(report)
    with transaction.atomic():
        _write_observers(mission, rows, report, actor)
    return report


def _read_observer_row(row: RowReader, mission: Mission, groups: dict[str, Group],
                       areas: dict[str, Any]) -> dict[str, Any]:
    group_code = row.text("group", required=True)
    if group_code and group_code not in groups:
        row.error("group", _("no group %(group)s in mission %(mission)s")
                  % {"group": repr(group_code), "mission": mission.code})
    phone = row.text("phone", max_length=40)
    if phone:
        try:
            phone = normalise_phone(phone, mission.election.country)
        except InvalidPhone as exc:
            row.error("phone", str(exc))
    languages = _parse_languages(row.text("languages"))
    language = row.text("language").lower() or next(
        (code for code in languages if code in LANGUAGE_CODES), "en")
    if language not in LANGUAGE_CODES:
        row.error("language", _("%(value)s is not one of en, ru, kk") % {"value": repr(language)})
    base_code = row.text("base_area")
    if base_code and base_code not in areas:
        row.error("base_area", _("no area with code %(code)s") % {"code": repr(base_code)})
    email = row.text("email", max_length=254)
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        row.error("email", _("%(value)s is not an e-mail address") % {"value": repr(email)})
    team = row.text("team", max_length=64)
    if team and slugify(team) != team:
        row.error("team", _("%(value)s: use letters, digits, - and _ only") % {"value": repr(team)})
    return {
        "full_name": row.text("full_name", required=True, aliases=["name"]),
        "group": groups.get(group_code),
        "phone": phone,
        "email": email,
        "accreditation_number": row.text("accreditation_number", max_length=64,
                                         aliases=["accreditation"]),
        "languages": languages,
        "language": language,
        "base_area": areas.get(base_code),
        "team": team,
        "team_leader": row.boolean("team_leader"),
    }


def _write_observers(mission: Mission, rows: list[dict[str, Any]], report: ImportReport,
                     actor: audit.Actor) -> None:
    by_accreditation = {o.accreditation_number: o for o in mission.observers.all()
                        if o.accreditation_number}
    by_phone = {o.phone: o for o in mission.observers.all() if o.phone}
    teams = {team.code: team for team in mission.teams.all()}
    fields = ["full_name", "group", "phone", "email", "accreditation_number", "languages",
              "language", "base_area"]
    for item in rows:
        observer = (by_accreditation.get(item["accreditation_number"])
                    or by_phone.get(item["phone"]) or Observer(mission=mission))
        for field in fields:
            setattr(observer, field, item[field])
        entry = audit.save_audited(observer, actor, mission=mission)
        if entry is None:
            report.unchanged += 1
        elif entry.action == AuditEntry.Action.CREATE:
            report.created += 1
        else:
            report.updated += 1
        ensure_observer_user(observer, actor)
        if item["team"]:
            team = teams.get(item["team"])
            if team is None:
                team = Team(mission=mission, group=observer.group, code=item["team"],
                            name=item["team"], base_area=observer.base_area)
                audit.save_audited(team, actor, mission=mission)
                teams[team.code] = team
            add_team_member(team, observer, actor, leader=item["team_leader"])


def add_team_member(team: Team, observer: Observer, actor: audit.Actor,
                    leader: bool = False) -> None:
    if not team.members.filter(pk=observer.pk).exists():
        team.members.add(observer)
        audit.record(actor, AuditEntry.Action.UPDATE, team, mission=team.mission,
                     changes={"members": [None, f"+ {observer.full_name}"]})
    if leader and team.leader_id != observer.pk:
        team.leader = observer
        audit.save_audited(team, actor, mission=team.mission)


def assign(team: Team, station: PollingStation, phase: str, actor: audit.Actor) -> Assignment:
    """Give ``team`` a station for ``phase``; the report is due per the mission's deadlines."""
    mission = team.mission
    if station.election_id != mission.election_id:
        raise ValueError(_("station %(station)s is not in %(election)s")
                         % {"station": station.code, "election": mission.election})
    Phase(phase)
    assignment = Assignment.objects.filter(team=team, station=station, phase=phase).first()
    due = mission.report_due_utc(station, phase)
    if assignment and assignment.report_due_at == due:
        return assignment
    assignment = assignment or Assignment(team=team, station=station, phase=phase)
    assignment.report_due_at = due
    audit.save_audited(assignment, actor, mission=mission)
    return assignment


def unassign(assignment: Assignment, actor: audit.Actor) -> None:
    audit.delete_audited(assignment, actor, mission=assignment.team.mission)


def import_assignments(mission: Mission, file: str | Path | IO[bytes], actor: audit.Actor,
                       name: str | None = None) -> ImportReport:
    """Import assignments (``team, station, phase``; phase may list several or ``all``)."""
    table = read_table(file, name, required=["team", "station", "phase"])
    report = ImportReport(table.source)
    teams = {team.code: team for team in mission.teams.select_related("mission__election")}
    stations = dict(PollingStation.objects.filter(election=mission.election)
                    .values_list("code", "pk"))
    planned = []
    for line, values in table.rows:
        row = RowReader(report, line, values)
        team_code, station_code = row.text("team", required=True), row.text("station", required=True)
        if team_code and team_code not in teams:
            row.error("team", _("no team %(team)s in mission %(mission)s")
                      % {"team": repr(team_code), "mission": mission.code})
        if station_code and station_code not in stations:
            row.error("station", _("no polling station %(station)s in %(election)s")
                      % {"station": repr(station_code), "election": mission.election.code})
        phases = _parse_phases(row)
        if row.ok:
            planned.extend((teams[team_code], stations[station_code], p) for p in phases)
    if report.errors:
        raise ImportRejected(report)
    by_id = PollingStation.objects.select_related("election").in_bulk(
        {station_id for _t, station_id, _p in planned})
    with transaction.atomic():
        for team, station_id, phase in planned:
            before = Assignment.objects.filter(team=team, station_id=station_id,
                                               phase=phase).first()
            after = assign(team, by_id[station_id], phase, actor)
            if before is None:
                report.created += 1
            elif before.report_due_at != after.report_due_at:
                report.updated += 1
            else:
                report.unchanged += 1
    return report


def _parse_phases(row: RowReader) -> list[str]:
    value = row.text("phase", required=True).lower()
    if value == "all":
        return [phase.value for phase in Phase]
    phases = [p for p in re.split(r"[\s,;/+]+", value) if p]
    valid = {phase.value for phase in Phase}
    for phase in phases:
        if phase not in valid:
            row.error("phase", _("%(value)s is not one of: opening, voting, closing, all")
                      % {"value": repr(phase)})
    return [p for p in phases if p in valid]


def log_meeting(mission: Mission, actor: audit.Actor, *, participants: list[Observer] = (),
                **fields: Any) -> Meeting:
    """Record a pre-election meeting with stakeholders."""
    meeting = Meeting(mission=mission, **fields)
    if isinstance(actor, User):
        meeting.created_by = actor
    meeting.full_clean(exclude=["participants"])
    audit.save_audited(meeting, actor, mission=mission)
    if participants:
        meeting.participants.set(participants)
    return meeting
