"""Importing the commission's results: batches, row errors, mappings, and what changed."""

import pytest

from pollwatch.accounts.models import AuditEntry
from pollwatch.elections.tabular import ImportRejected
from pollwatch.results.models import OfficialResult, ResultBatch
from pollwatch.results.services import (
    compare_batches,
    current_rows,
    current_totals,
    import_results,
    save_column_mapping,
)

from .helpers import PRELIMINARY, csv_file, import_rows


def test_import_keeps_the_batch_with_its_source_hash_and_rows(world):
    report = import_rows(world, actor=world.alice)
    batch = ResultBatch.objects.get()
    assert report.created == 3 and report.details["batch"] == batch.pk
    assert (batch.number, batch.stage, batch.source, batch.imported_by) == (1, "preliminary", "cec.csv", world.alice)
    assert len(batch.sha256) == 64
    assert batch.totals["votes"] == {"amanat": 1250, "auyl": 600, "respublica": 430, "against-all": 280}
    row = OfficialResult.objects.get(station=world.station_astana)
    assert row.figures == {"registered": 2000, "ballots": 1000, "valid": 980, "invalid": 20}
    assert row.votes == {"amanat": 500, "auyl": 200, "respublica": 180, "against-all": 100}
    assert row.reconciles
    assert AuditEntry.objects.filter(action="import", model="results.ResultBatch").exists()


def test_bad_rows_are_each_named_and_nothing_is_imported(world):
    rows = ["71001,2000,1000,980,20,500,200,180,100",
            "99999,10,5,5,0,5,0,0,0",
            "27001,1200,700,690,10,lots,200,100,90",
            "71001,2000,1000,980,20,500,200,180,100"]
    with pytest.raises(ImportRejected) as rejected:
        import_rows(world, rows)
    lines = rejected.value.report.error_lines()
    assert "cec.csv line 3, column station: no polling station '99999' in kz-test" in lines
    assert "cec.csv line 4, column against_all: 'lots' is not a whole number" not in lines
    assert "cec.csv line 4, column amanat: 'lots' is not a whole number" in lines
    assert "cec.csv line 5, column station: '71001' appears again (first on line 2)" in lines
    assert not ResultBatch.objects.exists() and not OfficialResult.objects.exists()


def test_a_missing_choice_column_is_an_error_on_the_header(world):
    data = csv_file("71001,1000,500,200,180", header="station,ballots,amanat,auyl,respublica")
    with pytest.raises(ImportRejected) as rejected:
        import_results(world.election, world.contest, data, stage="preliminary", actor="test")
    assert rejected.value.report.error_lines() == [
        "cec.csv line 1, column votes:against-all: no column for the votes of Against all (against-all)"]


def test_a_saved_mapping_reads_the_commissions_own_headers(world):
    save_column_mapping(world.election, "cec-2023", {
        "station": "УИК", "ballots": "Бюллетени", "invalid": "Недействительные",
        "choice:amanat": "AMANAT", "choice:auyl": "Ауыл", "choice:respublica": "Respublica",
        "choice:against-all": "Против всех"}, world.alice)
    data = csv_file("71001;1000;20;500;200;180;100",
                    header="УИК;Бюллетени;Недействительные;AMANAT;Ауыл;Respublica;Против всех")
    report = import_results(world.election, world.contest, data, stage="final", actor="test",
                            mapping="cec-2023")
    batch = ResultBatch.objects.get(pk=report.details["batch"])
    assert batch.mapping_name == "cec-2023"
    row = batch.results.get()
    assert row.figures == {"ballots": 1000, "invalid": 20}
    assert row.votes["against-all"] == 100


def test_a_mapping_may_only_name_known_fields(world):
    with pytest.raises(ValueError, match="choice:nobody"):
        save_column_mapping(world.election, "x", {"station": "uik", "choice:nobody": "N"}, "test")


def test_the_same_file_twice_is_one_batch(world):
    import_rows(world)
    again = import_rows(world)
    assert again.details["duplicate"] and again.created == 0
    assert ResultBatch.objects.count() == 1


def test_final_batch_with_a_changed_station_shows_the_change(world):
    import_rows(world)
    final = ["71001,2000,1000,980,20,500,200,180,100",
             "27001,1200,700,690,10,380,120,100,90",   # 80 votes moved from auyl to amanat
             "71002,1800,900,890,10,450,200,150,90"]
    report = import_rows(world, final, stage="final", name="cec-final.csv")
    first, second = ResultBatch.objects.order_by("number")
    assert report.details["summary"] == {"previous": 1, "added": 0, "removed": 0, "changed": 1,
                                         "votes_moved": 160}
    comparison = compare_batches(first, second)
    [change] = comparison.changes
    assert (change.station_code, change.kind, change.votes_moved) == ("27001", "changed", 160)
    assert {(c.line, c.before, c.after, c.difference) for c in change.lines} == {
        ("votes:amanat", 300, 380, 80), ("votes:auyl", 200, 120, -80)}
    # The earlier batch is kept as it was; the final one decides the current result.
    assert first.results.get(station=world.station_west).votes["amanat"] == 300
    current = {r["station"]: r for r in current_rows(world.contest)}
    assert current["27001"]["votes"]["amanat"] == 380 and current["27001"]["batch_id"] == second.pk


def test_a_partial_later_batch_adds_stations_and_keeps_the_others(world):
    import_rows(world, PRELIMINARY[:2])
    import_rows(world, PRELIMINARY[2:], name="more.csv")
    first, second = ResultBatch.objects.order_by("number")
    assert second.summary["added"] == 1 and second.summary["removed"] == 2
    assert [r["station"] for r in current_rows(world.contest)] == ["27001", "71001", "71002"]
    # Neither batch holds every station: the national totals are summed station by station.
    assert current_totals(world.contest)["votes"]["amanat"] == 500 + 300 + 450
    assert current_totals(world.contest, batch=second)["votes"]["amanat"] == 450


def test_the_commissions_own_arithmetic_is_checked(world):
    import_rows(world, ["71001,2000,1000,980,10,500,200,180,100"])   # 980 + 10 != 1000
    row = OfficialResult.objects.get()
    assert not row.reconciles
    assert row.failures[0]["equation"] == "ballots_balance"
    assert row.failures[0]["difference"] == -10


def test_stage_must_be_preliminary_or_final(world):
    with pytest.raises(ValueError, match="stage"):
        import_rows(world, stage="draft")


def test_an_xlsx_workbook_imports_like_a_csv(world, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Station", "Ballots", "Invalid", "amanat", "auyl", "respublica", "against-all"])
    sheet.append(["71001", 1000, 20, 500, 200, 180, 100])
    path = tmp_path / "cec.xlsx"
    book.save(path)
    report = import_results(world.election, world.contest, path, stage="final", actor="test")
    row = OfficialResult.objects.get(batch_id=report.details["batch"])
    assert row.figures == {"ballots": 1000, "invalid": 20} and row.votes["against-all"] == 100
