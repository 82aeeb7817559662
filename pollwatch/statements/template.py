"""The statement template: the sections of methodology.md section 3, in English, Russian and
Kazakh, and the starter text a new statement gets.

Headings are kept here rather than in gettext catalogues because a statement is written in
each of the mission's languages at once, whatever language the editor's pages are in.
"""

from __future__ import annotations

from dataclasses import dataclass

from pollwatch.checklists.models import Form, Question
from pollwatch.checklists.schema import STATION_QUESTION
from pollwatch.missions.models import Mission


@dataclass(frozen=True)
class Section:
    key: str
    level: int  # 2: a section; 3: a part of "election day"
    headings: dict[str, str]

    def heading(self, language: str) -> str:
        return self.headings.get(language) or self.headings["en"]


SECTIONS = [
    Section("summary", 2, {"en": "Summary", "ru": "Резюме", "kk": "Түйіндеме"}),
    Section("background", 2, {"en": "Background", "ru": "Общие сведения", "kk": "Жалпы мәліметтер"}),
    Section("legal_framework", 2, {"en": "Legal framework", "ru": "Правовая база", "kk": "Құқықтық негіз"}),
    Section("election_administration", 2, {"en": "Election administration", "ru": "Организация выборов",
                                           "kk": "Сайлауды ұйымдастыру"}),
    Section("registration", 2, {"en": "Voter and candidate registration",
                                "ru": "Регистрация избирателей и кандидатов",
                                "kk": "Сайлаушылар мен кандидаттарды тіркеу"}),
    Section("campaign", 2, {"en": "The campaign and its finance",
                            "ru": "Предвыборная агитация и её финансирование",
                            "kk": "Сайлауалды үгіт және оны қаржыландыру"}),
    Section("media", 2, {"en": "Media", "ru": "Средства массовой информации",
                         "kk": "Бұқаралық ақпарат құралдары"}),
    Section("complaints", 2, {"en": "Complaints and appeals", "ru": "Жалобы и апелляции",
                              "kk": "Шағымдар мен апелляциялар"}),
    Section("observers", 2, {"en": "Observers", "ru": "Наблюдатели", "kk": "Байқаушылар"}),
    Section("election_day", 2, {"en": "Election day", "ru": "День голосования", "kk": "Сайлау күні"}),
    Section("opening", 3, {"en": "Opening", "ru": "Открытие избирательных участков",
                           "kk": "Учаскелердің ашылуы"}),
    Section("voting", 3, {"en": "Voting", "ru": "Голосование", "kk": "Дауыс беру"}),
    Section("counting", 3, {"en": "Counting", "ru": "Подсчёт голосов", "kk": "Дауыстарды санау"}),
    Section("tabulation", 3, {"en": "Tabulation", "ru": "Сведение результатов",
                              "kk": "Нәтижелерді жинақтау"}),
    Section("acknowledgements", 2, {"en": "Acknowledgements", "ru": "Благодарности", "kk": "Алғыс"}),
]
SECTION_KEYS = [s.key for s in SECTIONS]
BY_KEY = {s.key: s for s in SECTIONS}

#: Where a finding goes by default, by its phase.
SECTION_OF_PHASE = {"pre_election": "election_administration", "opening": "opening", "voting": "voting",
                    "closing": "counting", "tabulation": "tabulation", "post_election": "complaints"}

TITLES = {
    "en": "Statement of preliminary findings and conclusions",
    "ru": "Заявление о предварительных выводах и заключениях",
    "kk": "Алдын ала тұжырымдар мен қорытындылар туралы мәлімдеме",
}

#: Starter sentences for the election-day parts: {form code: (section, {language: text})}.
#: ``{figure}`` becomes a share placeholder for the form's overall assessment.
ELECTION_DAY = {
    "opening": ("opening", {
        "en": "Observers followed the opening at {stations} polling stations. The opening was assessed "
              "negatively in {figure}.",
        "ru": "Наблюдатели следили за открытием {stations} избирательных участков. Открытие было оценено "
              "отрицательно в {figure}.",
        "kk": "Байқаушылар {stations} сайлау учаскесінің ашылуын бақылады. Ашылу теріс бағаланды: {figure}.",
    }),
    "voting": ("voting", {
        "en": "The voting process was assessed negatively in {figure}.",
        "ru": "Процесс голосования был оценён отрицательно в {figure}.",
        "kk": "Дауыс беру үдерісі теріс бағаланды: {figure}.",
    }),
    "closing": ("counting", {
        "en": "The counting was assessed negatively in {figure}.",
        "ru": "Подсчёт голосов был оценён отрицательно в {figure}.",
        "kk": "Дауыстарды санау теріс бағаланды: {figure}.",
    }),
}
NEGATIVE = ("bad", "very_bad")


def assessment_question(form: Form) -> str | None:
    """The name of the form's overall assessment: a select-one question offering bad and
    very bad (the newest version that has one)."""
    for question in (Question.objects.filter(version__form=form, type="select_one")
                     .order_by("-version__number", "-position")):
        names = {str(c.get("name")) for c in question.choices or []}
        if set(NEGATIVE) <= names:
            return question.name
    return None


def share_placeholder(form: str, question: str, values: tuple[str, ...] = NEGATIVE) -> str:
    return f'{{{{ share form="{form}" question="{question}" values="{",".join(values)}" }}}}'


def figure_example(mission: Mission) -> str:
    """A share figure naming a form and question the mission really has, for the hints on the
    authoring pages: the first election-day form's overall assessment, else the first choice
    question of any form, else the syntax with the names to fill in."""
    forms = {f.code: f for f in Form.objects.filter(mission=mission)}
    for code in ELECTION_DAY:
        question = assessment_question(forms[code]) if code in forms else None
        if question:
            return share_placeholder(code, question)
    choice = (Question.objects.filter(version__form__mission=mission, type="select_one")
              .exclude(name=STATION_QUESTION).exclude(choices=[])
              .select_related("version__form").order_by("version__form__code", "position").first())
    if choice is not None:
        return share_placeholder(choice.version.form.code, choice.name,
                                 (str(choice.choices[0].get("name")),))
    return '{{ share form="…" question="…" values="…" }}'


def starter_texts(mission: Mission, languages: list[str]) -> dict[str, dict]:
    """Texts for a new statement: the title, empty sections, and for each election-day form
    of the mission with an overall assessment, a sentence with its figure."""
    sections: dict[str, dict[str, str]] = {lang: dict.fromkeys(SECTION_KEYS, "") for lang in languages}
    forms = {f.code: f for f in Form.objects.filter(mission=mission, code__in=list(ELECTION_DAY))}
    for code, (section, sentences) in ELECTION_DAY.items():
        form = forms.get(code)
        question = assessment_question(form) if form else None
        if question is None:
            continue
        figure = share_placeholder(code, question)
        stations = f'{{{{ stations form="{code}" }}}}'
        for lang in languages:
            sentence = sentences.get(lang) or sentences["en"]
            sections[lang][section] = sentence.format(figure=figure, stations=stations)
    return {lang: {"title": TITLES.get(lang, TITLES["en"]), "sections": sections[lang]} for lang in languages}
