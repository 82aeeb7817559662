"""Answer shares: what findings, statements and the dashboard count.

Findings are shares of observations, never of stations: a figure counts the mission's current,
non-test submissions of one form (one per filled form; a correction replaces the revision it
corrects) that staff did not reject (:func:`counted_submissions`), and always gives its base,
the number of those submissions that answered the question. "Voting was assessed negatively
in 4 per cent of 512 observations" is
``answer_shares(mission, "voting", "overall", ["bad", "very_bad"])`` with ``share`` 0.04 and
``base`` 512.

The counting itself is in pure functions (:func:`is_answered`, :func:`matches`,
:func:`tally`, :func:`share_of`) that take plain values; the queries (:func:`observations`,
:func:`answer_shares`, :func:`findings_table`) read the database once and call them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from pollwatch.checklists.schema import STATION_QUESTION

from .models import ReviewState, Submission

if TYPE_CHECKING:
    from pollwatch.checklists.models import Form
    from pollwatch.missions.models import Mission

#: Question types whose answers are counted as shares.
COUNTED_TYPES = ("yes_no", "select_one", "select_multiple")
YES_NO_VALUES = (("yes", gettext_noop("Yes")), ("no", gettext_noop("No")))


class UnknownQuestion(LookupError):
    """The form or question a figure names does not exist in the mission."""


# --- pure counting ------------------------------------------------------------------------

def parse_values(values: str | Iterable[str]) -> tuple[str, ...]:
    """``"bad, very_bad"`` or ``["bad", "very_bad"]`` -> ``("bad", "very_bad")``."""
    if isinstance(values, str):
        values = values.split(",")
    cleaned = tuple(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
    if not cleaned:
        raise ValueError(gettext("say which answers to count (values=...)"))
    return cleaned


def is_answered(value: Any) -> bool:
    """An answer was given: not missing, not blank, not an empty selection."""
    return value is not None and value != "" and value != []


def answer_values(value: Any) -> tuple[str, ...]:
    """The answer as values: a selection gives each chosen name, yes/no gives yes or no."""
    if isinstance(value, bool):
        return ("yes" if value else "no",)
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return (str(value),)


def matches(value: Any, values: Iterable[str]) -> bool:
    """The answer is one of ``values`` (for a multiple selection: any chosen one is)."""
    wanted = set(values)
    return any(item in wanted for item in answer_values(value))


@dataclass(frozen=True)
class ShareResult:
    """A share of observations with its base.

    ``share`` is ``count / base`` (None when nobody answered); ``submission_ids`` are the
    submissions counted in ``count``; ``answered_ids`` those in the base.
    """

    share: float | None
    count: int
    base: int
    submission_ids: tuple[int, ...]
    answered_ids: tuple[int, ...] = ()

    @property
    def percent(self) -> float | None:
        return None if self.share is None else 100 * self.share

    def to_dict(self) -> dict[str, Any]:
        return {"share": self.share, "count": self.count, "base": self.base,
                "submission_ids": list(self.submission_ids),
                "answered_ids": list(self.answered_ids)}


def share_of(answers: Iterable[tuple[int, Any]], values: Iterable[str]) -> ShareResult:
    """The share of ``(submission id, answer)`` pairs whose answer is one of ``values``,
    over those that answered."""
    wanted = tuple(values)
    answered = [(pk, value) for pk, value in answers if is_answered(value)]
    counted = tuple(pk for pk, value in answered if matches(value, wanted))
    base = len(answered)
    return ShareResult(len(counted) / base if base else None, len(counted), base, counted,
                       tuple(pk for pk, _ in answered))


@dataclass
class Tally:
    """How often each answer was given, and the base (submissions that answered)."""

    counts: dict[str, int] = field(default_factory=dict)
    base: int = 0

    def add(self, value: Any) -> None:
        if not is_answered(value):
            return
        self.base += 1
        for item in dict.fromkeys(answer_values(value)):
            self.counts[item] = self.counts.get(item, 0) + 1

    def share(self, value: str) -> float | None:
        return self.counts.get(value, 0) / self.base if self.base else None


def tally(answers: Iterable[Any]) -> Tally:
    result = Tally()
    for value in answers:
        result.add(value)
    return result


# --- queries ------------------------------------------------------------------------------

def counted_submissions(mission: Mission) -> QuerySet[Submission]:
    """What findings count: the mission's current, non-test submissions that staff did not
    reject (:mod:`pollwatch.submissions.review`)."""
    return (Submission.objects.filter(mission=mission, is_current=True, is_test=False)
            .exclude(review_state=ReviewState.REJECTED))


def observations(mission: Mission, form_code: str, *, region: str | None = None,
                 phase: str | None = None) -> QuerySet[Submission]:
    """The mission's counted submissions (current, non-test, not rejected) of a form (by its
    code), optionally of the stations of one region (area code at depth 1) or one phase."""
    query = counted_submissions(mission).filter(form__code=form_code)
    if region:
        query = query.filter(station__region__code=region)
    if phase:
        query = query.filter(phase=phase)
    return query


def form_of(mission: Mission, form_code: str) -> Form:
    from pollwatch.checklists.models import Form

    form = Form.objects.filter(mission=mission, code=form_code).first()
    if form is None:
        known = ", ".join(Form.objects.filter(mission=mission).values_list("code", flat=True))
        raise UnknownQuestion(gettext("the mission has no form %(form)s (forms: %(known)s)")
                              % {"form": repr(form_code), "known": known or gettext("none")})
    return form


def question_of(form: Form, question_name: str) -> Any:
    """The newest version of a question of ``form`` (any version that has it)."""
    from pollwatch.checklists.models import Question

    question = (Question.objects.filter(version__form=form, name=question_name)
                .order_by("-version__number").first())
    if question is None:
        raise UnknownQuestion(gettext("the form %(form)s has no question %(question)s")
                              % {"form": repr(form.code), "question": repr(question_name)})
    return question


def answer_shares(mission: Mission, form_code: str, question_name: str,
                  values: str | Iterable[str], *, region: str | None = None,
                  phase: str | None = None) -> ShareResult:
    """The share of observations (current, non-test submissions of the form) whose answer to
    ``question_name`` is one of ``values``, over those that answered it.

    Raises :class:`UnknownQuestion` when the form or question does not exist, ``ValueError``
    when no value is given.
    """
    wanted = parse_values(values)
    question_of(form_of(mission, form_code), question_name)
    rows = (observations(mission, form_code, region=region, phase=phase)
            .order_by("id").values_list("id", "answers"))
    return share_of(((pk, (answers or {}).get(question_name)) for pk, answers in rows), wanted)


# --- the findings table -------------------------------------------------------------------

@dataclass
class QuestionShares:
    """One question's answers as shares: overall, by region and by phase."""

    name: str
    label: str
    type: str
    values: list[tuple[str, str]]
    overall: Tally
    by_region: dict[str, Tally]
    by_phase: dict[str, Tally]

    def rows(self) -> Iterable[dict[str, Any]]:
        """Flat rows for CSV: one per answer value and scope."""
        scopes: list[tuple[str, str, Tally]] = [("overall", "", self.overall)]
        scopes += [("region", code, t) for code, t in sorted(self.by_region.items())]
        scopes += [("phase", code, t) for code, t in sorted(self.by_phase.items())]
        for scope, scope_value, counts in scopes:
            for value, label in self.values:
                share = counts.share(value)
                yield {"question": self.name, "label": self.label, "answer": value,
                       "answer_label": label, "scope": scope, "scope_value": scope_value,
                       "count": counts.counts.get(value, 0), "base": counts.base,
                       "share": "" if share is None else round(share, 6)}


