"""A polling station's hours are local; they are stored as wall-clock times with an IANA zone."""

import datetime as dt

from pollwatch.factories import StationFactory


def test_station_in_almaty_opens_at_01_utc_on_election_day(world):
    # Asia/Almaty was UTC+6 on 19 March 2023 (methodology.md section 1).
    assert world.station_astana.opening_utc() == dt.datetime(2023, 3, 19, 1, 0, tzinfo=dt.UTC)
    assert world.station_astana.closing_utc() == dt.datetime(2023, 3, 19, 14, 0, tzinfo=dt.UTC)


def test_station_in_west_kazakhstan_keeps_utc_plus_5(world):
    # Asia/Oral was UTC+5 on 19 March 2023: opens an hour later in UTC than Astana.
    assert world.station_west.opening_utc() == dt.datetime(2023, 3, 19, 2, 0, tzinfo=dt.UTC)


def test_zone_names_follow_history_not_fixed_offsets(world):
    # Kazakhstan moved to a single UTC+5 on 1 March 2024: the same station, a year later.
    later = world.station_astana.opening_utc(dt.date(2024, 3, 19))
    assert later == dt.datetime(2024, 3, 19, 2, 0, tzinfo=dt.UTC)


def test_custom_hours_and_is_open(world):
    station = StationFactory(area=world.astana, opens_at=dt.time(8, 0), closes_at=dt.time(22, 0))
    assert station.opening_utc() == dt.datetime(2023, 3, 19, 2, 0, tzinfo=dt.UTC)
    assert station.is_open_at(dt.datetime(2023, 3, 19, 15, 30, tzinfo=dt.UTC))
    assert not station.is_open_at(dt.datetime(2023, 3, 19, 16, 0, tzinfo=dt.UTC))
    assert station.to_local(dt.datetime(2023, 3, 19, 1, 0, tzinfo=dt.UTC)).hour == 7


def test_report_due_follows_the_station_clock(world):
    # The opening report is due an hour after opening, at 08:00 local time.
    due = world.alpha.report_due_utc(world.station_west, "opening")
    assert world.station_west.to_local(due).strftime("%H:%M") == "08:00"
    due = world.alpha.report_due_utc(world.station_astana, "closing")
    assert world.station_astana.to_local(due).strftime("%d %H:%M") == "20 00:00"
