from pollwatch.elections.management.base import ImportCommand
from pollwatch.missions.management.base import mission_by_code
from pollwatch.missions.services import import_observers


class Command(ImportCommand):
    help = ("Import observers (full_name, group, phone, email, accreditation_number, languages, "
            "language, team, team_leader, base_area). All or nothing.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--mission", help="Mission code (needed when there are several)")

    def run_import(self, path, options):
        return import_observers(mission_by_code(options["mission"]), path, "cli")
