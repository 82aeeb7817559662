from django.core.management.base import BaseCommand

from pollwatch.missions.management.base import mission_by_code
from pollwatch.missions.planning import apply_deployment, draw_deployment


class Command(BaseCommand):
    help = ("Draw a deployment: a random sample of polling stations stratified by region, sized to "
            "the teams, respecting each team's base region. Prints the plan and its coverage; "
            "--apply writes the assignments.")

    def add_arguments(self, parser):
        parser.add_argument("--mission", help="Mission code (needed when there are several)")
        parser.add_argument("--seed", type=int, required=True,
                            help="Random seed; the same seed draws the same plan")
        parser.add_argument("--stations-per-team", type=int, default=6)
        parser.add_argument("--ignore-base", action="store_true",
                            help="Place teams by the sample's needs only")
        parser.add_argument("--apply", action="store_true", help="Write the assignments")

    def handle(self, *args, **options):
        mission = mission_by_code(options["mission"])
        plan = draw_deployment(mission, seed=options["seed"],
                               stations_per_team=options["stations_per_team"],
                               respect_base=not options["ignore_base"])
        out = self.stdout
        out.write(f"Deployment of {mission.code}, seed {plan.seed}, "
                  f"{plan.stations_per_team} stations per team\n")
        out.write(f"{'team':<12} {'region':<22} stations (first: opening, last: closing and counting)")
        for route in plan.routes:
            codes = " ".join(station.code for station in route.stations)
            out.write(f"{route.team.code:<12} {plan.region_names[route.region_id][:22]:<22} {codes}")
        out.write("\nCoverage by region")
        out.write(f"{'region':<22} {'teams':>5} {'stations':>14} {'registered voters':>26}")
        for row in plan.coverage_by_region():
            out.write(f"{row['region'][:22]:<22} {row['teams']:>5} "
                      f"{row['stations']:>6} of {row['of_stations']:>5} "
                      f"{row['registered']:>11,} of {row['of_registered']:>11,}")
        out.write(f"\nTotal: {plan.covered_stations} of {plan.total_stations} stations "
                  f"({plan.station_share():.2%}), {plan.covered_registered:,} of "
                  f"{plan.total_registered:,} registered voters ({plan.voter_share():.2%})")
        if options["apply"]:
            count = apply_deployment(plan, "cli")
            out.write(self.style.SUCCESS(f"Wrote {count} assignments."))
        else:
            out.write("Nothing written; add --apply to write the assignments.")
