"""Template helpers of the mission pages: state badges, query strings, local times, shares."""

from __future__ import annotations

import contextvars
import datetime as dt
import zoneinfo

from django import template
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from pollwatch.formats import numbers

from ..services import states

register = template.Library()


@register.inclusion_tag("dashboard/_state.html")
def state_badge(state: str):
    """A state in colour, symbol and word (colour is never the only signal)."""
    return {"s": state, "label": states.LABELS.get(state, state), "symbol": states.SYMBOLS.get(state, "")}


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with ``changes`` (an empty value removes the parameter)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value in ("", None):
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(sorted((k, v) for k, v in params.items()))


@register.filter
def split(value: str, sep: str = " ") -> list[str]:
    return str(value).split(sep if sep != " " else None)


#: The moment on the election's clock of the page being rendered (set for each page by
#: :func:`pollwatch.dashboard.context_processors.election_clock`); None: the real time.
_clock: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("election_clock", default=None)


def use_clock(now: dt.datetime | None) -> None:
    """Measure "today" for :func:`local_time` on this clock (None: the real time)."""
    _clock.set(now)


@register.filter
def local_time(moment: dt.datetime | None, zone: str | zoneinfo.ZoneInfo | None) -> str:
    """``HH:MM`` at the polling station (``zone``: its IANA time zone, UTC when empty); the
    date is added when it is not today there on the election's clock."""
    if moment is None:
        return "–"
    tz = zoneinfo.ZoneInfo(zone) if zone and isinstance(zone, str) else (zone or dt.UTC)
    local = moment.astimezone(tz)
    today = (_clock.get() or timezone.now()).astimezone(tz).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")


@register.filter
def local_datetime(moment: dt.datetime | None, zone: str | None) -> str:
    """Date and time at the station (``zone``; UTC without one) in the page's language:
    ``2023-03-19 20:05`` / ``19.03.2023 20:05`` (pollwatch.formats.numbers)."""
    return numbers.local_datetime(moment, zone or None)


@register.filter
def percent(share: float | None, digits: int = 0) -> str:
    """A share as a percentage in the page's language (pollwatch.formats.numbers)."""
    return numbers.percent(share, None, int(digits))


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def category_name(incident) -> str:
    """An incident's category in the page's language."""
    from pollwatch.dashboard.services.incidents import category_of

    return category_of(incident)


@register.filter
def get_count(item, state: str) -> int:
    """``item.count(state)`` (a region's or a result's count of one state)."""
    return item.count(state)


@register.filter
def floordiv(value: int, divisor: int) -> int:
    return int(value) // int(divisor)


@register.filter
def modulo(value: int, divisor: int) -> int:
    return int(value) % int(divisor)


@register.simple_tag(takes_context=True)
def critical_incidents(context, limit: int = 5) -> dict:
    """Critical incidents of the page's mission that nobody has taken up: the count and the
    oldest few (for the banner every mission page shows). Staff pages only."""
    from pollwatch.accounts.access import STAFF, has_role

    from ..services.incidents import unacknowledged_critical

    mission = context.get("current_mission") or context.get("mission")
    request = context.get("request")
    if mission is None or request is None or not has_role(request.user, mission, STAFF):
        return {"count": 0, "items": [], "mission": mission}
    items = list(unacknowledged_critical(mission).select_related("station")[: limit + 1])
    count = len(items) if len(items) <= limit else unacknowledged_critical(mission).count()
    return {"count": count, "items": items[:limit], "mission": mission}


@register.filter
def code_state(row, now) -> str:
    return row.code_state(now)


#: Pages where an observer sees the strip of their unread notices.
OBSERVER_PAGES = {"intake:observe_home"}


@register.simple_tag(takes_context=True)
def observer_notice_strip(context) -> dict:
    """The signed-in observer's unread notices, on the observer's pages only."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if request is None or match is None or match.view_name not in OBSERVER_PAGES:
        return {"count": 0}
    if not request.user.is_authenticated:
        return {"count": 0}
    from pollwatch.accounts.access import observer_for_user

    from ..models import Delivery

    observer = observer_for_user(request.user)
    if observer is None:
        return {"count": 0}
    unseen = list(Delivery.objects.filter(observer=observer, seen_at__isnull=True).select_related("notice")
                  .order_by("-notice__created_at")[:20])
    return {"count": len(unseen), "first": unseen[0] if unseen else None}


@register.simple_tag
def share_cell(cell, base_url: str) -> str:
    """A findings figure: its share, count over base, linking to the submissions behind it."""
    from django.utils.html import format_html

    if not cell.base:
        return mark_safe('<span class="muted">–</span>')  # noqa: S308 - a constant
    return format_html('<a class="share-cell" href="{}?{}"><span>{}</span> '
                       '<span class="small muted">({}/{})</span></a>', base_url, urlencode(cell.params),
                       percent(cell.share), numbers.number(cell.count), numbers.number(cell.base))
