"""The ``pollwatch`` command.

Analysis commands (``seats``, ``check-protocols``, ``sample``, ``quickcount``, ``forensics``)
work on CSV files without a database or a server. Everything else is a Django management
command: ``pollwatch import stations FILE`` runs ``import_stations``, ``pollwatch demo``,
``pollwatch plan``, and also Django's own (``pollwatch migrate``, ``pollwatch runserver``).
"""

from __future__ import annotations

import os
import sys

ANALYSIS_COMMANDS = {"seats", "check-protocols", "sample", "quickcount", "forensics"}
IMPORT_KINDS = {"areas", "stations", "observers", "assignments", "form", "results"}


#: ``pollwatch export nist`` (or ``export-nist``) runs ``export_nist``.
EXPORT_KINDS = {"nist"}


def _management_argv(argv: list[str]) -> list[str]:
    if argv and argv[0].startswith("export-") and argv[0][7:] in EXPORT_KINDS:
        return [f"export_{argv[0][7:]}", *argv[1:]]
    if len(argv) >= 2 and argv[0] == "export" and argv[1] in EXPORT_KINDS:
        return [f"export_{argv[1]}", *argv[2:]]
    if len(argv) >= 2 and argv[0] == "import" and argv[1] in IMPORT_KINDS:
        return [f"import_{argv[1]}", *argv[2:]]
    if argv and argv[0] == "import":
        kinds = ", ".join(sorted(IMPORT_KINDS))
        raise SystemExit(f"pollwatch import: say what to import: one of {kinds}")
    return argv


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ANALYSIS_COMMANDS:
        from pollwatch.analysis.cli import main as analysis_main

        return analysis_main(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
    if argv and argv[0] == "demo":
        os.environ.setdefault("POLLWATCH_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pollwatch", *_management_argv(argv)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
