"""``pollwatch import form FILE.xlsx --mission CODE [--publish]``: an XLSForm upload from the
command line. Errors (pyxform's, with row numbers, and ours) go to stderr, exit code 2."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pollwatch.checklists.services import import_xlsform
from pollwatch.checklists.xlsform import FormDefinitionError
from pollwatch.missions.models import Mission


class Command(BaseCommand):
    help = ("Import an XLSForm workbook as a new draft version of the form it names (settings "
            "form_id, form_title, sms_keyword, kind, phase, contest). All or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="XLSForm workbook (.xlsx, .xls, .csv or .md)")
        parser.add_argument("--mission", required=True, help="Mission code")
        parser.add_argument("--publish", action="store_true", help="Publish the version at once")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        mission = Mission.objects.select_related("election").filter(code=options["mission"]).first()
        if mission is None:
            known = ", ".join(Mission.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"no mission with code {options['mission']!r} (known: {known})")
        try:
            version = import_xlsform(mission, path.read_bytes(), "cli", filename=path.name,
                                     publish=options["publish"])
        except FormDefinitionError as exc:
            for error in exc.errors:
                self.stderr.write(f"{path.name}: {error}")
            count = len(exc.errors)
            raise CommandError(f"{path.name}: {count} error{'s' if count != 1 else ''}, nothing imported",
                               returncode=2)
        questions = version.questions.exclude(type__in=["group", "repeat", "note"]).count()
        self.stdout.write(self.style.SUCCESS(
            f"{path.name}: form {version.form.code} version {version.number} "
            f"({version.get_status_display().lower()}), {questions} questions, "
            f"SMS keyword {version.form.sms_keyword or '-'}"))
