"""The demo's findings and draft statement (a step of the build, after the election day).

Two approved findings with their evidence, and a draft statement of the IPA group in the
mission's languages, built from the template with the figures of the demo's forms and a
finding placed in it: a new user signs in as the coordinator, opens it, edits it and publishes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pollwatch.accounts.models import User
from pollwatch.checklists.models import Form
from pollwatch.missions.models import Group, Mission
from pollwatch.statements import services
from pollwatch.statements.models import Finding
from pollwatch.statements.template import NEGATIVE, assessment_question

from .context import Demo

SUMMARY = {
    "en": ("Voting was calm and orderly in most of the polling stations observed; it was assessed "
           "negatively in {voting}. The count was assessed far more critically: negatively in "
           "{counting}, mostly because procedures were not followed.\n\n"
           "- The mission observed the opening, voting, counting and tabulation.\n"
           "- Its figures are shares of observations; each gives its base."),
    "ru": ("Голосование на большинстве участков, где велось наблюдение, прошло спокойно и "
           "упорядоченно; оно оценено отрицательно в {voting}. Подсчёт голосов оценён гораздо "
           "критичнее: отрицательно в {counting}, в основном из-за несоблюдения процедур."),
    "kk": ("Бақыланған учаскелердің көбінде дауыс беру тыныш әрі ретімен өтті; ол теріс "
           "бағаланды: {voting}. Дауыстарды санау әлдеқайда сынмен бағаланды, теріс бағалар: "
           "{counting}, негізінен рәсімдер сақталмағандықтан."),
}
BACKGROUND = {
    "en": ("Early elections to the Majilis and the maslikhats were held on 19 March 2023 under a mixed "
           "system: 69 of the 98 Majilis seats by nationwide party lists (5 per cent threshold, Hare "
           "quota) and 29 in single-member districts."),
    "ru": ("Внеочередные выборы депутатов Мажилиса и маслихатов состоялись 19 марта 2023 года по "
           "смешанной системе: 69 из 98 мест в Мажилисе по партийным спискам (барьер 5 %) и 29 по "
           "одномандатным округам."),
    "kk": ("Мәжіліс пен мәслихаттар депутаттарының кезектен тыс сайлауы 2023 жылғы 19 наурызда аралас "
           "жүйе бойынша өтті: Мәжілістің 98 орнының 69-ы партиялық тізімдер бойынша, 29-ы бір мандатты "
           "округтер бойынша."),
}


#: The counting finding in the mission's other languages, as its analysts wrote them (the
#: television finding is left to translate, so the demo shows a finding that needs it).
COUNTING_FINDING = {
    "ru": ("Процедуры подсчёта голосов часто не соблюдались",
           "Подсчёт голосов был оценён отрицательно в {counting}. Чаще всего наблюдатели сообщали, что "
           "неиспользованные бюллетени не погашались до вскрытия ящиков."),
    "kk": ("Дауыс санау рәсімдері жиі сақталмады",
           "Дауыстарды санау теріс бағаланды: {counting}. Байқаушылар көбінесе жәшіктер ашылмай тұрып "
           "пайдаланылмаған бюллетеньдердің жойылмағанын хабарлады."),
}


def _figure(mission: Mission, code: str) -> str:
    form = Form.objects.filter(mission=mission, code=code).first()
    question = assessment_question(form) if form else None
    if question is None:
        return "…"
    return f'{{{{ share form="{code}" question="{question}" values="{",".join(NEGATIVE)}" }}}}'


def _approved_finding(mission: Mission, author: User, reviewer: User, group: Group,
                      **fields: Any) -> Finding:
    finding = services.create_finding(mission, author, group=group, **fields)
    services.submit_finding(finding, author)
    services.review_finding(finding, reviewer, accept=True, note="Checked against the reports.")
    return services.approve_finding(finding, reviewer)


def draft_statement(demo: Demo) -> None:
    """Two approved findings and the IPA group's draft statement, one finding placed in it."""
    mission = demo.mission
    analyst = User.objects.get(username="analyst")
    coordinator = User.objects.get(username="coordinator")
    ipa = mission.groups.get(code="ipa")
    counting = _figure(mission, "closing")
    finding = _approved_finding(
        mission, analyst, coordinator, ipa, title="Counting procedures were often not followed",
        text=(f"Counting was assessed negatively in {counting}. Observers most often reported that "
              "unused ballots were not cancelled before the boxes were opened."),
        phase="closing", standards=["secrecy", "cis"])
    for language, (title, text) in COUNTING_FINDING.items():
        services.translate_finding(finding, analyst, language, title=title,
                                   text=text.format(counting=counting))
    meeting = mission.meetings.order_by("date").first()
    if meeting is not None:
        services.add_evidence(finding, analyst, meeting=meeting, note="CEC briefing on the count")
    services.add_evidence(finding, analyst,
                          reference=f"/m/{mission.code}/results/majilis-list/discrepancies/",
                          note="observed protocols against the official figures")
    _approved_finding(
        mission, analyst, coordinator, ipa, title="Unequal access to regional television",
        text="Two parties met by the mission reported unequal access to regional television.",
        phase="pre_election", standards=["media", "campaign"])
    statement = services.create_statement(mission, analyst, group=ipa, slug="preliminary-statement",
                                          dated=dt.date(2023, 3, 20))   # the day after the vote
    voting = _figure(mission, "voting")
    for language in statement.languages:
        services.save_statement_text(
            statement, analyst, language, title=statement.texts[language]["title"],
            sections={"summary": SUMMARY.get(language, SUMMARY["en"]).format(voting=voting,
                                                                             counting=counting),
                      "background": BACKGROUND.get(language, BACKGROUND["en"])})
    services.place_finding(statement, finding, analyst)
    demo.notes.append(f"Draft statement: sign in as coordinator and open /m/{mission.code}/statements/"
                      f"{statement.slug}/ to edit and publish it; findings at "
                      f"/m/{mission.code}/statements/findings/")
