from pollwatch.elections.management.base import ImportCommand, election_by_code
from pollwatch.elections.services import import_stations


class Command(ImportCommand):
    help = ("Import polling stations (code, area, name, address, latitude, longitude, "
            "registered_voters, kind, timezone, opens_at, closes_at, district:<contest>...). "
            "All or nothing; re-importing the same file changes nothing.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--election", help="Election code (needed when there are several)")

    def run_import(self, path, options):
        return import_stations(election_by_code(options["election"]), path, "cli")
