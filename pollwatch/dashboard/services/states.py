"""The words, symbols and order of the states the coverage pages show.

Colour is never the only signal: every state has a word and a symbol, shown together in the
table, on the map and in the legend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

PLANNED, REPORTED, OVERDUE, PROBLEM = "planned", "reported", "overdue", "problem"
#: Worst first: a station shows the first of these that applies.
ORDER = (PROBLEM, OVERDUE, REPORTED, PLANNED)
LABELS = {PLANNED: _("Planned"), REPORTED: _("Reported"), OVERDUE: _("Overdue"),
          PROBLEM: _("Problem")}
SYMBOLS = {PLANNED: "○", REPORTED: "✓", OVERDUE: "!", PROBLEM: "⚠"}
HELP = {
    PLANNED: _("assigned; the report is not due yet"),
    REPORTED: _("the report is in"),
    OVERDUE: _("no report and the due time has passed"),
    PROBLEM: _("a negative assessment, a flag, conflicting reports or an open incident"),
}


def legend() -> list[dict[str, str]]:
    return [{"state": s, "label": str(LABELS[s]), "symbol": SYMBOLS[s], "help": str(HELP[s])}
            for s in ORDER]


def local_name(name: str, translations: dict[str, Any] | None) -> str:
    """An area's name in the current language (as ``Named.name_in`` does for a row read with
    ``values()``)."""
    language = (translation.get_language() or "en").split("-")[0]
    return (translations or {}).get(language) or name


def to_local(moment: dt.datetime | None, zone: Any) -> dt.datetime | None:
    return moment.astimezone(zone) if moment is not None else None
