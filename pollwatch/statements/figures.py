"""Figures in a statement's text: a small placeholder syntax, never template execution.

A figure is written ``{{ kind name="value" ... }}`` anywhere in a section or a finding:

- ``{{ share form="voting" question="overall" values="bad,very_bad" }}`` renders
  "4 per cent of 512 observations": the share of the form's current, non-test submissions
  whose answer is one of ``values``, over those that answered (its base).
  Options: ``region="71"`` (a region's code), ``phase="voting"``, and ``show="percent"``
  ("4 per cent"), ``show="count"`` ("20") or ``show="base"`` ("512").
- ``{{ observations form="voting" }}``: how many such submissions there are ("512").
- ``{{ stations form="opening" }}``: at how many polling stations they were made ("87").

Anything else between ``{{`` and ``}}`` is shown as an error, and a statement with an error
cannot be published. The text around figures is escaped; paragraphs are separated by a blank
line, a line starting with "- " is a list item and one starting with "### " a sub-heading.

Each figure has a key (a hash of its kind and options) that names it in links, in the frozen
figures of a publication and on the page listing the submissions it counts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from pollwatch.formats import numbers
from pollwatch.missions.models import Mission
from pollwatch.submissions import aggregates

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
TOKEN = re.compile(r'\s*([a-z_]+)\s*=\s*"([^"]*)"\s*')
KIND = re.compile(r"\s*([a-z_]+)")

KINDS: dict[str, tuple[set[str], set[str]]] = {
    "share": ({"form", "question", "values"}, {"region", "phase", "show"}),
    "observations": ({"form"}, {"region", "phase"}),
    "stations": ({"form"}, {"region", "phase"}),
}
SHOW = ("full", "percent", "count", "base")


class FigureSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class FigureRef:
    kind: str
    options: tuple[tuple[str, str], ...]

    @property
    def params(self) -> dict[str, str]:
        return dict(self.options)

    @property
    def query(self) -> tuple[tuple[str, str], ...]:
        """The options that decide the figure (``show`` only changes how it reads)."""
        return tuple((k, v) for k, v in self.options if k != "show")

    @property
    def key(self) -> str:
        canonical = self.kind + "|" + "|".join(f"{k}={v}" for k, v in self.query)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    def describe(self) -> str:
        return self.kind + " " + " ".join(f'{k}="{v}"' for k, v in self.options)


def parse_placeholder(inner: str) -> FigureRef:
    """``share form="voting" ...`` (the text between the braces) -> FigureRef."""
    match = KIND.match(inner)
    if not match:
        raise FigureSyntaxError(_("a figure starts with its kind: share, observations or stations"))
    kind = match.group(1)
    if kind not in KINDS:
        raise FigureSyntaxError(_("unknown figure %(kind)s: use %(kinds)s")
                                % {"kind": repr(kind), "kinds": ", ".join(KINDS)})
    rest = inner[match.end():]
    options: dict[str, str] = {}
    position = 0
    while position < len(rest.rstrip()):
        token = TOKEN.match(rest, position)
        if not token:
            raise FigureSyntaxError(_('cannot read %(text)s: write name="value"')
                                    % {"text": repr(rest[position:].strip()[:40])})
        name, value = token.groups()
        if name in options:
            raise FigureSyntaxError(_("%(name)s is given twice") % {"name": name})
        options[name] = value.strip()
        position = token.end()
    required, optional = KINDS[kind]
    missing = sorted(required - set(options))
    unknown = sorted(set(options) - required - optional)
    if missing:
        raise FigureSyntaxError(_("%(kind)s needs %(names)s") % {"kind": kind, "names": ", ".join(missing)})
    if unknown:
        raise FigureSyntaxError(_("%(kind)s does not take %(names)s")
                                % {"kind": kind, "names": ", ".join(unknown)})
    if options.get("show", "full") not in SHOW:
        raise FigureSyntaxError(_("show is one of %(values)s") % {"values": ", ".join(SHOW)})
    return FigureRef(kind, tuple(sorted(options.items())))


@dataclass
class Piece:
    """A piece of text: plain text, a figure, or a figure that could not be read."""

    text: str
    ref: FigureRef | None = None
    error: str = ""


def split_text(text: str) -> list[Piece]:
    pieces: list[Piece] = []
    position = 0
    for match in PLACEHOLDER.finditer(text or ""):
        if match.start() > position:
            pieces.append(Piece(text[position:match.start()]))
        try:
            pieces.append(Piece(match.group(0), parse_placeholder(match.group(1))))
        except FigureSyntaxError as exc:
            pieces.append(Piece(match.group(0), error=str(exc)))
        position = match.end()
    if position < len(text or ""):
        pieces.append(Piece(text[position:]))
    return pieces


def refs_in(texts: Iterable[str]) -> dict[str, FigureRef]:
    """Every figure in ``texts`` by its key (the same query written twice is one figure)."""
    found: dict[str, FigureRef] = {}
    for text in texts:
        for piece in split_text(text):
            if piece.ref is not None:
                found.setdefault(piece.ref.key, FigureRef(piece.ref.kind, piece.ref.query))
    return found


def errors_in(texts: Iterable[str]) -> list[str]:
    return [f"{piece.text}: {piece.error}" for text in texts for piece in split_text(text) if piece.error]


# --- computing ----------------------------------------------------------------------------

@dataclass
class FigureValue:
    """A computed figure, or why it could not be computed."""

    key: str
    kind: str
    query: dict[str, str]
    share: float | None = None
    count: int = 0
    base: int = 0
    submission_ids: list[int] = field(default_factory=list)
    answered_ids: list[int] = field(default_factory=list)
    error: str = ""

    def describe(self) -> str:
        """The figure as written: ``{{ share form="voting" ... }}``."""
        options = " ".join(f'{k}="{v}"' for k, v in self.query.items())
        return "{{ " + f"{self.kind} {options}" + " }}"

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "query": self.query, "share": self.share,
                "count": self.count, "base": self.base, "submission_ids": self.submission_ids,
                "answered_ids": self.answered_ids, "error": self.error}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FigureValue:
        return cls(**{k: data[k] for k in ("key", "kind", "query", "share", "count", "base",
                                            "submission_ids", "answered_ids", "error")})


def compute_figure(mission: Mission, ref: FigureRef) -> FigureValue:
    params = ref.params
    value = FigureValue(ref.key, ref.kind, dict(ref.query))
    scope = {"region": params.get("region") or None, "phase": params.get("phase") or None}
    try:
        if ref.kind == "share":
            _check_values(mission, params)
            result = aggregates.answer_shares(mission, params["form"], params["question"], params["values"],
                                              **scope)
            value.share, value.count, value.base = result.share, result.count, result.base
            value.submission_ids = list(result.submission_ids)
            value.answered_ids = list(result.answered_ids)
        else:
            aggregates.form_of(mission, params["form"])
            rows = list(aggregates.observations(mission, params["form"], **scope)
                        .order_by("id").values_list("id", "station_id"))
            value.submission_ids = [pk for pk, _ in rows]
            value.base = len(rows)
            value.count = len({s for _, s in rows if s}) if ref.kind == "stations" else len(rows)
    except (aggregates.UnknownQuestion, ValueError) as exc:
        value.error = str(exc)
    return value


def _check_values(mission: Mission, params: dict[str, str]) -> None:
    """An answer the question does not offer would count nothing and read as a real 0 %:
    it is an error naming the answer and those the question has."""
    question = aggregates.question_of(aggregates.form_of(mission, params["form"]), params["question"])
    offered = [value for value, _label in aggregates.value_labels(question)]
    if not offered:
        return
    unknown = [value for value in aggregates.parse_values(params["values"]) if value not in offered]
    if unknown:
        raise aggregates.UnknownQuestion(
            _("the question %(question)s has no answer %(values)s (answers: %(offered)s)")
            % {"question": repr(params["question"]), "values": ", ".join(map(repr, unknown)),
               "offered": ", ".join(offered)})


def reference_errors(mission: Mission, texts: Iterable[str]) -> list[str]:
    """What is wrong with the figures of ``texts``: their syntax, and a form, question or
    answer the mission does not have (each error names the figure)."""
    texts = list(texts)
    return errors_in(texts) + value_errors(compute_figures(mission, refs_in(texts)).values())


def value_errors(values: Iterable[FigureValue]) -> list[str]:
    """Each figure that could not be computed, as written, with why."""
    return [f"{value.describe()}: {value.error}" for value in values if value.error]


def compute_figures(mission: Mission, refs: dict[str, FigureRef]) -> dict[str, FigureValue]:
    return {key: compute_figure(mission, ref) for key, ref in refs.items()}


# --- wording ------------------------------------------------------------------------------

def _percent(share: float | None, language: str = "en") -> str:
    """The share's per cent figure without its sign, whole (one decimal below 1 %, so that a
    small share never reads as 0), in the language's digits (pollwatch.formats.numbers)."""
    if share is None:
        return "–"
    percent = 100 * share
    return numbers.number(percent, language, 1 if 0 < percent < 1 else 0)


