"""A statement's content, as shown and as published.

:func:`draft_content` gathers what a statement says now (its texts, the findings placed in it,
the group statements it joins); :func:`render_content` turns content and computed figures into
sections of HTML for one language. A publication freezes the content with its figures, so its
page, PDF and hash never change afterwards.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from . import figures as fig
from .models import Statement
from .template import SECTIONS
from .translations import State, finding_versions


def _finding_item(item: Any, languages: list[str]) -> dict[str, Any]:
    """A finding as the statement holds it: its original (``title``, ``text``) and its version
    in each of the statement's languages, with the state of each (:mod:`.translations`)."""
    finding = item.finding
    versions = {v.language: {"title": v.title, "text": v.text, "state": v.state}
                for v in finding_versions(finding, languages)}
    return {"kind": "finding", "id": finding.pk, "section": item.section, "title": finding.title,
            "text": finding.text, "language": finding.language, "versions": versions,
            "group": finding.group.local_name if finding.group_id else "",
            "standards": finding.standard_labels()}


def _joined_item(item: Any) -> dict[str, Any]:
    source = item.source
    return {"kind": "statement", "id": source.pk, "slug": source.slug,
            "group": source.group.local_name if source.group_id else source.mission.local_name,
            "texts": source.texts, "languages": source.languages}


def draft_content(statement: Statement) -> dict[str, Any]:
    """What the statement says now, without its figures: texts and items in order."""
    items = []
    for item in statement.items.select_related("finding", "finding__group", "finding__mission",
                                               "source", "source__group", "source__mission"):
        items.append(_finding_item(item, list(statement.languages)) if item.finding_id
                     else _joined_item(item))
    return {"mission": statement.mission.code, "slug": statement.slug, "kind": statement.kind,
            "languages": list(statement.languages), "texts": statement.texts, "items": items}


def all_texts(content: dict[str, Any]) -> list[str]:
    """Every text of the content that may hold figures."""
    texts = []
    for lang_texts in content["texts"].values():
        texts.extend((lang_texts.get("sections") or {}).values())
    for item in content["items"]:
        if item["kind"] == "finding":
            texts.append(item["text"])
            texts.extend(v["text"] for v in (item.get("versions") or {}).values())
        else:
            for lang_texts in item["texts"].values():
                texts.extend((lang_texts.get("sections") or {}).values())
    return texts


FIGURE_LINK = re.compile(r'<a class="figure-ref" href="([^"]+)">(.*?)</a>')


def print_article(article: str, site_url: str) -> SafeString:
    """The article for paper: each figure's link is also printed as a footnote with its full
    address, so a reader of the PDF can open the observations the figure counts."""
    root = site_url.rstrip("/")

    def noted(match: re.Match[str]) -> str:
        href = match.group(1)
        full = href if href.startswith(("http://", "https://")) else root + href
        return (f'<a class="figure-ref" href="{full}">{match.group(2)}'
                f'<span class="figure-note">{full}</span></a>')

    return mark_safe(FIGURE_LINK.sub(noted, article))  # noqa: S308 - our own escaped HTML, with escaped URLs


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def live_figures(statement: Statement, content: dict[str, Any] | None = None) -> dict[str, fig.FigureValue]:
    content = content or draft_content(statement)
    return fig.compute_figures(statement.mission, fig.refs_in(all_texts(content)))


@dataclass
class RenderedItem:
    heading: str
    note: str
    html: SafeString
    needs_translation: bool = False


@dataclass
class RenderedSection:
    key: str
    level: int
    heading: str
    html: SafeString
    items: list[RenderedItem] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not str(self.html).strip() and not self.items


def _finding_in(item: dict[str, Any], language: str) -> tuple[str, str, bool]:
    """``(title, text, needs_translation)`` of a finding item in ``language``: its version
    there when a person wrote it, else the original (a draft's preview marks it; a statement
    is not published so). Items frozen before findings had versions hold the original only."""
    versions = item.get("versions")
    if versions is None:
        return item["title"], item["text"], False
    version = versions.get(language)
    if version and version["state"] in (State.ORIGINAL, State.WRITTEN):
        return version["title"], version["text"], False
    return item["title"], item["text"], True


def _section_text(texts: dict[str, Any], languages: list[str], language: str, key: str) -> str:
    for lang in [language, *languages]:
        value = ((texts.get(lang) or {}).get("sections") or {}).get(key)
        if value:
            return value
    return ""


def render_content(content: dict[str, Any], language: str, figures: dict[str, fig.FigureValue],
                   link: Callable[[str], str | None] = lambda key: None) -> tuple[str, list[RenderedSection]]:
    """``(title, sections)`` of the content in ``language``; an empty section is kept (the
    template shows it only when editing)."""
    languages = content["languages"]
    texts = content["texts"]
    title = next(((texts.get(lang) or {}).get("title") for lang in [language, *languages]
                  if (texts.get(lang) or {}).get("title")), content["slug"])
    sections = []
    for section in SECTIONS:
        rendered = RenderedSection(section.key, section.level, section.heading(language),
                                   fig.render_text(_section_text(texts, languages, language, section.key),
                                                   figures, language, link))
        for item in content["items"]:
            if item["kind"] == "finding" and item["section"] == section.key:
                note = ", ".join(filter(None, [item["group"], "; ".join(item["standards"])]))
                heading, text, missing = _finding_in(item, language)
                html = fig.render_text(text, figures, language, link)
                rendered.items.append(RenderedItem(heading, note, html, needs_translation=missing))
            elif item["kind"] == "statement":
                text = _section_text(item["texts"], item["languages"], language, section.key)
                if text:
                    rendered.items.append(RenderedItem(item["group"], "",
                                                       fig.render_text(text, figures, language, link)))
        sections.append(rendered)
    return title, sections
