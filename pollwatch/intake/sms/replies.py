"""SMS replies in the observer's language (English, Russian, Kazakh).

Replies are short (one or two SMS) and say exactly what was wrong: the tag and the problem,
for at most four problems. The texts live here, not in the gettext catalogue, so that a reply
never depends on a compiled translation and each one can be read and tested as a whole.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "ru", "kk")

TEXTS: dict[str, dict[str, str]] = {
    "accepted": {
        "en": "OK {keyword} {station}: {count} answers saved. Thank you.",
        "ru": "OK {keyword} {station}: сохранено ответов: {count}. Спасибо.",
        "kk": "OK {keyword} {station}: {count} жауап сақталды. Рақмет.",
    },
    "partly_saved": {
        "en": "{keyword} {station}: {count} answers saved; {not_saved}.",
        "ru": "{keyword} {station}: сохранено ответов: {count}; {not_saved}.",
        "kk": "{keyword} {station}: {count} жауап сақталды; {not_saved}.",
    },
    "not_saved": {
        "en": "{tag} not saved: asked only when {condition}",
        "ru": "{tag} не сохранено: вопрос задаётся, только если {condition}",
        "kk": "{tag} сақталмады: сұрақ тек {condition} болғанда қойылады",
    },
    "not_saved_plain": {
        "en": "{tag} not saved: not asked given your other answers",
        "ru": "{tag} не сохранено: вопрос не задаётся при ваших других ответах",
        "kk": "{tag} сақталмады: басқа жауаптарыңызға қарағанда сұрақ қойылмайды",
    },
    "not_assigned": {
        "en": "Note: {station} is not on your assignment list.",
        "ru": "Внимание: участка {station} нет в вашем задании.",
        "kk": "Назар аударыңыз: {station} учаскесі сіздің тапсырмаңызда жоқ.",
    },
    "incomplete": {
        "en": "Still to send: {tags}.",
        "ru": "Ещё не отправлены: {tags}.",
        "kk": "Әлі жіберілмеген: {tags}.",
    },
    "rejected": {
        "en": "{keyword} {station} NOT saved: {problems}. Correct and resend the whole message.",
        "ru": "{keyword} {station} НЕ сохранено: {problems}. Исправьте и отправьте всё сообщение снова.",
        "kk": "{keyword} {station} САҚТАЛМАДЫ: {problems}. Түзетіп, хабарламаны толық қайта жіберіңіз.",
    },
    "unknown_form": {
        "en": "NOT saved: unknown form code '{keyword}'. Start with one of: {keywords}.",
        "ru": "НЕ сохранено: неизвестный код формы '{keyword}'. Начните с одного из: {keywords}.",
        "kk": "САҚТАЛМАДЫ: '{keyword}' форма коды белгісіз. Мыналардың бірінен бастаңыз: {keywords}.",
    },
    "unknown_station": {
        "en": "NOT saved: no polling station '{station}'. Check the number and resend.",
        "ru": "НЕ сохранено: нет участка '{station}'. Проверьте номер и отправьте снова.",
        "kk": "САҚТАЛМАДЫ: '{station}' учаскесі жоқ. Нөмірді тексеріп, қайта жіберіңіз.",
    },
    "unknown_sender": {
        "en": "Your number {phone} is not registered with the mission. Your message is kept for "
              "the coordinators to check.",
        "ru": "Ваш номер {phone} не зарегистрирован в миссии. Сообщение передано координаторам.",
        "kk": "Сіздің {phone} нөміріңіз миссияда тіркелмеген. Хабарлама үйлестірушілерге берілді.",
    },
    "empty": {
        "en": "NOT saved: the message is empty. Example: OP 12345 A1 Y A2 N",
        "ru": "НЕ сохранено: пустое сообщение. Пример: OP 12345 A1 Y A2 N",
        "kk": "САҚТАЛМАДЫ: хабарлама бос. Мысалы: OP 12345 A1 Y A2 N",
    },
    "held": {
        "en": "Received; the coordinators will check your message.",
        "ru": "Получено; координаторы проверят ваше сообщение.",
        "kk": "Қабылданды; үйлестірушілер хабарламаңызды тексереді.",
    },
    "refused": {
        "en": "NOT saved: this message repeats an earlier message's id with other text.",
        "ru": "НЕ сохранено: идентификатор сообщения уже использован для другого текста.",
        "kk": "САҚТАЛМАДЫ: хабарлама идентификаторы басқа мәтін үшін қолданылған.",
    },
}

PROBLEMS: dict[str, dict[str, str]] = {
    "unknown_tag": {"en": "unknown question", "ru": "нет такого вопроса", "kk": "мұндай сұрақ жоқ"},
    "unknown": {"en": "unknown question", "ru": "нет такого вопроса", "kk": "мұндай сұрақ жоқ"},
    "missing_value": {"en": "no answer", "ru": "нет ответа", "kk": "жауап жоқ"},
    "duplicate": {"en": "given twice", "ru": "указан дважды", "kk": "екі рет берілген"},
    "not_yes_no": {"en": "answer Y or N", "ru": "ответьте Y или N", "kk": "Y немесе N деп жауап беріңіз"},
    "not_a_choice": {"en": "not one of the choices", "ru": "нет такого варианта", "kk": "мұндай нұсқа жоқ"},
    "choice": {"en": "not one of the choices", "ru": "нет такого варианта", "kk": "мұндай нұсқа жоқ"},
    "not_a_number": {"en": "not a number", "ru": "не число", "kk": "сан емес"},
    "type": {"en": "not a valid answer", "ru": "неверный ответ", "kk": "жауап дұрыс емес"},
    "too_small": {"en": "too small", "ru": "слишком мало", "kk": "тым аз"},
    "too_large": {"en": "too large", "ru": "слишком много", "kk": "тым көп"},
    "bounds": {"en": "out of range", "ru": "вне допустимых пределов", "kk": "рұқсат етілген шектен тыс"},
    "not_a_time": {"en": "not a time (HH:MM)", "ru": "не время (ЧЧ:ММ)", "kk": "уақыт емес (СС:ММ)"},
    "not_by_sms": {"en": "cannot be sent by SMS", "ru": "нельзя отправить по SMS",
                   "kk": "SMS арқылы жіберуге болмайды"},
    "required": {"en": "required", "ru": "обязательный вопрос", "kk": "міндетті сұрақ"},
    "constraint": {"en": "not accepted", "ru": "не принято", "kk": "қабылданбады"},
    "station": {"en": "wrong station", "ru": "не тот участок", "kk": "учаске дұрыс емес"},
    "repeat": {"en": "not a valid answer", "ru": "неверный ответ", "kk": "жауап дұрыс емес"},
    "district": {"en": "not on this ballot", "ru": "нет в бюллетене", "kk": "бюллетеньде жоқ"},
}
MAX_PROBLEMS = 4
#: How a reply says a skip-logic condition: comparison words and joining words.
CONDITION_WORDS: dict[str, dict[str, str]] = {
    "=": {"en": "is", "ru": "=", "kk": "="},
    "!=": {"en": "is not", "ru": "≠", "kk": "≠"},
    "or": {"en": "or", "ru": "или", "kk": "немесе"},
    "and": {"en": "and", "ru": "и", "kk": "және"},
}


def condition_text(condition: dict[str, Any] | None, language: str) -> str:
    """``C3 is Y`` / ``C3 = Y``; ``B3 is Y or B4 is Y``; "" when there is nothing simple to say."""
    if not condition:
        return ""
    if condition.get("op") in {"or", "and"}:
        parts = [condition_text(term, language) for term in condition.get("terms", [])]
        if not all(parts):
            return ""
        words = CONDITION_WORDS[condition["op"]]
        return f" {words.get(language, words['en'])} ".join(parts)
    op = condition.get("op", "=")
    words = CONDITION_WORDS.get(op)
    shown = words.get(language, words["en"]) if words else op
    return f"{condition.get('tag', '')} {shown} {condition.get('value', '')}".strip()


def not_saved_text(items: list[dict[str, Any]], language: str) -> str:
    """``C4 not saved: asked only when C3 is Y`` for each answer skip logic left out."""
    phrases = []
    for item in items[:MAX_PROBLEMS]:
        condition = condition_text(item.get("when"), language)
        tag = item.get("code") or item.get("question") or ""
        phrases.append(text("not_saved", language, tag=tag, condition=condition) if condition
                       else text("not_saved_plain", language, tag=tag))
    if len(items) > MAX_PROBLEMS:
        phrases.append(f"+{len(items) - MAX_PROBLEMS}")
    return "; ".join(phrases)


def language_of(observer: Any) -> str:
    language = getattr(observer, "language", "") or "en"
    return language if language in LANGUAGES else "en"


def text(name: str, language: str, **values: Any) -> str:
    templates = TEXTS[name]
    return templates.get(language, templates["en"]).format(**values)


def problem_phrase(error: dict[str, Any], language: str) -> str:
    """``A2 answer Y or N``: the tag (the SMS code) and what is wrong with it."""
    tag = error.get("code") if error.get("kind") != "sms" else error.get("question")
    tag = tag or error.get("question") or ""
    problem = error.get("code") if error.get("kind") == "sms" else error.get("kind")
    phrases = PROBLEMS.get(problem or "", PROBLEMS["type"])
    phrase = phrases.get(language, phrases["en"])
    value = error.get("value")
    shown = f" '{value}'" if value and error.get("kind") == "sms" and problem != "unknown_tag" else ""
    return f"{tag}{shown} {phrase}".strip()


def problems_text(errors: list[dict[str, Any]], language: str) -> str:
    phrases = [problem_phrase(e, language) for e in errors[:MAX_PROBLEMS]]
    if len(errors) > MAX_PROBLEMS:
        phrases.append(f"+{len(errors) - MAX_PROBLEMS}")
    return "; ".join(phrases)
