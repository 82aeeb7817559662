"""The demo's area boundaries, from the GeoJSON file shipped in pollwatch/demo/data/ (never
fetched at run time), through the same import as a mission's own file (docs/elections.md)."""

from __future__ import annotations

from pathlib import Path

from pollwatch.elections import services as election_services
from pollwatch.elections.models import Election
from pollwatch.elections.tabular import ImportReport

DATA = Path(__file__).with_name("data")
#: Kazakhstan's outline (Natural Earth, public domain; data/README.md). No public-domain source
#: has the 20 regions of 2023 yet, so the demo's regions have no boundaries: the coverage map
#: shows each of them as a circle at its stations instead.
FILES = ["kazakhstan.geojson"]


def load_boundaries(election: Election) -> list[ImportReport]:
    return [election_services.import_boundaries(election, DATA / name, "demo", name=name)
            for name in FILES]
