"""The Russian and Kazakh catalogues are complete, consistent and compiled.

Every committed .po must translate every string (no empty or fuzzy entry), keep the
placeholders, have the right plural forms, give one string the same translation in every
app (Django keeps only one), and its committed .mo must hold exactly what the .po says, so
that nobody needs GNU gettext to run the tests or the site (`make messages` compiles).
"""

import re
from collections import defaultdict

import pytest

from .catalogues import catalogues, language_of, read_mo, read_po

#: What a translation must keep: named placeholders and the HTML tags around words.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|</?(?:a|b|br|code|em|i|span|strong)\b[^>]*>")
#: A per cent sign that is not a placeholder nor written %% breaks the formatting.
LONE_PERCENT = re.compile(r"%(?!\(\w+\)[sd]|%)")
#: How many plural forms, and which form some numbers take (Russian: 1, 2-4, 5-20 and 11-14).
PLURALS = {"ru": (3, {1: 0, 21: 0, 2: 1, 4: 1, 22: 1, 5: 2, 11: 2, 12: 2, 14: 2, 25: 2, 100: 2}),
           "kk": (2, {1: 0, 2: 1, 5: 1, 21: 1})}
CATALOGUES = catalogues()


def _name(path):
    return str(path.relative_to(path.parents[5])) if len(path.parents) > 5 else str(path)


def test_every_app_with_a_catalogue_has_both_languages():
    folders = {path.parents[2] for path in CATALOGUES}
    assert len(folders) >= 10  # the project's and each app's locale/
    for folder in folders:
        for language in ("ru", "kk"):
            assert (folder / language / "LC_MESSAGES" / "django.po").exists(), (folder, language)


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_catalogue_is_complete_and_keeps_placeholders(path):
    language = language_of(path)
    header, entries = read_po(path)
    assert header["Language"] == language
    nplurals, _examples = PLURALS[language]
    assert header["Plural-Forms"].startswith(f"nplurals={nplurals};"), header["Plural-Forms"]
    problems = []
    for entry in entries:
        where = f"{path.name}:{entry.line} {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy")
        if entry.msgid_plural is not None and sorted(entry.msgstr_plural) != list(range(nplurals)):
            problems.append(f"{where}: {len(entry.msgstr_plural)} plural forms, not {nplurals}")
        for index, text in enumerate(entry.translations):
            if not text.strip():
                problems.append(f"{where}: not translated")
                continue
            source = entry.msgid if entry.msgid_plural is None or index == 0 else entry.msgid_plural
            wanted = sorted(PLACEHOLDER.findall(source))
            if entry.msgid_plural is not None:  # a singular may leave the number out
                wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural))
                if index == 0 and len(PLACEHOLDER.findall(text)) < len(wanted):
                    wanted = sorted(PLACEHOLDER.findall(text))
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{where}: placeholders {sorted(PLACEHOLDER.findall(text))} "
                                f"instead of {wanted}")
            if "python-format" in entry.flags and LONE_PERCENT.search(text.replace("%%", "")):
                problems.append(f"{where}: a lone % in {text!r} (write %%)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_compiled_catalogue_matches_its_source(path):
    _header, entries = read_po(path)
    compiled = read_mo(path)
    catalogue = dict(compiled._catalog)
    catalogue.pop("", None)
    expected = {}
    for entry in entries:
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr
        else:
            for index, text in enumerate(entry.translations):
                expected[(entry.key, index)] = text
    stale = sorted(str(k) for k in set(expected) ^ set(catalogue))[:10]
    assert not stale, f"{path}: the .mo differs from the .po (run make messages): {stale}"
    differ = [key for key in expected if catalogue[key] != expected[key]][:10]
    assert not differ, f"{path}: the .mo differs from the .po (run make messages): {differ}"
    _nplurals, examples = PLURALS[language_of(path)]
    assert {n: compiled.plural(n) for n in examples} == examples


def test_a_string_has_one_translation_across_apps():
    """Django merges the apps' catalogues and keeps one translation per string: two apps
    translating it differently would make one of them wrong, depending on the app order."""
    seen = defaultdict(dict)
    for path in CATALOGUES:
        for entry in read_po(path)[1]:
            seen[(language_of(path), entry.key, entry.msgid_plural)][_name(path)] = tuple(entry.translations)
    differing = {key: found for key, found in seen.items() if len(set(found.values())) > 1}
    assert not differing, "\n".join(f"{key}: {found}" for key, found in list(differing.items())[:10])


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_pages_get_the_catalogues_translation_not_djangos(language):
    """Django's own apps come first in INSTALLED_APPS, so their catalogues win for a string
    they also translate ("Change", "Filter"...): such strings need a context of ours."""
    from django.utils import translation

    shadowed = []
    with translation.override(language):
        for path in CATALOGUES:
            if language_of(path) != language:
                continue
            for entry in read_po(path)[1]:
                if entry.msgid_plural is not None:
                    continue
                served = (translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt is not None
                          else translation.gettext(entry.msgid))
                if served != entry.msgstr:
                    shadowed.append((entry.msgid, entry.msgstr, served))
    assert not shadowed, shadowed
