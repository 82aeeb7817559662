"""``pollwatch export submissions|incidents|protocols --mission X [--form Y] --format csv``."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from pollwatch.checklists.models import Form
from pollwatch.missions.models import Mission
from pollwatch.submissions import exports


class Command(BaseCommand):
    help = "Export a mission's submissions (of one form), incidents or observed protocols."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["submissions", "incidents", "protocols"])
        parser.add_argument("--mission", required=True, help="Mission code")
        parser.add_argument("--form", help="Form code (for submissions)")
        parser.add_argument("--format", default="csv", choices=exports.FORMATS)
        parser.add_argument("--all", action="store_true", help="Include corrected revisions")
        parser.add_argument("--output", help="File to write (default: standard output)")

    def handle(self, *args, what, mission, form, format, all, output, **options):
        found = Mission.objects.filter(code=mission).first()
        if found is None:
            raise CommandError(f"no mission {mission!r}")
        if what == "submissions":
            chosen = Form.objects.filter(mission=found, code=form or "").first()
            if chosen is None:
                codes = ", ".join(Form.objects.filter(mission=found).values_list("code", flat=True))
                raise CommandError(f"say which form with --form (one of: {codes})")
            table = exports.submissions_table(found, chosen, include_superseded=all)
        elif what == "incidents":
            table = exports.incidents_table(found)
        else:
            table = exports.protocols_table(found)
        stream = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115
        try:
            for chunk in exports.stream(table, format):
                stream.write(chunk)
        finally:
            if output:
                stream.close()
