"""NIST SP 1500-100 v2 election results JSON: export and import.

The export writes an ``ElectionReport`` at precinct level: the electoral geography as
``ReportingUnit`` objects with Open Civic Data style identifiers
(``ocd-division/country:kz/region:71/precinct:71001``), each contest as a ``PartyContest``
(party lists; "against all" as a ``BallotMeasureSelection``), ``CandidateContest`` (one per
district) or ``BallotMeasureContest``, and a ``VoteCounts`` of type ``total`` per choice and
station. With one contest, the ballots and invalid ballots of each station are given as the
election's ``BallotCounts`` and the ``VotersParticipated`` of the station.

Every selection, contest and station also carries a pollwatch identifier (``ExternalIdentifier``
of type ``other``), so a file written here reads back unchanged. The import reads station
counts only (``VoteCounts`` whose ``GpUnitId`` is a polling station).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import jsonschema
from django.utils import timezone
from django.utils.translation import gettext as _

import pollwatch
from pollwatch.accounts import audit
from pollwatch.elections.models import (
    Area,
    Choice,
    Contest,
    Election,
    ElectoralDistrict,
    PollingStation,
    StationDistrict,
)
from pollwatch.elections.tabular import ImportRejected, ImportReport
from pollwatch.missions.models import Mission

from . import services
from .models import ResultBatch, Stage
from .observed import observed_by_station

SCHEMA_PATH = Path(__file__).parent / "schema" / "NIST_V2_election_results_reporting.json"
ER = "ElectionResults."
VENDOR = f"pollwatch {getattr(pollwatch, '__version__', '0.1.0')}"
MAX_SCHEMA_ERRORS = 50

UNIT_TYPES = {
    Area.Level.COUNTRY: ("country", ""), Area.Level.REGION: ("other", "region"),
    Area.Level.CITY: ("city", ""), Area.Level.DISTRICT: ("other", "district"),
    Area.Level.SETTLEMENT: ("town", ""), Area.Level.ABROAD: ("other", "abroad"),
}


@functools.cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def validator() -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(schema(), format_checker=jsonschema.FormatChecker())


def schema_errors(document: Any, limit: int = MAX_SCHEMA_ERRORS) -> list[tuple[str, str]]:
    """``(path, message)`` for each way ``document`` breaks the schema (at most ``limit``)."""
    found = []
    for error in validator().iter_errors(document):
        error = _inner_error(error)
        path = "/".join(str(p) for p in error.absolute_path) or "(root)"
        found.append((path, error.message[:300]))
        if len(found) >= limit:
            break
    return found


def _inner_error(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For a ``oneOf`` failure, the deepest error of the branch whose ``@type`` matched (the
    schema tells the branches apart by ``@type``), e.g. the bad ``Count`` of a selection."""
    while error.context:
        wrong_type = {e.relative_schema_path[0] for e in error.context
                      if e.validator == "enum" and list(e.relative_path)[-1:] == ["@type"]}
        matching = [e for e in error.context if e.relative_schema_path[0] not in wrong_type]
        if not matching:
            break
        error = max(matching, key=lambda e: len(e.absolute_path))
    return error


# --- identifiers --------------------------------------------------------------------------

def _ocd_part(text: str) -> str:
    """Lower case; characters outside the OCD set become ``_``."""
    return re.sub(r"[^a-z0-9._~-]", "_", text.strip().lower())


def _xml_id(*parts: str) -> str:
    return "-".join(re.sub(r"[^A-Za-z0-9_.-]", "_", p) for p in parts)


