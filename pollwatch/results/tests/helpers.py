"""Official results for tests: CSV text in, batches out."""

from __future__ import annotations

import io

from pollwatch.results.services import import_results

HEADER = "station,registered,ballots,valid,invalid,amanat,auyl,respublica,against-all"


def csv_file(*rows: str, header: str = HEADER, name: str = "cec.csv") -> io.BytesIO:
    data = io.BytesIO(("\n".join([header, *rows]) + "\n").encode())
    data.name = name
    return data


#: Three stations whose protocols reconcile (ballots = valid + invalid, valid = sum of votes).
PRELIMINARY = ["71001,2000,1000,980,20,500,200,180,100",
               "27001,1200,700,690,10,300,200,100,90",
               "71002,1800,900,890,10,450,200,150,90"]


def import_rows(world, rows=PRELIMINARY, *, stage="preliminary", name="cec.csv", actor="test",
                header=HEADER, contest=None, **kwargs):
    return import_results(world.election, contest or world.contest,
                          csv_file(*rows, header=header, name=name), stage=stage, actor=actor, **kwargs)
