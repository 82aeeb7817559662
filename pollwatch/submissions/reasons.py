"""Why a report is in quarantine, as a code with its values, so that each reader sees it in
their own language: ``reason("no_form", form="'XX'")`` is stored as ``reason_code`` and
``reason_params`` beside the English text (which the sender's reply, the API and older rows
keep), and :func:`render` writes it in the page's language.

Each message is a translatable template with named values; its English is the text the
report has always had.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

#: code -> message template (English msgid; the values are named).
MESSAGES: dict[str, Any] = {
    "no_mission": _("the report's mission is not known"),
    "no_form": _("the mission has no form %(form)s"),
    "no_version": _("the form %(form)s has no version %(version)s"),
    "not_published": _("the form %(form)s is not published yet"),
    "never_published": _("version %(version)s of the form %(form)s was never published"),
    "no_station": _("there is no polling station %(station)s in this election"),
    "station_missing": _("the report does not say which polling station it is for"),
    "no_correction_target": _("there is no submission %(target)s to correct"),
    "not_own_report": _("observers may only correct their own reports"),
    "already_corrected": _("submission %(submission)s was already corrected; correct the newest revision"),
    "already_corrected_by": _("submission %(submission)s was already corrected by submission %(newer)s; "
                              "correct the newest revision"),
    "not_json": _("the body is not JSON: %(detail)s"),
    "not_object": _("the body must be a JSON object"),
    "answers_not_object": _("answers must be an object of question name to value"),
    "unknown_sender": _("%(sender)s is not on the roster of observers; add the number to an observer, "
                        "then re-process"),
    "invalid_answers": _("%(count)s answer(s) not accepted: %(shown)s"),
    "invalid_answers_more": _("%(count)s answer(s) not accepted: %(shown)s (and %(more)s more)"),
    "bad_xml": _("the submission is not readable XML: %(detail)s"),
    "key_reused": _("The key %(key)s was already used for other content; a retry must resend exactly "
                    "the same report, a new report needs a new key."),
    "internal": _("processing failed: %(detail)s"),
    "discarded": _("%(note)s (was: %(was)s)"),
}


@dataclass(frozen=True)
class Reason:
    """A reason's code, its values and its English text."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return render(self.code, self.params, "en")


def reason(code: str, **params: Any) -> Reason:
    if code not in MESSAGES:
        raise KeyError(f"no reason {code!r}")
    return Reason(code, dict(params))


def render(code: str, params: Mapping[str, Any] | None, language: str | None = None,
           fallback: str = "") -> str:
    """The reason ``code`` with ``params`` in ``language`` (None: the active one); ``fallback``
    (the stored text) for a row without a code, or with one this version does not know."""
    template = MESSAGES.get(code or "")
    if template is None:
        return fallback
    values = dict(params or {})
    with translation.override(language or translation.get_language() or "en"):
        if code == "discarded":  # the earlier reason, itself a code with its values
            values["was"] = render(values.get("was_code", ""), values.get("was_params"), None,
                                   str(values.get("was", "")))
        try:
            return str(template) % {k: _text(v) for k, v in values.items()}
        except (KeyError, TypeError, ValueError):
            return fallback


def _text(value: Any) -> Any:
    """A value as the reader's language writes it: counts with its digits."""
    from pollwatch.formats.numbers import number

    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return value


#: What a submission is flagged for (its ``flags``' codes), as a person reads it.
FLAG_LABELS: dict[str, Any] = {
    "not_assigned": _("not the team's station"),
    "late": _("late"),
    "incomplete": _("incomplete"),
    "not_saved": _("answers not saved"),
    "protocol_does_not_reconcile": _("protocol does not reconcile"),
}


def flag_label(code: str, language: str | None = None) -> str:
    """A flag's label in ``language`` (None: the page's); the code itself when it has none."""
    label = FLAG_LABELS.get(code)
    if label is None:
        return code.replace("_", " ")
    with translation.override(language or translation.get_language() or "en"):
        return str(label)
