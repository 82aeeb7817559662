"""The kept checks: served while the data is unchanged, marked stale for a minute after it
changes, and the forensic screens computed again only for a new official batch."""

import numpy as np
import pytest
from django.core.cache import cache

from pollwatch.factories import StationFactory
from pollwatch.results import computed, verification
from pollwatch.submissions.models import Incident

from .helpers import import_rows


@pytest.fixture
def stuffed(world):
    cache.clear()
    rng = np.random.default_rng(7)
    stations = [StationFactory(area=area, code=f"{area.code}{900 + i}", registered_voters=1000)
                for area in (world.astana, world.west) for i in range(20)]
    rows = []
    for station in stations:
        ballots = int(rng.integers(480, 560))
        amanat = int(ballots * rng.uniform(0.45, 0.55))
        rest = ballots - amanat
        rows.append(f"{station.code},1000,{ballots},{ballots},0,{amanat},{rest // 3},{rest // 3},"
                    f"{rest - 2 * (rest // 3)}")
    rows[3] = f"{stations[3].code},1000,990,990,0,975,5,5,5"
    import_rows(world, rows)
    yield stations[3], rows
    cache.clear()


@pytest.fixture
def screens(monkeypatch):
    calls = []
    real = verification.forensics_report

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(verification, "forensics_report", counted)
    return calls


def _incidents_at(check, code):
    return next(f for f in check.flagged if f.station.code == code).incidents


def test_a_new_report_rereads_the_observers_and_keeps_the_screens(world, stuffed, screens, settings):
    station, _rows = stuffed
    first = computed.cached_forensics(world.alpha, world.contest)
    assert not first.stale and _incidents_at(first.value, station.code) == 0
    assert computed.cached_forensics(world.alpha, world.contest).value.report.stations == 40
    assert len(screens) == 1

    Incident.objects.create(mission=world.alpha, station=station, category="voting",
                            reported_at="2023-03-19T10:00Z")
    kept = computed.cached_forensics(world.alpha, world.contest)
    assert kept.stale and _incidents_at(kept.value, station.code) == 0

    settings.DASHBOARD_RECOMPUTE_SECONDS = 0
    fresh = computed.cached_forensics(world.alpha, world.contest)
    assert not fresh.stale and _incidents_at(fresh.value, station.code) == 1
    assert len(screens) == 1  # the same batches: the screens were kept


def test_a_new_batch_computes_the_screens_again(world, stuffed, screens, settings):
    _station, rows = stuffed
    computed.cached_forensics(world.alpha, world.contest)
    settings.DASHBOARD_RECOMPUTE_SECONDS = 0
    import_rows(world, rows, stage="final", name="final.csv")
    fresh = computed.cached_forensics(world.alpha, world.contest)
    assert not fresh.stale and fresh.value.report.stations == 40
    assert len(screens) == 2
