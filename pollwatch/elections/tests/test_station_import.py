"""Importing polling stations: all or nothing, row-level errors, idempotent re-import."""

import io

import openpyxl
import pytest

from pollwatch.accounts.models import AuditEntry
from pollwatch.elections.models import ElectoralDistrict, PollingStation, StationDistrict
from pollwatch.elections.services import import_areas, import_stations
from pollwatch.elections.tabular import ImportRejected

HEADER = "code,area,name,address,latitude,longitude,registered_voters,kind,timezone,opens_at,closes_at\n"


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def test_good_file_creates_every_station(world):
    report = import_stations(world.election, csv_file(
        HEADER
        + "71100,71,School No. 5,Abai avenue 10,51.128,71.430,2100,regular,,07:00,20:00\n"
        + "27100,27,Club,Dostyk street 3,,,950,hospital,,,\n"
    ), "test", name="stations.csv")
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    club = PollingStation.objects.get(election=world.election, code="27100")
    assert club.timezone == "Asia/Oral"  # inherited from area 27
    assert club.region == world.west
    assert club.kind == "hospital"
    assert club.latitude is None


def test_bad_rows_are_all_reported_and_nothing_is_imported(world):
    before = PollingStation.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        import_stations(world.election, csv_file(
            HEADER
            + "71100,71,Good,,,,2100,regular,,,\n"
            + "71101,99,Unknown area,,,,100,regular,,,\n"
            + "71102,71,Bad number,,,,lots,regular,,,\n"
            + "71103,71,Bad zone,,,,10,regular,Asia/Nowhere,,\n"
            + "71104,71,Bad hours,,,,10,regular,,21:00,20:00\n"
            + "71100,71,Duplicate,,,,10,regular,,,\n"
            + "71105,71,Half a point,,51.1,,10,regular,,,\n"
        ), "test", name="stations.csv")
    errors = rejected.value.report.error_lines()
    assert "stations.csv line 3, column area: no area with code '99'" in errors
    assert "stations.csv line 4, column registered_voters: 'lots' is not a whole number" in errors
    assert any(e.startswith("stations.csv line 5, column timezone: 'Asia/Nowhere'") for e in errors)
    assert "stations.csv line 6, column closes_at: closing 20:00 is not after opening 21:00" in errors
    assert "stations.csv line 7, column code: '71100' appears again (first on line 2)" in errors
    assert "stations.csv line 8, column longitude: latitude and longitude go together" in errors
    assert PollingStation.objects.count() == before


def test_missing_required_column_is_reported(world):
    with pytest.raises(ImportRejected) as rejected:
        import_stations(world.election, csv_file("code,name\n1,x\n"), "test", name="s.csv")
    assert rejected.value.report.error_lines() == ["s.csv line 1, column area: required column is missing"]


def test_reimporting_the_same_file_changes_nothing(world):
    text = HEADER + "71100,71,School,Street 1,51.1,71.4,2100,regular,,07:00,20:00\n"
    import_stations(world.election, csv_file(text), "test")
    entries = AuditEntry.objects.count()
    again = import_stations(world.election, csv_file(text), "test")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    station = PollingStation.objects.get(code="71100")
    assert station.registered_voters == 2100
    assert AuditEntry.objects.count() == entries + 1  # the import itself is logged, no change


def test_changed_row_updates_its_station_and_logs_the_change(world):
    import_stations(world.election, csv_file(HEADER + "71100,71,School,,,,2100,regular,,,\n"), "test")
    report = import_stations(world.election, csv_file(HEADER + "71100,71,School,,,,2250,regular,,07:30,20:00\n"),
                             world.alice)
    assert (report.created, report.updated) == (0, 1)
    station = PollingStation.objects.get(code="71100")
    assert station.registered_voters == 2250
    assert station.opens_at.strftime("%H:%M") == "07:30"
    entry = AuditEntry.objects.filter(model="elections.PollingStation").first()
    assert entry.user == world.alice
    assert entry.changes["updated"]["71100"]["registered_voters"] == [2100, 2250]


def test_station_joins_a_district_per_contest(world):
    district = ElectoralDistrict.objects.create(contest=world.contest, code="KZ", name="Nationwide")
    import_stations(world.election, csv_file(
        "code,area,registered_voters,district:majilis-list\n71100,71,10,KZ\n"), "test")
    link = StationDistrict.objects.get(station__code="71100")
    assert (link.contest, link.district) == (world.contest, district)
    with pytest.raises(ImportRejected) as rejected:
        import_stations(world.election, csv_file(
            "code,area,district:majilis-list,district:senate\n71100,71,XX,\n"), "test", name="d.csv")
    assert rejected.value.report.error_lines() == [
        "d.csv line 1, column district:senate: no contest with code 'senate' in kz-test",
        "d.csv line 2, column district:majilis-list: no district 'XX' in contest majilis-list",
    ]


def test_xlsx_and_semicolon_csv_are_read(world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Code", "Area", "Registered voters", "Opens at"])
    sheet.append([71200, "71", 1234, "08:00"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    assert import_stations(world.election, buffer, "test", name="s.xlsx").created == 1
    assert PollingStation.objects.get(code="71200").registered_voters == 1234
    semicolon = csv_file("code;area;registered_voters\n71201;71;1 500\n")
    assert import_stations(world.election, semicolon, "test").created == 1
    assert PollingStation.objects.get(code="71201").registered_voters == 1500


def test_unreadable_file_is_rejected_with_a_reason(world):
    with pytest.raises(ImportRejected) as rejected:
        import_stations(world.election, io.BytesIO(b"PK\x03\x04 not really a workbook"), "test",
                        name="broken.xlsx")
    assert rejected.value.report.error_lines()[0].startswith("broken.xlsx: cannot be read as CSV or XLSX")


def test_area_import_builds_the_tree_in_any_order(world):
    report = import_areas(world.election, csv_file(
        "code,parent,level,name,name_ru,timezone\n"
        "2701,27,district,Oral city,город Уральск,\n"
        "270101,2701,settlement,Quarter 1,,\n"
    ), "test")
    assert report.created == 2
    quarter = world.election.areas.get(code="270101")
    assert quarter.path == "KZ/27/2701/270101"
    assert quarter.depth == 3
    assert world.election.areas.get(code="2701").name_in("ru") == "город Уральск"
    import_stations(world.election, csv_file("code,area\n27200,270101\n"), "test")
    station = PollingStation.objects.get(code="27200")
    assert (station.region, station.timezone) == (world.west, "Asia/Oral")


def test_area_import_rejects_loops_and_unknown_parents(world):
    with pytest.raises(ImportRejected) as rejected:
        import_areas(world.election, csv_file(
            "code,parent,level,name\nA,B,district,A\nB,A,district,B\nC,ZZ,district,C\nD,,planet,D\n"),
            "test", name="a.csv")
    errors = rejected.value.report.error_lines()
    assert "a.csv line 4, column parent: no area with code 'ZZ'" in errors
    assert "a.csv line 5, column level: 'planet' is not one of: country, region, city, district, settlement, abroad" in errors
    assert any("form a loop" in e for e in errors)