class Geography:
    """Open Civic Data style identifiers for an election's areas and stations."""

    def __init__(self, election: Election):
        self.election = election
        self.areas = {area.pk: area for area in election.areas.all()}
        self.by_code = {area.code: area for area in self.areas.values()}
        self._ocd: dict[int, str] = {}

    def area_ocd(self, area: Area) -> str:
        if area.pk not in self._ocd:
            parts = []
            codes = area.path.split("/")
            root = self.by_code.get(codes[0])
            if root is None or root.level != Area.Level.COUNTRY:
                parts.append(f"country:{_ocd_part(self.election.country)}")
            for depth, code in enumerate(codes):
                node = self.by_code.get(code)
                level = node.level if node else "area"
                if level == Area.Level.COUNTRY:
                    kind = "country"
                elif depth == 1 and level != Area.Level.ABROAD:
                    kind = "region"
                else:
                    kind = level
                parts.append(f"{kind}:{_ocd_part(code)}")
            self._ocd[area.pk] = "ocd-division/" + "/".join(parts)
        return self._ocd[area.pk]

    def station_ocd(self, station: PollingStation) -> str:
        return f"{self.area_ocd(self.areas[station.area_id])}/precinct:{_ocd_part(station.code)}"

    def country_ocd(self) -> str:
        return f"ocd-division/country:{_ocd_part(self.election.country)}"


def area_unit_id(area: Area) -> str:
    return _xml_id("gp", "area", area.code)


def station_unit_id(station: PollingStation) -> str:
    return _xml_id("gp", "station", station.code)


# --- building blocks ----------------------------------------------------------------------

def text(value: str, translations: dict[str, str] | None = None, language: str = "en") -> dict:
    """An InternationalizedText: the name, then its translations."""
    strings = [{"@type": f"{ER}LanguageString", "Content": value or "-", "Language": language}]
    for lang, content in sorted((translations or {}).items()):
        if content and lang != language:
            strings.append({"@type": f"{ER}LanguageString", "Content": content, "Language": lang})
    return {"@type": f"{ER}InternationalizedText", "Text": strings}


def identifier(kind: str, value: str, *, other: str = "", label: str = "") -> dict:
    item: dict[str, Any] = {"@type": f"{ER}ExternalIdentifier", "Type": kind, "Value": value}
    if other:
        item["OtherType"] = other
    if label:
        item["Label"] = label
    return item


def _unit(unit_id: str, unit_type: tuple[str, str], name: dict, ids: list[dict],
          children: list[str] | None = None, **extra: Any) -> dict:
    unit: dict[str, Any] = {"@id": unit_id, "@type": f"{ER}ReportingUnit", "Type": unit_type[0],
                            "Name": name, "ExternalIdentifier": ids}
    if unit_type[1]:
        unit["OtherType"] = unit_type[1]
    if children:
        unit["ComposingGpUnitIds"] = children
    unit.update({k: v for k, v in extra.items() if v is not None})
    return unit


# --- the export ---------------------------------------------------------------------------

class _Counts:
    """Figures and votes per station, from the official batches or the observed protocols."""

    def __init__(self, contest: Contest, source: str, mission: Mission | None,
                 batch: ResultBatch | None):
        self.rows: dict[int, dict[str, Any]] = {}
        if source == "official":
            for row in services.current_rows(contest, batch=batch):
                self.rows[row["station_id"]] = {"figures": row["figures"], "votes": row["votes"]}
        else:
            assert mission is not None
            for station_id, protocol in observed_by_station(mission, contest).items():
                self.rows[station_id] = {"figures": protocol.figures, "votes": protocol.votes}


def _stations_used(counts: Iterable[_Counts]) -> set[int]:
    used: set[int] = set()
    for item in counts:
        used |= set(item.rows)
    return used