def _ru_observations(n: int) -> str:
    """Genitive after "из": "из 1 наблюдения", "из 21 наблюдения", else "наблюдений"."""
    return "наблюдения" if n % 10 == 1 and n % 100 != 11 else "наблюдений"


def share_words(share: float | None, base: int, language: str) -> str:
    """"4 per cent of 512 observations", in the statement's language."""
    pct = _percent(share, language)
    count = numbers.number(base, language)
    if language == "ru":
        return f"{pct}{numbers.NBSP}% из {count} {_ru_observations(base)}"
    if language == "kk":
        return f"{count} байқаудың {pct} пайызы"
    noun = "observation" if base == 1 else "observations"
    return f"{pct} per cent of {count} {noun}"


def figure_words(value: FigureValue, show: str, language: str) -> str:
    if value.kind != "share":
        return numbers.number(value.count, language)
    if show == "percent":
        pct = _percent(value.share, language)
        return {"ru": f"{pct}{numbers.NBSP}%", "kk": f"{pct} пайыз"}.get(language, f"{pct} per cent")
    if show == "count":
        return numbers.number(value.count, language)
    if show == "base":
        return numbers.number(value.base, language)
    return share_words(value.share, value.base, language)


# --- rendering ----------------------------------------------------------------------------

def _inline(pieces: list[Piece], figures: dict[str, FigureValue], language: str,
            link: Callable[[str], str | None]) -> str:
    out = []
    for piece in pieces:
        if piece.error:
            out.append(f'<span class="figure-error" title="{escape(piece.error)}">'
                       f'[{escape(piece.error)}]</span>')
        elif piece.ref is None:
            out.append(escape(piece.text))
        else:
            value = figures.get(piece.ref.key)
            if value is None or value.error:
                reason = value.error if value else "not computed"
                out.append(f'<span class="figure-error" title="{escape(reason)}">[{escape(reason)}]</span>')
                continue
            words = escape(figure_words(value, piece.ref.params.get("show", "full"), language))
            href = link(piece.ref.key)
            out.append(f'<a class="figure-ref" href="{escape(href)}">{words}</a>' if href else words)
    return "".join(out)


def _blocks(text: str) -> Iterable[tuple[str, list[str]]]:
    """Paragraphs, lists and sub-headings of a text: ``(kind, lines)``."""
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            yield "ul", [line[2:] for line in lines]
        elif len(lines) == 1 and lines[0].startswith("### "):
            yield "h3", [lines[0][4:]]
        else:
            yield "p", [" ".join(lines)]


def render_text(text: str, figures: dict[str, FigureValue], language: str,
                link: Callable[[str], str | None] = lambda key: None) -> SafeString:
    """The text as HTML: escaped, with each figure as its words linked to what it counts."""
    html = []
    for kind, lines in _blocks(text):
        parts = [_inline(split_text(line), figures, language, link) for line in lines]
        if kind == "ul":
            html.append("<ul>" + "".join(f"<li>{p}</li>" for p in parts) + "</ul>")
        elif kind == "h3":
            html.append(f"<h4>{parts[0]}</h4>")
        else:
            html.append(f"<p>{parts[0]}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece above is escaped
