from pollwatch.elections.management.base import ImportCommand, election_by_code
from pollwatch.elections.services import import_areas


class Command(ImportCommand):
    help = ("Import the area tree (code, parent, level, name, name_ru, name_kk, timezone). "
            "All or nothing; re-importing the same file changes nothing.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--election", help="Election code (needed when there are several)")

    def run_import(self, path, options):
        return import_areas(election_by_code(options["election"]), path, "cli")