@dataclass
class FindingsTable:
    form_code: str
    form_name: str
    observations: int
    questions: list[QuestionShares]
    regions: dict[str, str]

    def rows(self) -> Iterable[dict[str, Any]]:
        for question in self.questions:
            for row in question.rows():
                yield {"form": self.form_code, **row}


ROW_FIELDS = ["form", "question", "label", "answer", "answer_label", "scope", "scope_value",
              "count", "base", "share"]


def _counted_questions(form: Form) -> list[Any]:
    """The form's counted questions across its versions; the newest version's text wins,
    in the newest version's order (questions dropped from it come last). The station question
    says where an observation was made, not what was seen: it is no finding."""
    from pollwatch.checklists.models import Question

    found: dict[str, Any] = {}
    for question in (Question.objects.filter(version__form=form, type__in=COUNTED_TYPES)
                     .exclude(name=STATION_QUESTION)
                     .order_by("-version__number", "position")):
        found.setdefault(question.name, question)
    return list(found.values())


def label_in(label: Any, language: str | None = None, fallback: str = "") -> str:
    """A label ``{"en": ..., "ru": ..., "kk": ...}`` (or plain text) in ``language`` (None:
    English), else in English, else in any language it has, else ``fallback``."""
    if isinstance(label, Mapping):
        language = (language or "en").split("-")[0]
        text = label.get(language) or label.get("en") or next(iter(label.values()), "")
    else:
        text = label
    return str(text or fallback)


