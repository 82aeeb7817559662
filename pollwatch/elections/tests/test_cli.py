"""The `pollwatch` command: imports from files and the deployment plan."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pollwatch.cli import _management_argv
from pollwatch.elections.models import PollingStation


def test_import_subcommands_map_to_management_commands():
    assert _management_argv(["import", "stations", "f.csv"]) == ["import_stations", "f.csv"]
    assert _management_argv(["migrate"]) == ["migrate"]
    with pytest.raises(SystemExit):
        _management_argv(["import", "planets"])


def test_import_stations_command_reports_rows_and_exits_2(world, tmp_path, capsys):
    bad = tmp_path / "stations.csv"
    bad.write_text("code,area,registered_voters\n71300,71,ten\n")
    with pytest.raises(CommandError) as error:
        call_command("import_stations", str(bad), election="kz-test")
    assert error.value.returncode == 2
    assert "stations.csv line 2, column registered_voters: 'ten' is not a whole number" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text("code,area,registered_voters\n71300,71,10\n")
    call_command("import_stations", str(good), election="kz-test")
    assert "1 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert PollingStation.objects.filter(code="71300").exists()


def test_plan_command_prints_coverage(world, capsys):
    call_command("plan", mission="alpha", seed=5, stations_per_team=1)
    out = capsys.readouterr().out
    assert "ipa-1" in out and "ec-1" in out
    assert "Total: 2 of 3 stations (66.67%)" in out
    assert "Nothing written" in out
