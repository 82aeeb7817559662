"""What the observer web page shows: the observer, today's assignments with local times, and
the forms to fill. Served as JSON (``/api/v1/me``) and cached by the page for offline use.

The page's own words (:func:`page_strings`) come from the gettext catalogue, in every language
at once: the page is kept for offline use and its language can be switched without a network.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pollwatch.accounts.access import assignments_for_observer
from pollwatch.missions.models import Observer
from pollwatch.submissions import catalog

from .sms.replies import PROBLEMS


def _strings() -> dict[str, str]:
    """The page's words in the active language, by the key the page's script uses."""
    return {
        "today": _("My assignments today"), "outbox": _("Outbox"), "send_now": _("Send now"),
        "loading": _("Loading…"), "opens": _("opens"), "closes": _("closes"),
        "due": _("report due"), "local": _("local time"), "no_assignments": _("No assignments yet."),
        "submit": _("Put in the outbox and send"), "required": _("Please answer this question."),
        "not_number": _("Write a number."),
        # The states of a report in the outbox.
        "queued": _("queued"), "sending": _("sending"), "sent": _("sent"), "rejected": _("rejected"),
        "online": _("Online: reports are sent at once."),
        "offline": _("Offline: reports wait in the outbox and are sent when you are back online."),
        "empty_outbox": _("Nothing sent yet."), "edit": _("Edit and send again"),
        "remove": pgettext("a report in the outbox", "Remove"),
        "sign_in": _("Your sign-in has expired: sign in again to send the outbox."),
        "incident": _("Incident"), "add_row": _("Add a row"),
        "photo_by_odk": _("Photos: send them with ODK Collect."),
        "opening": _("Opening"), "voting": _("Voting"), "closing": _("Closing and counting"),
        "not_assigned": _("not your assignment"),
        "not_observer": _("You are not registered as an observer."),
        "yes": _("Yes"), "no": _("No"), "row": _("row"),
        "fix_and_resend": _("Not accepted: correct the answers below and send the report again."),
    }


def page_strings() -> dict[str, dict[str, Any]]:
    """``{language: {key: text}}`` for every language of the site, with the phrases that say
    what is wrong with an answer (``problems``, by the kind of error; as in the SMS replies)."""
    strings = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            strings[language] = {
                **_strings(),
                "problems": {kind: texts.get(language, texts["en"]) for kind, texts in PROBLEMS.items()},
            }
    return strings


def _assignment(assignment: Any) -> dict[str, Any]:
    station = assignment.station
    due_local = station.to_local(assignment.report_due_at)
    return {
        "id": assignment.pk, "phase": assignment.phase, "team": assignment.team.code,
        "report_due_at": assignment.report_due_at.isoformat(),
        "report_due_local": due_local.strftime("%H:%M"),
        "station": {
            "code": station.code, "name": station.name, "address": station.address,
            "area": station.area.name_in() if station.area_id else "",
            "timezone": station.timezone, "opens_at": station.opens_at.strftime("%H:%M"),
            "closes_at": station.closes_at.strftime("%H:%M"),
            "latitude": float(station.latitude) if station.latitude is not None else None,
            "longitude": float(station.longitude) if station.longitude is not None else None,
        },
    }


def observer_summary(observer: Observer) -> dict[str, Any]:
    mission = observer.mission
    assignments = assignments_for_observer(observer).order_by("report_due_at", "station__code")
    forms = []
    for key, form in sorted(catalog.forms_of_mission(mission.pk).items()):
        version = catalog.current_version(form) if key.startswith("code:") else None
        if version is not None:
            forms.append({"code": form.code, "name": {"en": form.name, **(form.translations or {})},
                          "kind": form.kind, "phase": form.phase, "version": version.number})
    return {
        "observer": {"id": observer.pk, "name": observer.full_name, "language": observer.language,
                     "username": observer.user.username if observer.user_id else ""},
        "mission": {"code": mission.code, "name": mission.name_in(), "languages": mission.languages},
        "election": {"date": mission.election.date.isoformat(), "name": mission.election.name_in()},
        "assignments": [_assignment(a) for a in assignments],
        "forms": forms,
    }
