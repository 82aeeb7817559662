"""`pollwatch import results` and `pollwatch export nist`."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pollwatch.cli import _management_argv
from pollwatch.results.models import ResultBatch
from pollwatch.results.nist import validator

from .helpers import HEADER, PRELIMINARY


def test_export_and_import_words_map_to_the_commands():
    assert _management_argv(["export", "nist", "--election", "x"]) == ["export_nist", "--election", "x"]
    assert _management_argv(["export-nist"]) == ["export_nist"]
    assert _management_argv(["import", "results", "f.csv"]) == ["import_results", "f.csv"]


def test_import_results_command_reports_rows_and_exits_2(world, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n71001,2000,1000,980,20,500,200,180,many\n")
    with pytest.raises(CommandError) as error:
        call_command("import_results", str(bad), election="kz-test", contest="majilis-list", stage="preliminary")
    assert error.value.returncode == 2
    assert "bad.csv line 2, column against_all: 'many' is not a whole number" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text("\n".join([HEADER, *PRELIMINARY]) + "\n")
    call_command("import_results", str(good), election="kz-test", contest="majilis-list", stage="preliminary")
    assert "3 created" in capsys.readouterr().out
    assert ResultBatch.objects.get().actor == "cli"


def test_import_names_an_unknown_contest(world, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "\n")
    with pytest.raises(CommandError, match="no contest 'senate' in kz-test"):
        call_command("import_results", str(path), election="kz-test", contest="senate", stage="final")


def test_export_nist_writes_a_valid_file_that_imports_back(world, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text("\n".join([HEADER, *PRELIMINARY]) + "\n")
    call_command("import_results", str(good), election="kz-test", contest="majilis-list", stage="preliminary")
    out = tmp_path / "official.json"
    call_command("export_nist", election="kz-test", contest=["majilis-list"], output=str(out))
    document = json.loads(out.read_text())
    assert not list(validator().iter_errors(document))
    call_command("import_results", str(out), election="kz-test", contest="majilis-list", stage="final")
    assert ResultBatch.objects.filter(format="nist").count() == 1
