"""Rate limits per device token, per partner API key and per SMS sender (django-ratelimit).

========================  ==========================  =======================================
who                       setting                     where it is checked
========================  ==========================  =======================================
a device token            ``RATE_LIMIT_TOKEN``        every ``/api/v1/`` request it signs
                                                      (and a signed-in browser's, per user)
a partner's API key       ``RATE_LIMIT_API_KEY``      every ``/api/v1/`` request it signs
an SMS sender (phone)     ``RATE_LIMIT_SMS_SENDER``   each SMS webhook, once the gateway is
                                                      authenticated, before anything is stored
========================  ==========================  =======================================

A rate is ``<count>/<period>`` (``120/m``, ``10/s``, ``5000/h``); empty turns the limit off.
The counters live in Django's default cache: Redis when ``REDIS_URL`` is set (shared by every
web process), else each process's memory. Windows are fixed (django-ratelimit): a request over
the limit is refused with ``Retry-After`` giving the seconds to the window's end; refused
requests count too, so a client that keeps hammering stays refused. The first refusal in each
window is logged (WARNING, logger ``pollwatch.ratelimit``), so a flood does not flood the log.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

log = logging.getLogger("pollwatch.ratelimit")


def _hashed(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def check(request: HttpRequest, setting: str, kind: str, who: str, label: str = "") -> int | None:
    """Count one request of ``who`` against the rate in ``settings.<setting>``; the seconds to
    wait if it is over the limit, else None. ``label`` names ``who`` in the log."""
    rate = getattr(settings, setting, "") or None
    if rate is None:
        return None
    usage = get_usage(request, group=f"pollwatch.{kind}", key=lambda group, request: _hashed(who),
                      rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    retry_after = max(1, int(usage["time_left"]))
    if usage["count"] == usage["limit"] + 1:
        log.warning("rate limit: %s %s is over %s (%s); refused for %d s", kind, label or who, rate,
                    request.path, retry_after)
    return retry_after
