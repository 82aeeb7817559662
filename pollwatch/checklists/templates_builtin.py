# ruff: noqa: E501  (long translated labels read better on one line)
"""The built-in forms (methodology.md, section 2), as question definitions.

Each checklist starts with the polling station, asks its questions by section (SMS codes
A1, A2, B1...), and ends with the overall assessment on the four-step scale (very good 1,
good 2, bad 3, very bad 4) and a free comment (SMS ``@``). Yes/no answers are ``Y``/``N`` by
SMS. Labels are in English, Russian and Kazakh.

The result protocol form is generated from a contest: its figures, the votes of each choice
(one question per choice, or rows of choice + votes when the ballot depends on the
station's district) and a warning note per control equation of the election.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .schema import (
    COMMENT_CODE,
    GEOPOINT,
    GROUP,
    INTEGER,
    NOTE,
    PHOTO,
    REPEAT,
    SELECT_MULTIPLE,
    SELECT_ONE,
    STATION_QUESTION,
    TEXT,
    TIME,
    YES_NO,
)

if TYPE_CHECKING:
    from pollwatch.elections.models import Contest
    from pollwatch.missions.models import Mission

MAX_COUNT = 100_000
#: Up to this many choices, a protocol has one question per choice; beyond, rows.
MAX_CHOICE_QUESTIONS = 40


def t(en: str, ru: str, kk: str = "") -> dict[str, str]:
    return {key: value for key, value in (("en", en), ("ru", ru), ("kk", kk)) if value}


def yn(name: str, code: str, label: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "code": code, "type": YES_NO, "label": label, **extra}


def integer(name: str, code: str, label: dict[str, str], maximum: int = MAX_COUNT,
            **extra: Any) -> dict[str, Any]:
    return {"name": name, "code": code, "type": INTEGER, "label": label, "minimum": 0,
            "maximum": maximum, **extra}


def time(name: str, code: str, label: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "code": code, "type": TIME, "label": label, **extra}


def group(name: str, label: dict[str, str], children: list[dict[str, Any]], **extra: Any) -> dict:
    return {"name": name, "type": GROUP, "label": label, "children": children, **extra}


def station(required: bool = True) -> dict[str, Any]:
    return {"name": STATION_QUESTION, "type": SELECT_ONE, "choices_from": "stations.csv",
            "required": required, "appearance": "minimal",
            "label": t("Polling station", "Избирательный участок", "Сайлау учаскесі")}


ASSESSMENT_CHOICES = [
    {"name": "very_good", "sms": "1", "label": t("Very good", "Очень хорошо", "Өте жақсы")},
    {"name": "good", "sms": "2", "label": t("Good", "Хорошо", "Жақсы")},
    {"name": "bad", "sms": "3", "label": t("Bad", "Плохо", "Нашар")},
    {"name": "very_bad", "sms": "4", "label": t("Very bad", "Очень плохо", "Өте нашар")},
]


def assessment(code: str, label: dict[str, str]) -> dict[str, Any]:
    return {"name": "assessment", "code": code, "type": SELECT_ONE, "required": True,
            "list_name": "assessment", "choices": ASSESSMENT_CHOICES, "label": label}


def comments() -> dict[str, Any]:
    return {"name": "comments", "code": COMMENT_CODE, "type": TEXT, "appearance": "multiline",
            "label": t("Comments", "Комментарии", "Түсініктемелер")}


# --- opening ----------------------------------------------------------------------------------


def opening() -> list[dict[str, Any]]:
    return [
        station(),
        group("arrival", t("Arrival and opening", "Прибытие и открытие", "Келу және ашылу"), [
            time("arrived_at", "A1", t("Time you arrived", "Время прибытия", "Келген уақыт"),
                 required=True),
            time("opened_at", "A2", t("Time the polling station opened",
                                      "Время открытия участка", "Учаскенің ашылған уақыты"),
                 required=True),
            yn("opened_on_time", "A3", t("Did the station open on time?",
                                         "Участок открылся вовремя?", "Учаске уақытында ашылды ма?"),
               required=True),
        ]),
        group("present", t("Persons present", "Присутствующие", "Қатысушылар"), [
            integer("commission_present", "B1", t("Members of the precinct commission present",
                                                  "Присутствует членов участковой комиссии",
                                                  "Учаскелік комиссияның қатысқан мүшелері"),
                    maximum=100),
            yn("party_agents", "B2", t("Party agents present?", "Присутствуют представители партий?",
                                       "Партия өкілдері қатысады ма?")),
            yn("citizen_observers", "B3", t("Citizen observers present?",
                                            "Присутствуют национальные наблюдатели?",
                                            "Отандық байқаушылар қатысады ма?")),
            yn("international_observers", "B4", t(
                "Other international observers present?",
                "Присутствуют другие международные наблюдатели?",
                "Басқа халықаралық байқаушылар қатысады ма?")),
            {"name": "observer_organisations", "code": "B5", "type": TEXT,
             "relevant": "${citizen_observers} = 'yes' or ${international_observers} = 'yes'",
             "label": t("Which organisations?", "Какие организации?", "Қандай ұйымдар?")},
            yn("unauthorised_present", "B6", t(
                "Unauthorised persons present (police, local officials)?",
                "Присутствуют посторонние лица (полиция, местные чиновники)?",
                "Бөгде адамдар (полиция, жергілікті шенеуніктер) бар ма?"), required=True),
            {"name": "unauthorised_who", "code": "B7", "type": SELECT_MULTIPLE,
             "relevant": "${unauthorised_present} = 'yes'",
             "label": t("Who?", "Кто?", "Кімдер?"),
             "choices": [
                 {"name": "police", "sms": "1", "label": t("Police", "Полиция", "Полиция")},
                 {"name": "officials", "sms": "2", "label": t("Local officials", "Местные чиновники",
                                                              "Жергілікті шенеуніктер")},
                 {"name": "other", "sms": "3", "label": t("Other", "Другие", "Басқалар")},
             ]},
        ]),
        group("procedures", t("Opening procedures", "Процедуры открытия", "Ашылу рәсімдері"), [
            yn("boxes_shown_empty", "C1", t("Ballot boxes shown empty to those present?",
                                            "Урны показаны пустыми присутствующим?",
                                            "Жәшіктер қатысушыларға бос күйінде көрсетілді ме?"),
               required=True),
            yn("boxes_sealed", "C2", t("Ballot boxes sealed in front of those present?",
                                       "Урны опечатаны в присутствии всех?",
                                       "Жәшіктер қатысушылардың көзінше мөрленді ме?"), required=True),
            yn("ballots_counted", "C3", t("Ballots received counted and recorded before opening?",
                                          "Полученные бюллетени пересчитаны и записаны до открытия?",
                                          "Алынған бюллетеньдер ашылғанға дейін саналып, жазылды ма?")),
            integer("ballots_received", "C4", t("Number of ballots received",
                                                "Число полученных бюллетеней",
                                                "Алынған бюллетеньдер саны"),
                    relevant="${ballots_counted} = 'yes'"),
            yn("materials_present", "C5", t("Voter list, stamps, booths and other materials present?",
                                            "Список избирателей, печати, кабины и другие материалы на месте?",
                                            "Сайлаушылар тізімі, мөрлер, кабиналар және басқа материалдар бар ма?")),
            yn("layout_secrecy", "C6", t("Does the layout protect the secrecy of the vote?",
                                         "Обеспечивает ли планировка тайну голосования?",
                                         "Орналасу дауыс берудің құпиялығын қамтамасыз ете ме?")),
            yn("observers_can_see", "C7", t("Could observers see every step?",
                                            "Могли ли наблюдатели видеть каждый шаг?",
                                            "Байқаушылар әр қадамды көре алды ма?"), required=True),
        ]),
        group("overall", t("Overall", "Итог", "Қорытынды"), [
            assessment("D1", t("Overall assessment of the opening", "Общая оценка открытия",
                               "Ашылуды жалпы бағалау")),
            comments(),
        ]),
    ]


# --- voting -----------------------------------------------------------------------------------


def voting() -> list[dict[str, Any]]:
    return [
        station(),
        group("visit", t("Visit", "Посещение", "Бару"), [
            time("arrived_at", "A1", t("Time you arrived", "Время прибытия", "Келген уақыт"),
                 required=True),
            time("departed_at", "A2", t("Time you left", "Время ухода", "Кеткен уақыт"),
                 constraint=". >= ${arrived_at}",
                 constraint_message=t("The time you left must not be before the time you arrived",
                                      "Время ухода не может быть раньше времени прибытия",
                                      "Кеткен уақыт келген уақыттан ерте болмауы керек")),
            yn("queues", "A3", t("Queues or overcrowding?", "Очереди или переполненность?",
                                 "Кезек немесе адам толып кетуі бар ма?")),
            yn("disabled_access", "A4", t("Accessible for voters with disabilities?",
                                          "Доступен для избирателей с инвалидностью?",
                                          "Мүмкіндігі шектеулі сайлаушыларға қолжетімді ме?")),
        ]),
        group("secrecy_boxes", t("Secrecy and ballot boxes", "Тайна голосования и урны",
                           "Дауыс беру құпиялығы және жәшіктер"), [
            yn("secrecy", "B1", t("Do the layout and booths protect the secrecy of the vote?",
                                  "Обеспечивают ли планировка и кабины тайну голосования?",
                                  "Орналасу мен кабиналар дауыс беру құпиялығын қамтамасыз ете ме?"),
               required=True),
            yn("boxes_sealed", "B2", t("Ballot boxes sealed and in view?", "Урны опечатаны и на виду?",
                                       "Жәшіктер мөрленген және көз алдында ма?"), required=True),
        ]),
        group("identification", t("Voter identification", "Идентификация избирателей",
                                  "Сайлаушыларды сәйкестендіру"), [
            yn("id_checked", "C1", t("Voters' identity checked against the list?",
                                     "Личность избирателей сверяется со списком?",
                                     "Сайлаушылардың жеке басы тізіммен салыстырылады ма?"),
               required=True),
            yn("voters_sign", "C2", t("Voters sign the list?", "Избиратели расписываются в списке?",
                                      "Сайлаушылар тізімге қол қояды ма?")),
            yn("voting_without_id", "C3", t("Voting without identification seen?",
                                            "Замечено голосование без документов?",
                                            "Құжатсыз дауыс беру байқалды ма?")),
        ]),
        group("irregularities", t("Irregularities seen", "Замеченные нарушения", "Байқалған бұзушылықтар"), [
            yn("multiple_voting", "D1", t("Multiple voting?", "Многократное голосование?",
                                          "Бірнеше рет дауыс беру?")),
            yn("family_voting", "D2", t("Group or family voting?", "Групповое или семейное голосование?",
                                        "Топтық немесе отбасылық дауыс беру?")),
            yn("proxy_voting", "D3", t("Proxy voting?", "Голосование за других?",
                                       "Басқалардың атынан дауыс беру?")),
            yn("identical_signatures", "D4", t("Series of identical signatures in the list?",
                                               "Серии одинаковых подписей в списке?",
                                               "Тізімде бірдей қолтаңбалар тізбегі?")),
            yn("stuffing", "D5", t("Ballot box stuffing seen?", "Замечен вброс бюллетеней?",
                                   "Бюллетеньдерді жәшікке заңсыз салу байқалды ма?"), required=True),
            yn("pressure", "D6", t("Pressure on voters?", "Давление на избирателей?",
                                   "Сайлаушыларға қысым?")),
            yn("vote_buying", "D7", t("Vote buying?", "Подкуп избирателей?", "Дауыс сатып алу?")),
            yn("campaign_material", "D8", t("Campaign material inside or near the station?",
                                            "Агитационные материалы внутри или возле участка?",
                                            "Учаскенің ішінде немесе жанында үгіт материалдары?")),
            yn("unauthorised_directing", "D9", t("Unauthorised persons directing the process?",
                                                 "Посторонние лица руководят процессом?",
                                                 "Бөгде адамдар процесті басқарады ма?")),
            yn("observers_restricted", "D10", t("Observers restricted?", "Ограничения для наблюдателей?",
                                                "Байқаушыларға шектеу қойылды ма?"), required=True),
        ]),
        group("figures", t("Mobile voting and turnout", "Выездное голосование и явка",
                           "Көшпелі дауыс беру және келу"), [
            yn("mobile_voting", "E1", t("Mobile (home) voting taking place?",
                                        "Проводится голосование на дому (выездное)?",
                                        "Үйде (көшпелі) дауыс беру өткізілуде ме?")),
            integer("voters_on_list", "E2", t("Voters on the list", "Избирателей в списке",
                                              "Тізімдегі сайлаушылар")),
            integer("voted_so_far", "E3", t("Voters who have voted so far",
                                            "Проголосовало на момент посещения",
                                            "Бару кезіне дейін дауыс бергендер"),
                    constraint="${voters_on_list} = '' or . <= ${voters_on_list}",
                    constraint_message=t("More voters have voted than are on the list",
                                         "Проголосовавших больше, чем избирателей в списке",
                                         "Дауыс бергендер тізімдегі сайлаушылардан көп")),
            yn("complaints", "E4", t("Complaints received?", "Поступали жалобы?", "Шағымдар түсті ме?")),
            integer("complaints_count", "E5", t("How many complaints?", "Сколько жалоб?",
                                                "Қанша шағым?"), maximum=1000,
                    relevant="${complaints} = 'yes'"),
        ]),
        group("overall", t("Overall", "Итог", "Қорытынды"), [
            assessment("F1", t("Overall assessment of the voting", "Общая оценка голосования",
                               "Дауыс беруді жалпы бағалау")),
            comments(),
        ]),
    ]


# --- closing and counting ---------------------------------------------------------------------


def closing() -> list[dict[str, Any]]:
    return [
        station(),
        group("closing", t("Closing", "Закрытие", "Жабылу"), [
            time("arrived_at", "A1", t("Time you arrived", "Время прибытия", "Келген уақыт"),
                 required=True),
            yn("closed_on_time", "A2", t("Did the station close on time?", "Участок закрылся вовремя?",
                                         "Учаске уақытында жабылды ма?"), required=True),
            yn("queue_allowed", "A3", t("Voters queuing at closing allowed to vote?",
                                        "Избирателям в очереди при закрытии дали проголосовать?",
                                        "Жабылу кезінде кезекте тұрғандарға дауыс беруге рұқсат етілді ме?")),
        ]),
        group("before_count", t("Before opening the boxes", "До вскрытия урн", "Жәшіктерді ашқанға дейін"), [
            yn("unused_cancelled", "B1", t("Unused ballots counted and cancelled before opening the boxes?",
                                           "Неиспользованные бюллетени подсчитаны и погашены до вскрытия урн?",
                                           "Пайдаланылмаған бюллетеньдер жәшіктерді ашқанға дейін саналып, жойылды ма?"),
               required=True),
            yn("signatures_counted", "B2", t("Signatures in the voter list counted?",
                                             "Подписи в списке избирателей подсчитаны?",
                                             "Сайлаушылар тізіміндегі қолтаңбалар саналды ма?")),
            yn("seals_intact", "B3", t("Seals intact?", "Пломбы целы?", "Мөрлер бүтін бе?"), required=True),
            yn("mobile_first", "B4", t("Mobile box counted first?", "Переносная урна вскрыта первой?",
                                       "Көшпелі жәшік бірінші ашылды ма?")),
        ]),
        group("counting", t("Counting", "Подсчёт", "Санау"), [
            yn("one_by_one", "C1", t("Ballots sorted and counted one by one?",
                                     "Бюллетени сортировались и считались по одному?",
                                     "Бюллетеньдер бір-бірлеп сұрыпталып, саналды ма?"), required=True),
            yn("validity_consistent", "C2", t("Validity of ballots decided consistently?",
                                              "Действительность бюллетеней определялась единообразно?",
                                              "Бюллетеньдердің жарамдылығы бірдей анықталды ма?")),
            yn("announced_aloud", "C3", t("Each ballot's vote announced aloud?",
                                          "Каждый бюллетень оглашался вслух?",
                                          "Әр бюллетень дауыстап жарияланды ма?")),
            yn("figures_unchanged", "C4", t("Figures entered in the protocol without being changed?",
                                            "Цифры внесены в протокол без исправлений?",
                                            "Сандар хаттамаға өзгеріссіз енгізілді ме?")),
            yn("protocol_reconciles", "C5", t("Does the protocol reconcile?", "Сходится ли протокол?",
                                              "Хаттама сәйкес келе ме?"), required=True),
            yn("pen_not_presigned", "C6", t("Protocol filled in pen and not pre-signed?",
                                            "Протокол заполнен ручкой и не подписан заранее?",
                                            "Хаттама қаламмен толтырылып, алдын ала қол қойылмады ма?")),
        ]),
        group("transparency", t("Transparency", "Прозрачность", "Ашықтық"), [
            yn("copies_given", "D1", t("Copies of the protocol given to observers and party agents?",
                                       "Копии протокола выданы наблюдателям и представителям партий?",
                                       "Хаттама көшірмелері байқаушылар мен партия өкілдеріне берілді ме?"),
               required=True),
            yn("protocol_posted", "D2", t("Protocol posted publicly?", "Протокол вывешен для всех?",
                                          "Хаттама көпшілікке ілінді ме?"), required=True),
            yn("observers_can_see", "D3", t("Could observers see the count?",
                                             "Могли ли наблюдатели видеть подсчёт?",
                                             "Байқаушылар санауды көре алды ма?"), required=True),
            yn("interference", "D4", t("Interference in the count?", "Вмешательство в подсчёт?",
                                       "Санауға араласу болды ма?")),
            time("departed_at", "D5", t("Time you left", "Время ухода", "Кеткен уақыт")),
        ]),
        group("overall", t("Overall", "Итог", "Қорытынды"), [
            assessment("E1", t("Overall assessment of closing and counting",
                               "Общая оценка закрытия и подсчёта",
                               "Жабылу мен санауды жалпы бағалау")),
            comments(),
        ]),
    ]


# --- incident ---------------------------------------------------------------------------------

CATEGORY_LABELS = {
    "voting": t("Voting issues", "Нарушения при голосовании", "Дауыс беру кезіндегі бұзушылықтар"),
    "administration": t("Station administration", "Работа участковой комиссии",
                        "Учаскелік комиссияның жұмысы"),
    "staffing": t("Staffing", "Состав комиссии", "Комиссия құрамы"),
    "rallies": t("Political rallies", "Политические митинги", "Саяси митингтер"),
    "counting": t("Counting and results", "Подсчёт и итоги", "Санау және қорытындылар"),
    "security": t("Security", "Безопасность", "Қауіпсіздік"),
    "positive": t("Positive events", "Положительные события", "Оң оқиғалар"),
}

#: As ``Incident.Severity`` in pollwatch.submissions.
SEVERITY_CHOICES = [
    {"name": "critical", "sms": "1", "label": t("Critical", "Критический", "Аса маңызды")},
    {"name": "serious", "sms": "2", "label": t("Serious", "Серьёзный", "Елеулі")},
    {"name": "minor", "sms": "3", "label": t("Minor", "Незначительный", "Елеусіз")},
]


def incident(categories: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
    choices = []
    for number, category in enumerate(categories, start=1):
        code = str(category["code"])
        label = dict(CATEGORY_LABELS.get(code) or {"en": str(category.get("label") or code)})
        choices.append({"name": code, "sms": str(number), "label": label})
    return [
        station(required=False),
        {"name": "category", "code": "A1", "type": SELECT_ONE, "required": True, "choices": choices,
         "label": t("Category", "Категория", "Санат")},
        {"name": "severity", "code": "A2", "type": SELECT_ONE, "required": True,
         "choices": SEVERITY_CHOICES, "label": t("Severity", "Серьёзность", "Маңыздылығы")},
        time("occurred_at", "A3", t("Time it happened", "Время происшествия", "Оқиға болған уақыт")),
        {"name": "place", "code": "A4", "type": TEXT, "relevant": "${station} = ''",
         "label": t("Where (when not at a polling station)", "Где (если не на участке)",
                    "Қай жерде (учаскеде болмаса)")},
        yn("ongoing", "A5", t("Still going on?", "Продолжается?", "Әлі жалғасуда ма?")),
        {"name": "description", "code": COMMENT_CODE, "type": TEXT, "required": True,
         "appearance": "multiline",
         "label": t("What did you see?", "Что вы видели?", "Не көрдіңіз?")},
        {"name": "evidence", "type": PHOTO, "label": t("Photo", "Фото", "Фото")},
        {"name": "location", "code": "A6", "type": GEOPOINT,
         "label": t("Location", "Местоположение", "Орналасқан жері")},
    ]


# --- result protocol --------------------------------------------------------------------------

FIGURE_QUESTIONS = [
    ("registered", "A1", t("Voters on the list (with those added on the day)",
                           "Число избирателей в списке (с дополнительно включёнными)",
                           "Тізімдегі сайлаушылар саны (қосымша енгізілгендермен)")),
    ("received", "A2", t("Ballots received by the station", "Получено бюллетеней",
                         "Алынған бюллетеньдер")),
    ("issued", "A3", t("Ballots issued at the polling station", "Выдано бюллетеней на участке",
                       "Учаскеде берілген бюллетеньдер")),
    ("issued_mobile", "A4", t("Ballots issued for the mobile (home) box",
                              "Выдано бюллетеней для голосования вне помещения",
                              "Үй-жайдан тыс дауыс беруге берілген бюллетеньдер")),
    ("cancelled", "A5", t("Unused ballots cancelled", "Погашено неиспользованных бюллетеней",
                          "Жойылған пайдаланылмаған бюллетеньдер")),
    ("ballots", "A6", t("Ballots found in the boxes", "Бюллетеней в урнах",
                        "Жәшіктердегі бюллетеньдер")),
    ("invalid", "A7", t("Invalid ballots", "Недействительных бюллетеней", "Жарамсыз бюллетеньдер")),
    ("valid", "A8", t("Valid ballots", "Действительных бюллетеней", "Жарамды бюллетеньдер")),
]


def _choice_label(choice) -> dict[str, str]:
    number = f"{choice.ballot_number}. " if choice.ballot_number else ""
    return {lang: number + choice.name_in(lang) for lang in ("en", "ru", "kk")}


def _question_name(code: str, taken: set[str]) -> str:
    base = "v_" + (re.sub(r"[^A-Za-z0-9_]+", "_", code).strip("_").lower() or "choice")
    name, suffix = base, 1
    while name in taken:
        suffix += 1
        name = f"{base}_{suffix}"
    taken.add(name)
    return name


def _sms_token(code: str, taken: set[str]) -> str:
    base = (re.sub(r"[^A-Za-z0-9]+", "", code).upper() or "C")[:14]
    token, suffix = base, 1
    while token in taken or token.isdigit():
        suffix += 1
        token = f"{base[:13]}{suffix}" if not base.isdigit() else f"C{base[:12]}{suffix}"
    taken.add(token)
    return token


_TERM = re.compile(r'sum\(\s*choices\s*\)|"[^"]+"|[A-Za-z_][A-Za-z0-9_\-]*')


def _xpath_side(text: str, vote_terms: Mapping[str, str], all_votes: str) -> tuple[str, set[str]] | None:
    """An equation side in XLSForm terms, and the figure questions it needs; None when it
    uses something the form does not ask."""
    needed: set[str] = set()
    missing = False

    def term(match: re.Match) -> str:
        nonlocal missing
        word = match.group(0).strip('"')
        if word.startswith("sum("):
            if not all_votes:
                missing = True
            return f"({all_votes})"
        if word == "issued":
            needed.add("issued")
            return "(${issued} + coalesce(${issued_mobile}, 0))"
        if word in {name for name, _, _ in FIGURE_QUESTIONS}:
            needed.add(word)
            return "${" + word + "}"
        if word in vote_terms:
            return vote_terms[word]
        missing = True
        return word

    converted = _TERM.sub(term, text)
    return None if missing else (converted, needed)


def equation_notes(equations: Sequence[Mapping[str, str]], vote_terms: Mapping[str, str],
                   all_votes: str) -> list[dict[str, Any]]:
    """A warning note per control equation, shown on the phone when the figures break it."""
    failing = {"==": "!=", "<=": ">", ">=": "<"}
    notes = []
    for number, equation in enumerate(equations, start=1):
        lhs = _xpath_side(str(equation.get("lhs", "")), vote_terms, all_votes)
        rhs = _xpath_side(str(equation.get("rhs", "")), vote_terms, all_votes)
        op = failing.get(str(equation.get("op", "")))
        if lhs is None or rhs is None or op is None:
            continue
        answered = " and ".join(f"${{{name}}} != ''" for name in sorted(lhs[1] | rhs[1]))
        condition = f"{lhs[0]} {op} {rhs[0]}"
        text = f"{equation.get('lhs')} {equation.get('op')} {equation.get('rhs')}"
        notes.append({
            "name": f"check_{number}", "type": NOTE,
            "relevant": f"{answered} and {condition}" if answered else condition,
            "label": t(f"Check the figures: {text} does not hold",
                       f"Проверьте цифры: не выполняется {text}",
                       f"Сандарды тексеріңіз: {text} орындалмайды"),
        })
    return notes


def protocol(contest: Contest, equations: Sequence[Mapping[str, str]]) -> tuple[list[dict], dict]:
    """The definition of a contest's result protocol form, and its layout (version settings)."""
    choices = list(contest.choices.select_related("district").order_by("district__code",
                                                                          "ballot_number", "code"))
    figures = [integer(name, code, label, required=True) for name, code, label in FIGURE_QUESTIONS]
    figures[3]["required"] = False  # not every station has a mobile box
    layout: dict[str, Any] = {
        "contest_id": contest.pk, "contest": contest.code, "has_districts": contest.has_districts,
        "figures": {name: name for name, _, _ in FIGURE_QUESTIONS}, "votes": {},
        "ballot_numbers": {c.code: c.ballot_number for c in choices},
        "equations": [dict(e) for e in equations],
    }
    definition: list[dict[str, Any]] = [
        station(),
        group("figures", t("Protocol figures", "Данные протокола", "Хаттама деректері"), figures),
    ]
    if contest.has_districts or len(choices) > MAX_CHOICE_QUESTIONS:
        taken: set[str] = set()
        rows = [{"name": c.code, "label": _choice_label(c), "sms": _sms_token(c.code, taken),
                 "filter": {"district": c.district.code if c.district_id else ""}} for c in choices]
        choice_question = {"name": "choice", "code": "", "type": SELECT_ONE, "required": True,
                           "list_name": "choice", "choices": rows,
                           "label": t("Choice (party or candidate)", "Партия или кандидат",
                                      "Партия немесе кандидат")}
        if contest.has_districts:
            choice_question["choice_filter"] = (
                f"district = instance('stations')/root/item[name = ${{station}}]/district_{contest.code}")
        definition.append({
            "name": "votes", "code": "V", "type": REPEAT,
            "label": t("Votes for each choice", "Голоса за каждую позицию", "Әр позицияға берілген дауыстар"),
            "children": [choice_question,
                         integer("count", "", t("Votes", "Голоса", "Дауыстар"), required=True)],
        })
        layout.update(repeat="votes", choice_field="choice", count_field="count")
        vote_terms: dict[str, str] = {}
        all_votes = "sum(${count})"
    else:
        taken_names: set[str] = set()
        numbers = [c.ballot_number for c in choices]
        use_numbers = all(numbers) and len(set(numbers)) == len(numbers)
        questions = []
        vote_terms = {}
        for index, choice in enumerate(choices, start=1):
            name = _question_name(choice.code, taken_names)
            code = f"V{choice.ballot_number if use_numbers else index}"
            questions.append(integer(name, code, _choice_label(choice), required=True))
            layout["votes"][name] = choice.code
            vote_terms[choice.code] = f"coalesce(${{{name}}}, 0)"
        all_votes = " + ".join(vote_terms.values())
        definition.append(group("votes", t("Votes for each choice", "Голоса за каждую позицию",
                                           "Әр позицияға берілген дауыстар"), questions))
    definition.append(group("checks", t("Checks", "Проверки", "Тексерулер"),
                            equation_notes(equations, vote_terms, all_votes)))
    definition.append(comments())
    return definition, layout