def _geography_units(geo: Geography, stations: list[PollingStation], single: _Counts | None
                     ) -> tuple[list[dict], str]:
    """ReportingUnits for the stations and every area above them, and the id of the unit
    that is the election's scope (the country)."""
    children: dict[int, list[str]] = {}
    needed: set[int] = set()
    for station in stations:
        children.setdefault(station.area_id, []).append(station_unit_id(station))
        area: Area | None = geo.areas[station.area_id]
        while area is not None and area.pk not in needed:
            needed.add(area.pk)
            parent = geo.areas.get(area.parent_id) if area.parent_id else None
            if parent is not None:
                children.setdefault(parent.pk, []).append(area_unit_id(area))
            area = parent
    units = []
    for area in sorted((geo.areas[pk] for pk in needed), key=lambda a: a.path):
        units.append(_unit(area_unit_id(area), UNIT_TYPES.get(area.level, ("other", area.level)),
                           text(area.name, area.translations),
                           [identifier("ocd-id", geo.area_ocd(area))],
                           sorted(set(children.get(area.pk, [])))))
    for station in stations:
        figures = single.rows.get(station.pk, {}).get("figures", {}) if single else {}
        units.append(_unit(
            station_unit_id(station), ("precinct", ""), text(station.name or station.code),
            [identifier("ocd-id", geo.station_ocd(station)),
             identifier("local-level", station.code, label="polling station number")],
            VotersRegistered=figures.get("registered", station.registered_voters),
            VotersParticipated=figures.get("ballots")))
    roots = [geo.areas[pk] for pk in needed if not geo.areas[pk].parent_id]
    if len(roots) == 1 and roots[0].level == Area.Level.COUNTRY:
        return units, area_unit_id(roots[0])
    country_id = _xml_id("gp", "country", geo.election.country)
    units.insert(0, _unit(country_id, ("country", ""), text(geo.election.country),
                          [identifier("ocd-id", geo.country_ocd())],
                          sorted(area_unit_id(a) for a in roots) or None))
    return units, country_id


def _district_units(contest: Contest, districts: list[ElectoralDistrict],
                    members: dict[int, list[str]]) -> list[dict]:
    return [_unit(_xml_id("gp", "district", contest.code, d.code), ("other", "electoral-district"),
                  text(d.name, d.translations),
                  [identifier("other", f"{contest.code}/{d.code}", other="pollwatch-district")],
                  sorted(members.get(d.pk, [])))
            for d in districts if members.get(d.pk)]


def _vote_counts(counts: _Counts, code: str, unit_ids: dict[int, str]) -> list[dict]:
    out = []
    for station_id, row in counts.rows.items():
        value = row["votes"].get(code)
        if value is not None and station_id in unit_ids:
            out.append({"@type": f"{ER}VoteCounts", "GpUnitId": unit_ids[station_id],
                        "Type": "total", "Count": value})
    return out


def _selection(contest: Contest, choice: Choice, counts: _Counts, unit_ids: dict[int, str],
               order: int) -> dict:
    """A party, candidate or other selection (e.g. "against all"). Only the last may carry an
    identifier of its own; parties and candidates carry the choice's code themselves."""
    base: dict[str, Any] = {"@id": _xml_id("sel", contest.code, choice.code), "SequenceOrder": order,
                            "VoteCounts": _vote_counts(counts, choice.code, unit_ids)}
    if choice.kind == Choice.Kind.PARTY:
        return {**base, "@type": f"{ER}PartySelection", "PartyIds": [_xml_id("party", choice.code)]}
    if choice.kind == Choice.Kind.CANDIDATE:
        return {**base, "@type": f"{ER}CandidateSelection",
                "CandidateIds": [_xml_id("cand", contest.code, choice.code)]}
    return {**base, "@type": f"{ER}BallotMeasureSelection",
            "Selection": text(choice.name, choice.translations),
            "ExternalIdentifier": [identifier("other", choice.code, other="pollwatch-choice")]}


