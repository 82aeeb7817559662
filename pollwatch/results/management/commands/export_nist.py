import json
import sys

from django.core.management.base import BaseCommand, CommandError

from pollwatch.elections.management.base import election_by_code
from pollwatch.missions.models import Mission
from pollwatch.results.nist import export_nist, schema_errors


class Command(BaseCommand):
    help = ("Write official results (the current result of each station, or one --batch) or a "
            "mission's observed protocols as NIST SP 1500-100 v2 election results JSON, with Open "
            "Civic Data style identifiers; checked against the published schema before writing.")

    def add_arguments(self, parser):
        parser.add_argument("--election", help="Election code (needed when there are several)")
        parser.add_argument("--contest", action="append", help="Contest code (repeat; default all)")
        parser.add_argument("--source", choices=["official", "observed"], default="official")
        parser.add_argument("--mission", help="Mission code (for --source observed; names the issuer)")
        parser.add_argument("--batch", type=int, help="Batch number of the (single) contest")
        parser.add_argument("-o", "--output", help="File to write (default: standard output)")

    def handle(self, *args, **options):
        election = election_by_code(options["election"])
        contests = list(election.contests.all())
        if options["contest"]:
            contests = [c for c in contests if c.code in options["contest"]]
            missing = set(options["contest"]) - {c.code for c in contests}
            if missing:
                raise CommandError(f"no contest {', '.join(sorted(missing))} in {election.code}")
        mission = None
        if options["mission"]:
            mission = Mission.objects.filter(code=options["mission"], election=election).first()
            if mission is None:
                raise CommandError(f"no mission {options['mission']!r} on {election.code}")
        batch = None
        if options["batch"]:
            if len(contests) != 1:
                raise CommandError("--batch needs exactly one --contest")
            batch = contests[0].result_batches.filter(number=options["batch"]).first()
            if batch is None:
                raise CommandError(f"{contests[0].code} has no batch #{options['batch']}")
        try:
            document = export_nist(election, source=options["source"], mission=mission, contests=contests,
                                   batch=batch)
        except ValueError as exc:
            raise CommandError(str(exc))
        problems = schema_errors(document)
        if problems:
            raise CommandError("the export does not follow the schema: " + "; ".join(
                f"{path}: {message}" for path, message in problems[:5]))
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Wrote {options['output']}: {len(document['GpUnit'])} units, "
                              f"{len(document['Election'][0]['Contest'])} contests.")
        else:
            sys.stdout.write(text + "\n")