def standard_forms(mission: Mission) -> list[dict[str, Any]]:
    """The station and incident templates: code, kind, phase, SMS keyword, names, definition."""
    return [
        {"template": "opening", "code": "opening", "kind": "opening", "phase": "opening",
         "sms_keyword": "OP", "name": t("Opening", "Открытие", "Ашылу"), "definition": opening()},
        {"template": "voting", "code": "voting", "kind": "voting", "phase": "voting",
         "sms_keyword": "VT", "name": t("Voting", "Голосование", "Дауыс беру"), "definition": voting()},
        {"template": "closing", "code": "closing", "kind": "closing", "phase": "closing",
         "sms_keyword": "CL", "name": t("Closing and counting", "Закрытие и подсчёт голосов",
                                        "Жабылу және дауыстарды санау"), "definition": closing()},
        {"template": "incident", "code": "incident", "kind": "incident", "phase": "",
         "sms_keyword": "IN", "name": t("Incident", "Инцидент", "Оқиға"),
         "definition": incident(mission.incident_categories or [])},
    ]


def keep_languages(definition: Sequence[Mapping[str, Any]], languages: Sequence[str]) -> list[dict]:
    """The definition with labels, hints and messages only in ``languages``."""
    keep = set(languages)

    def texts(value: Mapping[str, str] | None) -> dict[str, str]:
        kept = {k: v for k, v in (value or {}).items() if k in keep}
        return kept or dict(value or {})

    out = []
    for item in definition:
        copy = dict(item)
        for key in ("label", "hint", "constraint_message"):
            if key in copy:
                copy[key] = texts(copy[key])
        if copy.get("choices"):
            copy["choices"] = [{**c, "label": texts(c.get("label"))} for c in copy["choices"]]
        if copy.get("children"):
            copy["children"] = keep_languages(copy["children"], languages)
        out.append(copy)
    return out
