"""The checks the analyst's pages show, kept by the data they depend on, and recomputed at
most once a minute while new data keeps arriving.

On election night protocols arrive every few seconds; recomputing a 10,000-station estimate
on each page load would make every load a slow one. :func:`cached_computation` keeps the last
result with the version of the data it was computed from: the same version is served from the
cache; a newer version is computed only when the kept result is older than
``DASHBOARD_RECOMPUTE_SECONDS`` (60 s), else the kept result is served, marked stale, and the
page says so.

A version is a short key of what a check reads: the contest's official batches (a batch is
never changed; a new one is a new id) and the newest of what the mission's observers sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from pollwatch.elections.models import Contest
from pollwatch.missions.models import Mission
from pollwatch.submissions.models import Incident, ObservedProtocol, Submission

from . import verification
from .models import ResultBatch
from .observed import observed_protocols

KEEP_SECONDS = 6 * 3600
#: Flagged stations a page lists (the highest scores first).
FLAGGED_LIMIT = 200


@dataclass
class Computed:
    value: Any
    version: str
    computed_at: dt.datetime
    stale: bool = False


def recompute_seconds() -> float:
    return float(getattr(settings, "DASHBOARD_RECOMPUTE_SECONDS", 60))


def kept(key: str) -> Computed | None:
    """What the cache keeps under ``key``, whatever its version."""
    value = cache.get(key)
    return value if isinstance(value, Computed) else None


def cached_computation(key: str, version: str, compute: Callable[[], Any]) -> Computed:
    now = timezone.now()
    previous = kept(key)
    if previous is not None:
        if previous.version == version:
            return Computed(previous.value, previous.version, previous.computed_at, False)
        if (now - previous.computed_at).total_seconds() < recompute_seconds():
            return Computed(previous.value, previous.version, previous.computed_at, True)
    fresh = Computed(compute(), version, now)
    cache.set(key, fresh, KEEP_SECONDS)
    return fresh


def official_version(contest: Contest) -> str:
    """The contest's official batches, as a short key."""
    return "-".join(str(pk) for pk in ResultBatch.objects.filter(contest=contest).order_by("id")
                    .values_list("id", flat=True))


def quick_count_version(mission: Mission, contest: Contest) -> str:
    """What the quick count depends on: it changes when a protocol or an official batch is
    added, corrected or removed."""
    protocols = observed_protocols(mission, contest).aggregate(n=Count("id"), last=Max("id"))
    return f"{protocols['n']}.{protocols['last']}.{official_version(contest)}"


def forensics_version(mission: Mission, contest: Contest) -> str:
    """What the forensics check depends on: the official batches, then what observers
    reported (newest submission, incident and protocol), after a ``|``."""
    seen = [Submission.objects.filter(mission=mission).aggregate(m=Max("id"))["m"],
            Incident.objects.filter(mission=mission).aggregate(m=Max("id"))["m"],
            ObservedProtocol.objects.filter(mission=mission, contest=contest).aggregate(m=Max("id"))["m"]]
    return f"{official_version(contest)}|{'.'.join(str(v or 0) for v in seen)}"


def cached_quick_count(mission: Mission, contest: Contest, *, version: str | None = None) -> Computed:
    """The national quick count check (a ``QuickCountCheck`` in ``.value``). ``version``: the
    :func:`quick_count_version` when the caller has read it already."""
    return cached_computation(f"results:quick-count:{mission.pk}:{contest.pk}",
                              version or quick_count_version(mission, contest),
                              lambda: verification.quick_count_check(mission, contest))


def cached_quick_count_by_region(mission: Mission, contest: Contest, *, version: str | None = None
                                 ) -> Computed:
    """The quick count check of each region (a list of ``QuickCountCheck`` in ``.value``)."""
    return cached_computation(f"results:quick-count-regions:{mission.pk}:{contest.pk}",
                              version or quick_count_version(mission, contest),
                              lambda: verification.quick_count_by_region(mission, contest))


def cached_forensics(mission: Mission, contest: Contest) -> Computed:
    """The forensics check (a ``ForensicsCheck`` in ``.value``).

    The screens over the official results take a second or more for 10,000 stations and
    depend on the batches only: when only the observers' reports changed, the kept screens
    are reused and only what observers reported at the flagged stations is read again."""
    key = f"results:forensics:{mission.pk}:{contest.pk}"
    version = forensics_version(mission, contest)
    previous = kept(key)
    report = None
    if previous is not None and previous.version.split("|")[0] == version.split("|")[0]:
        report = previous.value.report
    return cached_computation(key, version, lambda: verification.forensics_check(
        mission, contest, limit=FLAGGED_LIMIT, report=report))
