from pollwatch.elections.management.base import ImportCommand, election_by_code
from pollwatch.elections.services import import_areas


class Command(ImportCommand):
    help = ("Import the area tree (code, parent, level, name, name_ru, name_kk, timezone), or, "
            "from a .geojson file, the areas' boundaries (each feature's area code in the "
            "property --code-property). All or nothing; re-importing the same file changes nothing.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--election", help="Election code (needed when there are several)")
        parser.add_argument("--code-property", default="code",
                            help="GeoJSON only: the feature property holding the area code (default: code)")

    def run_import(self, path, options):
        return import_areas(election_by_code(options["election"]), path, "cli",
                            code_property=options["code_property"])
