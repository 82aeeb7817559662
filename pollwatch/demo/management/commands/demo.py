import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pollwatch.demo.build import build_demo


class Command(BaseCommand):
    help = ("Build the demo election and mission into the database DATABASE_URL names, "
            "starting afresh (all data there is replaced), print the logins and serve the site.")

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Build only; do not serve")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        self.stdout.write("Building the demo election and mission...")
        demo = build_demo()
        election, mission = demo.election, demo.mission
        self.stdout.write(
            f"Built {election.name} ({election.date}): {election.stations.count():,} polling "
            f"stations, {mission.observers.count()} observers in {mission.teams.count()} teams, "
            f"in {time.monotonic() - started:.1f} s.")
        for note in demo.notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS("\nDemo logins (one per role):"))
        for role, username, password in demo.logins:
            self.stdout.write(f"  {role:<48} {username:<16} {password}")
        self.stdout.write(f"\n{election.data_note}\n")
        if options["no_serve"]:
            return
        host = options["addrport"]
        self.stdout.write(self.style.SUCCESS(f"Serving on http://{host}/ (Ctrl-C stops)"))
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        call_command("runserver", host, use_reloader=False, insecure_serving=True)