def _contest_entries(contest: Contest, counts: _Counts, unit_ids: dict[int, str],
                     country_unit: str, members: dict[int, list[str]]) -> list[dict]:
    choices = list(contest.choices.order_by("district__code", "ballot_number", "code"))
    districts = list(contest.districts.all()) if contest.has_districts else []
    groups: list[tuple[ElectoralDistrict | None, list[Choice]]] = []
    if districts:
        for district in districts:
            groups.append((district, [c for c in choices if c.district_id in (None, district.pk)]))
    else:
        groups.append((None, choices))
    entries = []
    for district, group in groups:
        if district is not None and not members.get(district.pk):
            continue
        ids = [identifier("other", contest.code, other="pollwatch-contest")]
        name = contest.name
        scope = country_unit
        if district is not None:
            ids.append(identifier("other", f"{contest.code}/{district.code}", other="pollwatch-district"))
            name = f"{contest.name}: {district.name}"
            scope = _xml_id("gp", "district", contest.code, district.code)
        entry: dict[str, Any] = {
            "@id": _xml_id("contest", contest.code, district.code if district else ""),
            "ElectionDistrictId": scope, "Name": name, "ExternalIdentifier": ids,
            "SequenceOrder": contest.ballot_order,
            "ContestSelection": [_selection(contest, c, counts, unit_ids, i)
                                 for i, c in enumerate(group, start=1)],
        }
        kinds = {c.kind for c in group}
        if Choice.Kind.CANDIDATE in kinds:
            entry.update({"@type": f"{ER}CandidateContest", "VotesAllowed": 1,
                          "NumberElected": district.seats if district else contest.seats,
                          "VoteVariation": "plurality"})
        elif kinds <= {Choice.Kind.YES, Choice.Kind.NO}:
            entry["@type"] = f"{ER}BallotMeasureContest"
        else:
            entry.update({"@type": f"{ER}PartyContest", "VoteVariation": "proportional"})
        entries.append(entry)
    return entries


def _parties_and_candidates(contests: list[Contest]) -> tuple[list[dict], list[dict]]:
    parties: dict[str, dict] = {}
    by_name: dict[str, str] = {}
    for choice in Choice.objects.filter(contest__in=contests, kind=Choice.Kind.PARTY).order_by("code"):
        party_id = _xml_id("party", choice.code)
        by_name[choice.name.strip().lower()] = party_id
        parties.setdefault(party_id, {"@id": party_id, "@type": f"{ER}Party",
                                      "Name": text(choice.name, choice.translations),
                                      "ExternalIdentifier": [identifier("other", choice.code,
                                                                        other="pollwatch-choice")]})
    candidates = []
    for choice in (Choice.objects.filter(contest__in=contests, kind=Choice.Kind.CANDIDATE)
                   .select_related("contest").order_by("contest__code", "code")):
        candidate = {"@id": _xml_id("cand", choice.contest.code, choice.code),
                     "@type": f"{ER}Candidate", "BallotName": text(choice.name, choice.translations),
                     "ExternalIdentifier": [identifier("other", choice.code, other="pollwatch-choice")]}
        party = by_name.get(choice.party.strip().lower())
        if party:
            candidate["PartyId"] = party
        candidates.append(candidate)
    return list(parties.values()), candidates


def _status(source: str, contests: list[Contest], batch: ResultBatch | None,
            counts: list[_Counts], stations_total: int) -> str:
    if source == "observed":
        return "unofficial-partial"
    batches = [batch] if batch else [b for c in contests for b in c.result_batches.all()]
    if batches and all(b.stage == Stage.FINAL for b in batches):
        return "certified"
    complete = all(len(c.rows) >= stations_total for c in counts)
    return "unofficial-complete" if complete else "unofficial-partial"


