"""Reading the committed gettext catalogues without GNU gettext: a small .po reader, and the
.mo files through Python's own :mod:`gettext`."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ru", "kk")


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The entry's key in a compiled catalogue (``context\\x04msgid``)."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]


def catalogues() -> list[Path]:
    """Every committed Russian and Kazakh catalogue: each app's locale/ and the project's."""
    return sorted(path for language in LANGUAGES
                  for path in ROOT.glob(f"**/locale/{language}/LC_MESSAGES/django.po"))


def language_of(path: Path) -> str:
    return path.parent.parent.name


def read_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header's fields and the entries (obsolete ``#~`` ones left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    flags: set[str] = set()

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if match:
            keyword, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr or current.msgstr_plural
                                                    or target and target[0] == "msgstr"):
                finish()
            if current is None:
                current = Entry(msgid="", flags=flags, line=number)
                flags = set()
            target = (keyword, int(index) if index is not None else None)
            _append(current, target, text)
        elif line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{path}:{number}: a string continues nothing")
            _append(current, target, ast.literal_eval(line))
        else:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    header_entry = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    header = {}
    if header_entry is not None:
        entries.remove(header_entry)
        for field_line in header_entry.msgstr.splitlines():
            name, _colon, value = field_line.partition(":")
            header[name.strip()] = value.strip()
    return header, entries


def _append(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    keyword, index = target
    if keyword == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    elif keyword == "msgid":
        entry.msgid += text
    elif keyword == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif index is None:
        entry.msgstr += text
    else:
        entry.msgstr_plural[index] = entry.msgstr_plural.get(index, "") + text


def read_mo(po_path: Path) -> gettext.GNUTranslations:
    with open(po_path.with_suffix(".mo"), "rb") as handle:
        return gettext.GNUTranslations(handle)
