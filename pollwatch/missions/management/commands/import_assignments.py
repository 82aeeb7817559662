from pollwatch.elections.management.base import ImportCommand
from pollwatch.missions.management.base import mission_by_code
from pollwatch.missions.services import import_assignments


class Command(ImportCommand):
    help = "Import assignments (team, station, phase: opening, voting, closing or all)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--mission", help="Mission code (needed when there are several)")

    def run_import(self, path, options):
        return import_assignments(mission_by_code(options["mission"]), path, "cli")
