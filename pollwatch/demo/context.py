"""What every step of the demo build shares: the election and mission being built, who acts,
the seed, and what the person running the demo is told at the end."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from pollwatch.accounts import audit
from pollwatch.elections.models import Election
from pollwatch.missions.models import Mission

#: Every random draw of the demo starts from this seed (the election's date), so every build
#: is the same.
SEED = 20230319
#: The demo's writes are logged as the system's ("demo"); a step that acts as a person (a
#: coordinator reviewing an incident, an observer sending a report) says who.
ACTOR = audit.DEMO


@dataclass
class Demo:
    """The demo being built; each step reads it and adds to it."""

    election: Election
    mission: Mission
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def csv_bytes(header: list[str], rows: list[list]) -> io.BytesIO:
    """A CSV file in memory, as a coordinator would upload it."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())
