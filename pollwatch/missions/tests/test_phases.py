"""The one rule for the phase under way: boundaries in each station's own zone and hours."""

import datetime as dt
import zoneinfo

import pytest

from pollwatch.missions.models import Phase
from pollwatch.missions.phases import mission_phase_under_way, phase_under_way

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")  # UTC+6 in 2023
ORAL = zoneinfo.ZoneInfo("Asia/Oral")  # UTC+5 in 2023


def local(zone, hour, minute=0, day=19):
    return dt.datetime(2023, 3, day, hour, minute, tzinfo=zone)


BOUNDARIES = [((6, 59), Phase.OPENING), ((7, 0), Phase.OPENING), ((7, 59), Phase.OPENING),
              ((8, 0), Phase.VOTING),  # the opening report is due (07:00 + 60 minutes)
              ((19, 59), Phase.VOTING), ((20, 0), Phase.CLOSING), ((23, 30), Phase.CLOSING)]


@pytest.mark.parametrize(("hour_minute", "phase"), BOUNDARIES)
def test_phase_at_a_station_by_its_local_time(world, hour_minute, phase):
    assert phase_under_way(world.alpha, world.station_astana, local(ALMATY, *hour_minute)) == phase


@pytest.mark.parametrize(("hour_minute", "phase"), BOUNDARIES)
def test_a_station_in_another_zone_follows_its_own_clock(world, hour_minute, phase):
    assert world.station_west.timezone == "Asia/Oral"
    assert phase_under_way(world.alpha, world.station_west, local(ORAL, *hour_minute)) == phase


def test_the_same_moment_is_a_different_phase_an_hour_west(world):
    moment = local(ALMATY, 20, 30)  # 19:30 in Oral
    assert phase_under_way(world.alpha, world.station_astana, moment) == Phase.CLOSING
    assert phase_under_way(world.alpha, world.station_west, moment) == Phase.VOTING
    moment = local(ALMATY, 8, 30)  # 07:30 in Oral
    assert phase_under_way(world.alpha, world.station_astana, moment) == Phase.VOTING
    assert phase_under_way(world.alpha, world.station_west, moment) == Phase.OPENING


def test_a_station_with_its_own_hours(world):
    station = world.station_astana
    station.opens_at, station.closes_at = dt.time(8), dt.time(18)
    assert phase_under_way(world.alpha, station, local(ALMATY, 8, 59)) == Phase.OPENING
    assert phase_under_way(world.alpha, station, local(ALMATY, 9)) == Phase.VOTING
    assert phase_under_way(world.alpha, station, local(ALMATY, 17, 59)) == Phase.VOTING
    assert phase_under_way(world.alpha, station, local(ALMATY, 18)) == Phase.CLOSING


def test_the_opening_deadline_is_the_missions(world):
    world.alpha.report_deadlines = {"opening": 30}
    assert phase_under_way(world.alpha, world.station_astana, local(ALMATY, 7, 29)) == Phase.OPENING
    assert phase_under_way(world.alpha, world.station_astana, local(ALMATY, 7, 30)) == Phase.VOTING


def test_days_before_and_after_election_day(world):
    assert phase_under_way(world.alpha, world.station_astana, local(ALMATY, 15, day=18)) == Phase.OPENING
    assert phase_under_way(world.alpha, world.station_astana, local(ALMATY, 3, day=20)) == Phase.CLOSING


@pytest.mark.parametrize(("hour_minute", "phase"), BOUNDARIES)
def test_pages_without_a_station_use_the_elections_default_hours_and_zone(world, hour_minute, phase):
    assert world.election.default_timezone == "Asia/Almaty"
    assert mission_phase_under_way(world.alpha, local(ALMATY, *hour_minute)) == phase
    # the same wall-clock time in Oral is an hour later in Almaty
    if hour_minute == (7, 59):
        assert mission_phase_under_way(world.alpha, local(ORAL, 7, 59)) == Phase.VOTING
