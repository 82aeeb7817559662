"""The demo's synthetic official results keep the real national totals exactly."""

import numpy as np

from pollwatch.demo import kazakhstan as kz
from pollwatch.demo.results import _synthetic, integer_table, national_votes


def test_national_votes_are_the_cec_final_list_result():
    votes = national_votes()
    assert votes["amanat"] == 3_431_510 and votes["against-all"] == 248_291
    assert sum(votes.values()) == kz.VOTES_CAST   # 6,366,441 (methodology.md, section 1)


def test_integer_table_keeps_both_margins_exactly():
    rng = np.random.default_rng(1)
    rows = rng.integers(100, 2000, 300)
    cols = np.array([0.5, 0.2, 0.2, 0.1]) * rows.sum()
    cols = np.floor(cols).astype(np.int64)
    cols[0] += rows.sum() - cols.sum()
    table = integer_table(rng.random((300, 4)) + 0.1, rows, cols)
    assert (table >= 0).all()
    assert (table.sum(axis=1) == rows).all() and (table.sum(axis=0) == cols).all()


def test_synthetic_stations_reconcile_and_sum_to_the_totals():
    rng = np.random.default_rng(2)
    stations = [(i, f"{i:05d}", "71" if i % 2 else "75", int(rng.integers(300, 3000))) for i in range(200)]
    totals = {"a": 150_000, "b": 60_000, "c": 9_000}
    rows = _synthetic(stations, list(totals), totals, rng)
    for choice, total in totals.items():
        assert sum(r["votes"][choice] for r in rows.values()) == total
    for (pk, *_rest, registered) in stations:
        f = rows[pk]["figures"]
        assert f["ballots"] == f["valid"] + f["invalid"] <= registered
        assert f["received"] == f["issued"] + f["cancelled"]
        assert sum(rows[pk]["votes"].values()) == f["valid"]