def export_nist(election: Election, *, source: str = "official", mission: Mission | None = None,
                contests: Iterable[Contest] | None = None, batch: ResultBatch | None = None,
                now: dt.datetime | None = None) -> dict[str, Any]:
    """The official results (``source="official"``: the current result of each station, or
    one ``batch``) or a mission's observed protocols (``source="observed"``) as a NIST
    SP 1500-100 v2 ``ElectionReport``."""
    if source not in ("official", "observed"):
        raise ValueError("source is official or observed")
    if source == "observed" and mission is None:
        raise ValueError("observed results belong to a mission: give the mission")
    contests = list(contests) if contests is not None else list(election.contests.all())
    if batch is not None:
        contests = [batch.contest]
    counts = [_Counts(c, source, mission, batch) for c in contests]
    geo = Geography(election)
    stations = list(PollingStation.objects.filter(pk__in=_stations_used(counts)).order_by("code"))
    unit_ids = {s.pk: station_unit_id(s) for s in stations}
    single = counts[0] if len(counts) == 1 else None
    units, country_id = _geography_units(geo, stations, single)
    entries = []
    for contest, contest_counts in zip(contests, counts, strict=True):
        members: dict[int, list[str]] = {}
        if contest.has_districts:
            for station_id, district_id in StationDistrict.objects.filter(
                    contest=contest, station_id__in=unit_ids).values_list("station_id", "district_id"):
                members.setdefault(district_id, []).append(unit_ids[station_id])
            units += _district_units(contest, list(contest.districts.all()), members)
        entries += _contest_entries(contest, contest_counts, unit_ids, country_id, members)
    parties, candidates = _parties_and_candidates(contests)
    election_entry: dict[str, Any] = {
        "@type": f"{ER}Election", "ElectionScopeId": country_id, "Type": "general",
        "StartDate": election.date.isoformat(), "EndDate": election.date.isoformat(),
        "Name": text(election.name, election.translations),
        "ExternalIdentifier": [identifier("other", election.code, other="pollwatch-election")],
        "Contest": entries,
    }
    if candidates:
        election_entry["Candidate"] = candidates
    if single is not None:
        election_entry["BallotCounts"] = _ballot_counts(single, unit_ids)
    generated = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    report: dict[str, Any] = {
        "@type": f"{ER}ElectionReport", "Format": "precinct-level",
        "GeneratedDate": generated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Issuer": mission.name if mission else "pollwatch",
        "IssuerAbbreviation": mission.code if mission else "pollwatch",
        "VendorApplicationId": VENDOR, "SequenceStart": 1, "SequenceEnd": 1,
        "Status": _status(source, contests, batch, counts, election.stations.count()),
        "Notes": _notes(source, contests, batch, mission),
        "Election": [election_entry], "GpUnit": units,
    }
    if parties:
        report["Party"] = parties
    return report


def _ballot_counts(counts: _Counts, unit_ids: dict[int, str]) -> list[dict]:
    out = []
    for station_id, row in sorted(counts.rows.items()):
        figures = row["figures"]
        if station_id not in unit_ids or "ballots" not in figures:
            continue
        item = {"@type": f"{ER}BallotCounts", "GpUnitId": unit_ids[station_id], "Type": "total",
                "BallotsCast": figures["ballots"]}
        if "invalid" in figures:
            item["BallotsRejected"] = figures["invalid"]
        out.append(item)
    return out


def _notes(source: str, contests: list[Contest], batch: ResultBatch | None,
           mission: Mission | None) -> str:
    if source == "observed":
        return (f"Result protocols copied by the observers of {mission.name} at the stations they "
                "observed (one reading per station: the newest that reconciles). Not official results.")
    if batch is not None:
        return (f"Official results of the election commission as imported into pollwatch: batch "
                f"#{batch.number} ({batch.get_stage_display()}, {batch.source}, sha256 {batch.sha256}).")
    return ("Official results of the election commission as imported into pollwatch: for each "
            "station, its figures in the latest batch (final before preliminary).")


# --- the import ---------------------------------------------------------------------------

def _other_id(item: dict, kind: str) -> str | None:
    for ext in item.get("ExternalIdentifier") or []:
        if ext.get("Type") == "other" and ext.get("OtherType") == kind:
            return ext.get("Value")
    return None


def _texts(value: dict | None) -> set[str]:
    return {s.get("Content", "").strip().lower() for s in (value or {}).get("Text", [])}


