"""A base for ``pollwatch import ...`` commands: one file in, a report out, errors per row."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pollwatch.elections.models import Election
from pollwatch.elections.tabular import ImportRejected, ImportReport


def election_by_code(code: str | None) -> Election:
    if code:
        election = Election.objects.filter(code=code).first()
        if election is None:
            known = ", ".join(Election.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"no election with code {code!r} (known: {known})")
        return election
    elections = list(Election.objects.all()[:2])
    if len(elections) != 1:
        raise CommandError("say which election with --election CODE")
    return elections[0]


class ImportCommand(BaseCommand):
    """Subclasses set ``help`` and implement ``run_import(path, options) -> ImportReport``."""

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV or XLSX file with a header row")

    def run_import(self, path: Path, options: dict) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        try:
            report = self.run_import(path, options)
        except ImportRejected as rejected:
            for line in rejected.report.error_lines():
                self.stderr.write(line)
            raise CommandError(rejected.report.summary(), returncode=2)
        self.stdout.write(self.style.SUCCESS(report.summary()))
