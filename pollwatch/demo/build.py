"""Build the demo: Kazakhstan's elections of 19 March 2023 and a CIS observation mission.

The geography, parties and results are real where ``kazakhstan.py`` says so; everything at
station level is synthetic and drawn from a fixed seed, so every build is the same. The data
goes in through the same services as real data: area, station and observer imports,
assignments from ``pollwatch plan``, every report through the intake's front door
(:func:`pollwatch.intake.services.receive`), the official results as the CEC's CSV file.

The election and the mission come first, in one transaction; then :data:`STEPS`, in order.
The mission's clock stands still at :data:`DEMO_TIME` (14:05 in Astana on election day), so
that its pages measure lateness, reports due and the phase under way on the day the reports
were sent, and say so in a banner (docs/operations.md, "The election's clock").
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Sequence

from django.db import transaction

from . import election, form_setup, mission, reports, results, statements
from .boundaries import load_boundaries
from .context import Demo

Step = Callable[[Demo], object]

#: The demo's election clock: 19 March 2023, 14:05 in Astana (the election's default zone),
#: during voting, six hours after the opening reports were due.
DEMO_TIME = dt.datetime(2023, 3, 19, 14, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Almaty"))


def stop_the_clock(demo: Demo, at: dt.datetime = DEMO_TIME) -> None:
    """Stand the mission's clock still at ``at`` (the demo's election day)."""
    demo.mission.clock_frozen_at = at.astimezone(dt.UTC)
    demo.mission.save(update_fields=["clock_frozen_at"])

#: What the build does after the election and the mission, in this order.
STEPS: tuple[Step, ...] = (
    mission.add_logins,              # a sign-in for each role
    mission.log_meetings,            # the IPA group's meetings before election day
    form_setup.install_forms,             # the checklists, incident report and protocols, published
    reports.report_election_day,     # the observers' reports, through every channel
    results.add_official_results,    # the CEC's preliminary result, compared with the reports
    statements.draft_statement,      # findings and a draft statement citing the reports' figures
)


def build_demo(steps: Sequence[Step] = STEPS) -> Demo:
    """Build the demo into the database (which the caller has emptied); ``steps`` leaves some
    out (the benchmark times the last ones on their own)."""
    with transaction.atomic():
        built = election.build_election()
        load_boundaries(built)
        demo = Demo(election=built, mission=mission.build_mission(built))
        stop_the_clock(demo)
    for step in steps:
        step(demo)
    return demo