def _station_codes(units: list[dict], stations: dict[str, int]) -> dict[str, str]:
    """GpUnit @id -> station code, for the units that are polling stations of the election."""
    lowered = {code.lower(): code for code in stations}
    found = {}
    for unit in units:
        code = None
        for ext in unit.get("ExternalIdentifier") or []:
            value = str(ext.get("Value", ""))
            if ext.get("Type") == "ocd-id" and "/precinct:" in value:
                code = lowered.get(value.rsplit("/precinct:", 1)[1])
            elif ext.get("Type") in ("local-level", "national-level", "state-level") and value in stations:
                code = value
            if code:
                break
        if code is None and unit.get("Type") in ("precinct", "polling-place"):
            names = _texts(unit.get("Name"))
            code = next((lowered[n] for n in names if n in lowered), None)
        if code:
            found[unit["@id"]] = code
    return found


def _selection_codes(entry: dict, contest: Contest, document: dict, report: ImportReport,
                     where: str) -> dict[str, str]:
    choices = list(contest.choices.all())
    by_code = {c.code: c.code for c in choices}
    by_name = {c.name.strip().lower(): c.code for c in choices}
    for c in choices:
        for name in (c.translations or {}).values():
            by_name.setdefault(name.strip().lower(), c.code)
    parties = {p["@id"]: p for p in document.get("Party") or []}
    candidates = {c["@id"]: c for e in document.get("Election") or [] for c in e.get("Candidate") or []}
    codes = {}
    for index, selection in enumerate(entry.get("ContestSelection") or []):
        code = by_code.get(_other_id(selection, "pollwatch-choice") or "")
        names: set[str] = set()
        if code is None:
            if selection.get("@type") == f"{ER}PartySelection":
                for party_id in selection.get("PartyIds", []):
                    party = parties.get(party_id, {})
                    code = code or by_code.get(_other_id(party, "pollwatch-choice") or "")
                    names |= _texts(party.get("Name")) | _texts(party.get("Abbreviation"))
            elif selection.get("@type") == f"{ER}CandidateSelection":
                for candidate_id in selection.get("CandidateIds", []):
                    candidate = candidates.get(candidate_id, {})
                    code = code or by_code.get(_other_id(candidate, "pollwatch-choice") or "")
                    names |= _texts(candidate.get("BallotName"))
            else:
                names |= _texts(selection.get("Selection"))
            code = code or next((by_name[n] for n in sorted(names) if n in by_name), None)
        if code is None:
            report.add_error(0, f"{where}/ContestSelection/{index}",
                             _("selection %(selection)s matches no choice of %(contest)s")
                             % {"selection": repr(selection.get("@id")), "contest": contest.code})
        else:
            codes[selection["@id"]] = code
    return codes


def _matching_entries(document: dict, contest: Contest) -> list[tuple[str, dict]]:
    found = []
    for e_index, election in enumerate(document.get("Election") or []):
        for c_index, entry in enumerate(election.get("Contest") or []):
            own = _other_id(entry, "pollwatch-contest")
            if own == contest.code or (own is None and entry.get("Name", "").strip().lower()
                                       in {contest.code.lower(), contest.name.strip().lower()}):
                found.append((f"Election/{e_index}/Contest/{c_index}", entry))
    return found


def _load(data: bytes, report: ImportReport) -> dict:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.add_error(getattr(exc, "lineno", 0), "", _("not JSON: %(problem)s") % {"problem": exc})
        raise ImportRejected(report)
    for path, message in schema_errors(document):
        report.add_error(0, path, _("does not follow the NIST SP 1500-100 v2 schema: %(problem)s")
                         % {"problem": message})
    if report.errors:
        raise ImportRejected(report)
    return document