def value_labels(question: Any, language: str | None = None) -> list[tuple[str, str]]:
    """``(value, label)`` of each answer the question offers, the label in ``language``
    (None: English, as exports and figure errors read)."""
    if question.type == "yes_no":
        if language is None:
            return list(YES_NO_VALUES)
        with translation.override(language):
            return [(value, gettext(text)) for value, text in YES_NO_VALUES]
    return [(str(choice.get("name")), label_in(choice.get("label"), language, str(choice.get("name"))))
            for choice in question.choices or []]


def choice_label_map(choices: Iterable[Mapping[str, Any]] | None,
                     language: str | None = None) -> dict[str, str]:
    """``{value: label}`` of a question's choices in ``language``."""
    return {str(c.get("name")): label_in(c.get("label"), language, str(c.get("name")))
            for c in choices or [] if isinstance(c, Mapping)}


def answer_words(value: Any, labels: Mapping[str, str]) -> Any:
    """An answer as a person reads it: a choice's value as its label, a multiple selection as
    its labels joined by commas; any other answer as it is."""
    if not labels or isinstance(value, bool):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    if isinstance(value, str):
        return labels.get(value, value)
    return value


def findings_table(mission: Mission, form: Form | str, language: str | None = None) -> FindingsTable:
    """Every counted question of ``form`` (yes/no, select one, select multiple) with the
    shares of its answers overall, by region and by phase, over the mission's current,
    non-test submissions of the form. One query for the submissions, one for the questions.

    With ``language``, questions, answers and regions are named in it (a page); without,
    answers and regions keep the names exports have always had (English, as stored).
    """
    if isinstance(form, str):
        form = form_of(mission, form)
    questions = _counted_questions(form)
    rows = list(observations(mission, form.code).values_list(
        "answers", "phase", "station__region__code", "station__region__name",
        "station__region__translations"))
    regions = {code: ((names or {}).get(language.split("-")[0]) if language else None) or name
               for _, _, code, name, names in rows if code}
    result = []
    for question in questions:
        overall, by_region, by_phase = Tally(), {}, {}
        for answers, phase, region, _name, _names in rows:
            value = (answers or {}).get(question.name)
            overall.add(value)
            by_region.setdefault(region or "", Tally()).add(value)
            by_phase.setdefault(phase or "", Tally()).add(value)
        values = value_labels(question, language)
        known = {v for v, _ in values}
        values += [(v, v) for v in sorted(overall.counts) if v not in known]
        result.append(QuestionShares(question.name, question.label_in(language), question.type, values,
                                     overall, by_region, by_phase))
    return FindingsTable(form.code, form.local_name, len(rows), result, regions)
