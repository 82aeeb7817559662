from django.core.management.base import CommandError

from pollwatch.elections.management.base import ImportCommand, election_by_code
from pollwatch.results.models import ResultBatch, Stage
from pollwatch.results.nist import import_results_nist
from pollwatch.results.services import import_results


class Command(ImportCommand):
    help = ("Import the election commission's results for one contest as a new batch: a CSV or XLSX "
            "table (station, figures, one column of votes per choice, or a saved --mapping) or, with "
            "--format nist, a NIST SP 1500-100 v2 JSON report. All or nothing; a later batch never "
            "overwrites an earlier one.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--election", help="Election code (needed when there are several)")
        parser.add_argument("--contest", required=True, help="Contest code, e.g. majilis-list")
        parser.add_argument("--stage", required=True, choices=[s.value for s in Stage])
        parser.add_argument("--mapping", help="Name of a saved column mapping (tables only)")
        parser.add_argument("--format", choices=["table", "nist"], default=None,
                            help="table (CSV/XLSX) or nist (JSON); by default from the file name")
        parser.add_argument("--note", default="")

    def run_import(self, path, options):
        election = election_by_code(options["election"])
        contest = election.contests.filter(code=options["contest"]).first()
        if contest is None:
            known = ", ".join(election.contests.values_list("code", flat=True))
            raise CommandError(f"no contest {options['contest']!r} in {election.code} (contests: {known})")
        fmt = options["format"] or ("nist" if path.suffix.lower() == ".json" else "table")
        try:
            if fmt == "nist":
                report = import_results_nist(election, contest, path, stage=options["stage"], actor="cli",
                                             note=options["note"])
            else:
                report = import_results(election, contest, path, stage=options["stage"], actor="cli",
                                        mapping=options["mapping"], note=options["note"])
        except ValueError as exc:
            raise CommandError(str(exc))
        if report.details.get("duplicate"):
            self.stdout.write(report.details["message"])
        else:
            batch = ResultBatch.objects.get(pk=report.details["batch"])
            summary = batch.summary
            if summary:
                self.stdout.write(f"Batch #{batch.number}: since batch #{summary['previous']}, "
                                  f"{summary['changed']} stations changed ({summary['votes_moved']} votes), "
                                  f"{summary['added']} added, {summary['removed']} not repeated.")
        return report