def _counts_by_station(entries: list[tuple[str, dict]], contest: Contest, document: dict,
                       units: dict[str, str], report: ImportReport) -> tuple[dict[str, dict[str, int]], int]:
    votes: dict[str, dict[str, dict[str, float]]] = {}
    skipped = 0
    for where, entry in entries:
        codes = _selection_codes(entry, contest, document, report, where)
        for selection in entry.get("ContestSelection") or []:
            choice = codes.get(selection["@id"])
            for count in selection.get("VoteCounts") or []:
                station = units.get(count["GpUnitId"])
                if station is None or choice is None:
                    skipped += station is None
                    continue
                by_type = votes.setdefault(station, {}).setdefault(choice, {})
                by_type[count["Type"]] = by_type.get(count["Type"], 0) + count["Count"]
    result: dict[str, dict[str, int]] = {}
    for station, by_choice in votes.items():
        for choice, by_type in by_choice.items():
            value = by_type["total"] if "total" in by_type else sum(by_type.values())
            if value != int(value) or value < 0:
                report.add_error(0, f"VoteCounts/{station}/{choice}",
                                 _("%(value)s is not a whole number of votes") % {"value": value})
                continue
            result.setdefault(station, {})[choice] = int(value)
    return result, skipped


def import_results_nist(election: Election, contest: Contest, file: str | Path | IO[bytes], *,
                        stage: str, actor: audit.Actor, name: str | None = None,
                        note: str = "") -> ImportReport:
    """Import one contest's station results from a NIST SP 1500-100 v2 JSON report as a new
    batch. The file is validated against the schema first; every problem is reported with its
    JSON path, and nothing is written unless the whole file is good."""
    if stage not in services.STAGES:
        raise ValueError(_("stage must be one of %(allowed)s, not %(value)s")
                         % {"allowed": ", ".join(services.STAGES), "value": repr(stage)})
    data, default_name = services.read_bytes(file)
    source = name or default_name
    duplicate = services.find_duplicate(contest, stage, data, source)
    if duplicate is not None:
        return duplicate
    report = ImportReport(source)
    document = _load(data, report)
    entries = _matching_entries(document, contest)
    if not entries:
        names = [c.get("Name", "?") for e in document.get("Election") or [] for c in e.get("Contest") or []]
        report.add_error(0, "Election/Contest",
                         _("no contest for %(contest)s (found: %(found)s)")
                         % {"contest": contest.code, "found": ", ".join(names) or _("none")})
        raise ImportRejected(report)
    stations = dict(PollingStation.objects.filter(election=election).values_list("code", "pk"))
    units = _station_codes(document.get("GpUnit") or [], stations)
    votes, skipped = _counts_by_station(entries, contest, document, units, report)
    if report.errors:
        raise ImportRejected(report)
    figures = _figures(document, units)
    links = StationDistrict.objects.filter(contest=contest).values_list("station_id", "district_id")
    districts = dict(links) if contest.has_districts else {}
    rows = [services.ParsedRow(stations[code], code, districts.get(stations[code]),
                               figures.get(code, {}), station_votes)
            for code, station_votes in sorted(votes.items())]
    if not rows:
        report.add_error(0, "GpUnit", _("no vote counts for polling stations of this election"))
        raise ImportRejected(report)
    batch = services.write_batch(contest, rows, stage=stage, fmt=ResultBatch.Format.NIST,
                                 source=source, sha256=services.file_hash(data), actor=actor, note=note)
    return services.report_for(batch, report, skipped_counts=skipped)


def _figures(document: dict, units: dict[str, str]) -> dict[str, dict[str, int]]:
    figures: dict[str, dict[str, int]] = {}
    for unit in document.get("GpUnit") or []:
        code = units.get(unit.get("@id"))
        if code and isinstance(unit.get("VotersRegistered"), int):
            figures.setdefault(code, {})["registered"] = unit["VotersRegistered"]
    for election in document.get("Election") or []:
        for item in election.get("BallotCounts") or []:
            code = units.get(item["GpUnitId"])
            if code is None or item.get("Type") != "total":
                continue
            if "BallotsCast" in item:
                figures.setdefault(code, {})["ballots"] = item["BallotsCast"]
            if "BallotsRejected" in item:
                figures.setdefault(code, {})["invalid"] = item["BallotsRejected"]
    return figures
