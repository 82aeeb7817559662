"""Checking official results: station by station, quick count, seats, forensics."""

import numpy as np
import pytest

from pollwatch.elections.models import Choice, Contest
from pollwatch.factories import StationFactory
from pollwatch.results.services import announce_seats
from pollwatch.results.verification import (
    forensics_check,
    quick_count_by_region,
    quick_count_check,
    seat_check,
    station_discrepancies,
)
from pollwatch.submissions.models import Incident
from pollwatch.submissions.tests.observations import correct, observe, observe_protocol, voting_form

from .helpers import import_rows

ASTANA_VOTES = {"amanat": 500, "auyl": 200, "respublica": 180, "against-all": 100}


def test_a_station_where_observers_saw_other_figures_is_listed_with_the_difference(world):
    import_rows(world)
    # Oleg copied 71001's protocol: 450 for AMANAT where the commission says 500.
    observe_protocol(world.alpha, world.station_astana, world.contest, world.observer_oleg,
                     {"ballots": 1000, "invalid": 20, "valid": 980},
                     {**ASTANA_VOTES, "amanat": 450, "auyl": 250})
    # Olga's copy of 27001 agrees with the commission.
    observe_protocol(world.alpha, world.station_west, world.contest, world.observer_olga,
                     {"ballots": 700, "invalid": 10}, {"amanat": 300, "auyl": 200, "respublica": 100,
                                                       "against-all": 90})
    report = station_discrepancies(world.alpha, world.contest)
    assert (report.compared, report.agreeing, report.without_official) == (2, 1, 0)
    [found] = report.discrepancies
    assert found.station == world.station_astana
    assert {(d.line, d.official, d.observed, d.difference) for d in found.differences} == {
        ("votes:amanat", 500, 450, -50), ("votes:auyl", 200, 250, 50)}
    assert found.votes_at_stake == 100
    assert found.observers == ["Oleg Observer"] and found.reconciles


def test_discrepancies_are_sorted_by_votes_at_stake_and_name_unreconciled_protocols(world):
    import_rows(world)
    observe_protocol(world.alpha, world.station_astana, world.contest, world.observer_oleg,
                     {"ballots": 1000}, {**ASTANA_VOTES, "amanat": 490})
    observe_protocol(world.alpha, world.station_west, world.contest, world.observer_olga,
                     {"ballots": 650}, {"amanat": 200, "auyl": 200, "respublica": 100, "against-all": 90},
                     reconciles=False, failures=[{"equation": "ballots_balance", "difference": -50}])
    report = station_discrepancies(world.alpha, world.contest)
    assert [d.station.code for d in report.discrepancies] == ["27001", "71001"]
    west = report.discrepancies[0]
    assert (west.votes_at_stake, west.figures_at_stake, west.reconciles) == (100, 50, False)


def test_a_corrected_protocol_replaces_the_first_reading(world):
    import_rows(world)
    first = observe_protocol(world.alpha, world.station_astana, world.contest, world.observer_oleg,
                             {"ballots": 1000}, {**ASTANA_VOTES, "amanat": 400})
    assert station_discrepancies(world.alpha, world.contest).discrepancies
    correct(first.submission, {})
    assert station_discrepancies(world.alpha, world.contest).discrepancies == []


def test_two_observers_with_one_reading_are_one_row(world):
    import_rows(world)
    for observer in (world.observer_oleg, world.observer_olga):
        observe_protocol(world.alpha, world.station_astana, world.contest, observer,
                         {"ballots": 1000}, {**ASTANA_VOTES, "amanat": 400})
    [row] = station_discrepancies(world.alpha, world.contest).discrepancies
    assert row.observers == ["Oleg Observer", "Olga Observer"] and len(row.submission_ids) == 2


def test_an_observed_station_without_official_result_is_listed(world):
    import_rows(world, ["27001,1200,700,690,10,300,200,100,90"])
    observe_protocol(world.alpha, world.station_astana, world.contest, world.observer_oleg,
                     {"ballots": 1000}, ASTANA_VOTES)
    report = station_discrepancies(world.alpha, world.contest)
    assert report.without_official == 1
    assert report.discrepancies[0].official is None and report.discrepancies[0].votes_at_stake == 980


def _majilis_2023(world):
    """The 2023 Majilis list contest with its seven parties (methodology.md, section 1)."""
    contest = Contest.objects.create(election=world.election, code="majilis-2023", name="Majilis 2023",
                                     kind=Contest.Kind.PARTY_LIST, method=Contest.Method.HARE,
                                     seats=69, threshold_percent=5, has_against_all=True)
    codes = ["amanat", "auyl", "respublica", "ak-zhol", "qhp", "jsdp", "baytaq"]
    for n, code in enumerate(codes, start=1):
        Choice.objects.create(contest=contest, code=code, name=code, ballot_number=n)
    Choice.objects.create(contest=contest, code="against-all", name="Against all",
                          kind=Choice.Kind.AGAINST_ALL, ballot_number=9)
    return contest, codes


