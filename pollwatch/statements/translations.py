"""A finding in each of the mission's languages.

A finding is written in one language (its original); a person writes its version in each other
language of the mission. Until then that version *needs translation*, and it needs it again when
the original changes after it was written (each version keeps a hash of the original it
translates). A statement is published only in languages where every text is written: its own
sections, the findings placed in it and the statements it joins (:func:`missing_texts`).

Machine translation is deliberately absent: a mission signs what its people wrote.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Finding
from .template import SECTIONS


class State:
    ORIGINAL = "original"
    WRITTEN = "written"
    OUTDATED = "outdated"
    MISSING = "missing"


@dataclass(frozen=True)
class FindingVersion:
    language: str
    title: str
    text: str
    state: str

    @property
    def is_current(self) -> bool:
        return self.state in (State.ORIGINAL, State.WRITTEN)


def original_hash(finding: Finding) -> str:
    return hashlib.sha256(f"{finding.title}\n{finding.text}".encode()).hexdigest()[:16]


def finding_version(finding: Finding, language: str) -> FindingVersion:
    """The finding in ``language``: its original, the version a person wrote (current or
    outdated), or, missing, the original's words to translate from."""
    if language == finding.language:
        return FindingVersion(language, finding.title, finding.text, State.ORIGINAL)
    written = (finding.translations or {}).get(language) or {}
    if not written.get("title") or not written.get("text"):
        return FindingVersion(language, finding.title, finding.text, State.MISSING)
    state = State.WRITTEN if written.get("of") == original_hash(finding) else State.OUTDATED
    return FindingVersion(language, written["title"], written["text"], state)


def finding_versions(finding: Finding, languages: list[str]) -> list[FindingVersion]:
    """The finding's version in each of ``languages``, its original first."""
    ordered = [finding.language, *[lang for lang in languages if lang != finding.language]]
    return [finding_version(finding, lang) for lang in ordered]


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def _heading(key: str) -> str:
    language = (get_language() or "en").split("-")[0]
    return next((s.heading(language) for s in SECTIONS if s.key == key), key)


def _section_keys(texts: dict[str, Any]) -> set[str]:
    return {key for lang in texts.values() for key, text in ((lang or {}).get("sections") or {}).items()
            if text and text.strip()}


def missing_texts(content: dict[str, Any]) -> list[str]:
    """What is not written in each language of the statement's ``content`` (its draft content):
    a section written in another language only, a finding that needs translation, a joined
    statement without that language."""
    problems = []
    texts = content["texts"]
    written_somewhere = _section_keys(texts)
    for language in content["languages"]:
        name = language_name(language)
        own = ((texts.get(language) or {}).get("sections") or {})
        order = [s.key for s in SECTIONS]
        for key in sorted((k for k in written_somewhere if not (own.get(k) or "").strip()),
                          key=lambda k: order.index(k) if k in order else len(order)):
            problems.append(_("%(language)s: the section %(section)s is written in another language only")
                            % {"language": name, "section": repr(_heading(key))})
        for item in content["items"]:
            if item["kind"] == "finding":
                version = (item.get("versions") or {}).get(language)
                if not version or version["state"] not in (State.ORIGINAL, State.WRITTEN):
                    problems.append(_("%(language)s: the finding %(title)s needs translation")
                                    % {"language": name, "title": repr(item["title"])})
            elif language not in item["languages"] and _section_keys(item["texts"]):
                problems.append(_("%(language)s: the joined statement of %(group)s has no text in it")
                                % {"language": name, "group": item["group"]})
    return problems
