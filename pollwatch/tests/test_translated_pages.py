"""Key pages render wholly in Russian and in Kazakh: none of the English interface strings
of the catalogues is left on them (data from the database keeps its own language)."""

from html.parser import HTMLParser

import pytest
from django.conf import settings

from .catalogues import catalogues, language_of, read_po

#: English strings that a page may show as data, not as interface (the test world's choice).
DATA = {"Against all"}


def _interface_strings(language):
    """English interface strings whose translation differs, in their full (unformatted) form."""
    strings = set()
    for path in catalogues():
        if language_of(path) != language:
            continue
        for entry in read_po(path)[1]:
            if "%" in entry.msgid or "{" in entry.msgid or entry.msgid_plural is not None:
                continue
            if entry.translations[0] != entry.msgid and len(entry.msgid) > 2:
                strings.add(entry.msgid)
    return strings - DATA


class _Text(HTMLParser):
    """The texts a reader sees or hears: text nodes (not scripts) and labelling attributes."""

    SEEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
    BUTTONS = {"submit", "button", "reset"}

    def __init__(self):
        super().__init__()
        self.texts = []
        self.in_script = 0
        self.lang = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag in ("script", "style"):
            self.in_script += 1
        for name, value in attrs:
            shown = name in self.SEEN_ATTRIBUTES or (
                tag == "input" and name == "value" and dict(attrs).get("type") in self.BUTTONS)
            if shown and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.in_script -= 1

    def handle_data(self, data):
        if not self.in_script and data.strip():
            self.texts.append(" ".join(data.split()))


def _english_left(html, language):
    parser = _Text()
    parser.feed(html)
    english = _interface_strings(language)
    return parser.lang, sorted({text for text in parser.texts if text in english})


PAGES = [
    # (who, path, words the page must show in Russian, in Kazakh)
    (None, "/accounts/login/", "Имя пользователя", "Пайдаланушы аты"),
    (None, "/", "Наблюдение за выборами", "Сайлауды бақылау"),
    ("oleg", "/observe/", "Мои задания на сегодня", "Бүгінгі тапсырмаларым"),
    ("alice", "/m/alpha/", "Виды выборов", "Сайлау түрлері"),
    ("alice", "/m/alpha/coverage/", "Охват в реальном времени", "Нақты уақыттағы қамту"),
    ("alice", "/m/alpha/quarantine/", "Отложенные", "Тексеруде"),
    ("alice", "/m/alpha/incidents/", "Доска инцидентов", "Оқиғалар тақтасы"),
    ("alice", "/m/alpha/forms/", "Формы", "Формалар"),
    ("alice", "/m/alpha/results/", "Официальные результаты", "Ресми нәтижелер"),
    ("alice", "/m/alpha/statements/", "Заявления", "Мәлімдемелер"),
]


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize(("who", "path", "ru_words", "kk_words"), PAGES, ids=[p[1] for p in PAGES])
def test_page_has_no_english_left(client, world, login, who, path, ru_words, kk_words, language):
    if who:
        login(getattr(world, who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert (ru_words if language == "ru" else kk_words) in html
    lang, english = _english_left(html, language)
    assert lang == language
    assert english == []


def test_browser_language_chooses_the_page_language(client, world):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="kk-KZ,kk;q=0.9,ru;q=0.8")
    assert response.status_code == 200
    assert _english_left(response.content.decode(), "kk") == ("kk", [])
    assert "Құпиясөз" in response.content.decode()


def test_observer_page_carries_every_language_for_offline_use(world, login):
    import json

    response = login(world.oleg).get("/observe/", HTTP_ACCEPT_LANGUAGE="en")
    start = response.content.decode().index('<script id="observe-strings" type="application/json">')
    payload = response.content.decode()[start:].split(">", 1)[1].split("</script>", 1)[0]
    strings = json.loads(payload)
    assert set(strings) == {"en", "ru", "kk"}
    assert strings["ru"]["outbox"] == "Исходящие" and strings["kk"]["outbox"] == "Шығыс"
    assert strings["kk"]["closing"] == "Жабылу және дауыстарды санау"
    assert strings["ru"]["problems"]["bounds"] == "вне допустимых пределов"
    assert set(strings["en"]) == set(strings["ru"]) == set(strings["kk"])