def test_the_2023_majilis_list_votes_give_the_announced_seats(world):
    contest, codes = _majilis_2023(world)
    # CEC final result of 27 March 2023 (methodology.md, section 1), split over three stations.
    national = [3_431_510, 693_938, 547_154, 535_139, 432_920, 331_058, 146_431, 248_291]
    split = np.array([[v // 2, v // 3, v - v // 2 - v // 3] for v in national]).T
    rows = [",".join([code, *map(str, votes)]) for code, votes in zip(["71001", "27001", "71002"], split, strict=True)]
    import_rows(world, rows, contest=contest, stage="final",
                header="station," + ",".join([*codes, "against-all"]))
    announce_seats(contest, dict(zip(codes, [40, 8, 6, 6, 5, 4, 0], strict=True)), source="CEC, 27 March 2023",
                   actor="test")
    check = seat_check(contest)
    assert check.votes["amanat"] == 3_431_510 and sum(check.votes.values()) == 6_366_441
    # Expected: the seats announced by the CEC (methodology.md, section 1), exactly.
    assert [check.seats[c] for c in codes] == [40, 8, 6, 6, 5, 4, 0]
    assert check.matches is True
    rows = {r["choice"]: r for r in check.rows()}
    assert rows["baytaq"]["qualified"] is False and rows["jsdp"]["qualified"] is True
    assert rows["jsdp"]["share"] == pytest.approx(331_058 / 6_366_441)  # 5.20 %
    assert rows["against-all"]["seats"] is None


def test_seats_announced_differently_are_shown_as_a_difference(world):
    contest, codes = _majilis_2023(world)
    national = [3_431_510, 693_938, 547_154, 535_139, 432_920, 331_058, 146_431, 248_291]
    import_rows(world, ["71001," + ",".join(map(str, national))], contest=contest,
                header="station," + ",".join([*codes, "against-all"]))
    announce_seats(contest, dict(zip(codes, [41, 8, 6, 6, 5, 3, 0], strict=True)), source="test", actor="test")
    check = seat_check(contest)
    assert check.matches is False
    differences = {r["choice"]: r["difference"] for r in check.rows() if r["difference"]}
    assert differences == {"amanat": -1, "jsdp": 1}


def test_announced_seats_must_name_choices_and_fit_the_contest(world):
    with pytest.raises(ValueError, match="nobody: not a choice"):
        announce_seats(world.contest, {"nobody": 1}, source="x", actor="test")
    with pytest.raises(ValueError, match="70 seats announced"):
        announce_seats(world.contest, {"amanat": 70}, source="x", actor="test")


def test_quick_count_from_observed_protocols_against_the_official_shares(world):
    import_rows(world)
    observe_protocol(world.alpha, world.station_astana, world.contest, world.observer_oleg,
                     {"ballots": 1000, "invalid": 20}, ASTANA_VOTES)
    observe_protocol(world.alpha, world.station_west, world.contest, world.observer_olga,
                     {"ballots": 700, "invalid": 10}, {"amanat": 300, "auyl": 200, "respublica": 100,
                                                       "against-all": 90})
    check = quick_count_check(world.alpha, world.contest)
    assert check.result is not None, check.note
    rows = {r["choice"]: r for r in check.rows(world.contest)}
    # Official AMANAT share of valid votes: 1250 / 2560 (the three stations' valid votes).
    assert rows["amanat"]["official"] == pytest.approx(1250 / 2560)
    # Combined ratio, strata weighted M_h / m_h: Astana 2 stations, 1 reported (weight 2);
    # West 1 of 1: (2 * 500 + 300) / (2 * 980 + 690), computed by hand.
    assert rows["amanat"]["estimate"] == pytest.approx(1300 / 2650)
    assert rows["amanat"]["inside"] == (rows["amanat"]["low"] <= 1250 / 2560 <= rows["amanat"]["high"])
    assert rows["amanat"]["official_seats"] == check.official_seats.seats["amanat"]
    assert sum(check.official_seats.seats.values()) == 69
    assert rows["amanat"]["seats"] is not None


def test_quick_count_by_region_uses_each_regions_stations(world):
    import_rows(world)
    observe_protocol(world.alpha, world.station_astana, world.contest, world.observer_oleg,
                     {"ballots": 1000, "invalid": 20}, ASTANA_VOTES)
    checks = {c.scope: c for c in quick_count_by_region(world.alpha, world.contest)}
    assert checks["71"].result.stations == 1
    assert checks["71"].result.estimates["amanat"].estimate == pytest.approx(500 / 980)
    assert checks["27"].result is None and "no observed protocols" in checks["27"].note


def test_forensics_flags_a_stuffed_station_and_shows_what_observers_reported(world):
    rng = np.random.default_rng(7)
    stations = [StationFactory(area=area, code=f"{area.code}{900 + i}", registered_voters=1000)
                for area in (world.astana, world.west) for i in range(20)]
    rows = []
    for station in stations:
        ballots = int(rng.integers(480, 560))
        amanat = int(ballots * rng.uniform(0.45, 0.55))
        rest = ballots - amanat
        rows.append(f"{station.code},1000,{ballots},{ballots},0,{amanat},{rest // 3},{rest // 3},{rest - 2 * (rest // 3)}")
    stuffed = stations[3]
    rows[3] = f"{stuffed.code},1000,990,990,0,975,5,5,5"
    import_rows(world, rows)
    observe(world.alpha, voting_form(world.alpha), stuffed, world.observer_oleg, {"overall": "very_bad"})
    Incident.objects.create(mission=world.alpha, station=stuffed, category="voting",
                            reported_at="2023-03-19T10:00Z")
    check = forensics_check(world.alpha, world.contest)
    flagged = {f.station.code: f for f in check.flagged}
    assert stuffed.code in flagged, check.note
    assert (flagged[stuffed.code].reports, flagged[stuffed.code].negative,
            flagged[stuffed.code].incidents) == (1, 1, 1)
    assert check.report.stations == 40
