"""Heavy computations (quick count, forensics) cached by the data they depend on, and
recomputed at most once a minute while new data keeps arriving.

On election night protocols arrive every few seconds; recomputing a 10,000-station estimate
on each page load would make every load a slow one. :func:`cached_computation` keeps the last
result with the version of the data it was computed from: the same version is served from the
cache; a newer version is computed only when the kept result is older than
``DASHBOARD_RECOMPUTE_SECONDS`` (60 s), else the kept result is served, marked stale, and the
page says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

KEEP_SECONDS = 6 * 3600


@dataclass
class Computed:
    value: Any
    version: str
    computed_at: dt.datetime
    stale: bool = False


def recompute_seconds() -> float:
    return float(getattr(settings, "DASHBOARD_RECOMPUTE_SECONDS", 60))


def cached_computation(key: str, version: str, compute: Callable[[], Any]) -> Computed:
    now = timezone.now()
    kept = cache.get(key)
    if isinstance(kept, Computed):
        if kept.version == version:
            return Computed(kept.value, kept.version, kept.computed_at, False)
        if (now - kept.computed_at).total_seconds() < recompute_seconds():
            return Computed(kept.value, kept.version, kept.computed_at, True)
    fresh = Computed(compute(), version, now)
    cache.set(key, fresh, KEEP_SECONDS)
    return fresh
