"""The demo's observation mission: the CIS mission with its two groups, 69 observers in 34
teams deployed by ``pollwatch plan``'s draw, a sign-in for each role and the meetings held
before election day. Observers come in through the roster import a coordinator uploads.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import phonenumbers

from pollwatch.accounts.models import Role, User
from pollwatch.accounts.services import create_user, grant_role
from pollwatch.elections.models import Election
from pollwatch.missions import services as mission_services
from pollwatch.missions.models import Group, Meeting, Mission, Observer
from pollwatch.missions.planning import apply_deployment, draw_deployment

from . import kazakhstan as kz
from .context import ACTOR, SEED, Demo, csv_bytes

DEMO_PASSWORD = "pollwatch-demo"


#: The mission's letterhead, printed at the top of its statements' PDFs.
LETTERHEAD = {
    "en": "Inter-Parliamentary Assembly of the Commonwealth of Independent States\n"
          "International Observer Mission\n"
          "Early elections of the Majilis and maslikhats of the Republic of Kazakhstan, 19 March 2023",
    "ru": "Межпарламентская Ассамблея государств — участников Содружества Независимых Государств\n"
          "Миссия международных наблюдателей\n"
          "Внеочередные выборы депутатов Мажилиса и маслихатов Республики Казахстан, 19 марта 2023 года",
    "kk": "Тәуелсіз Мемлекеттер Достастығына қатысушы мемлекеттердің Парламентаралық Ассамблеясы\n"
          "Халықаралық байқаушылар миссиясы\n"
          "Қазақстан Республикасы Мәжілісі мен мәслихаттары депутаттарының кезектен тыс сайлауы, "
          "2023 жылғы 19 наурыз",
}


def build_mission(election: Election) -> Mission:
    """The mission, its groups and observers, and the teams' assignments."""
    mission = Mission.objects.create(
        election=election, code="cis-2023", name="CIS Observer Mission",
        translations={"ru": "Миссия наблюдателей от СНГ", "kk": "ТМД байқаушылар миссиясы"},
        languages=["en", "ru", "kk"], starts_on=dt.date(2023, 2, 20),
        ends_on=dt.date(2023, 3, 21), letterhead=LETTERHEAD,
    )
    Group.objects.create(
        mission=mission, code="ipa", name="CIS Inter-Parliamentary Assembly group",
        translations={"ru": "Группа Межпарламентской Ассамблеи СНГ",
                      "kk": "ТМД Парламентаралық Ассамблеясының тобы"})
    Group.objects.create(
        mission=mission, code="ec", name="CIS Executive Committee group",
        translations={"ru": "Группа Исполнительного комитета СНГ",
                      "kk": "ТМД Атқарушы комитетінің тобы"})
    _import_demo_observers(mission, election)
    apply_deployment(draw_deployment(mission, seed=SEED, stations_per_team=8), ACTOR)
    return mission


def _observer_rows(election: Election) -> list[list[str]]:
    rng = np.random.default_rng(SEED + 2)
    region_codes = [r[0] for r in kz.REGIONS]
    region_weights = np.array([r[5] for r in kz.REGIONS], dtype=float)
    people = [(country, person) for country in kz.OBSERVER_COUNTRIES for person in country[4]]
    rows = []
    # The IPA group: 61 observers in 30 teams (29 pairs and one of three).
    for index, ((code, prefix, digits, language, _names), name) in enumerate(people[:61]):
        team = min(index // 2, 29) + 1
        phone = _mobile_number(rng, code, prefix, digits)
        base = region_codes[int(rng.choice(len(region_codes), p=region_weights / region_weights.sum()))]
        rows.append([name, "ipa", phone, f"{name.lower().replace(' ', '.')}@ipa.example",
                     f"IPA-{index + 1:03d}", f"{language} en", language, f"ipa-{team:02d}",
                     "yes" if index % 2 == 0 and index < 60 else "no", base])
    # The Executive Committee group: 8 observers in 4 teams based in the cities.
    for index, name in enumerate(["Nikolai Belov", "Marina Zaitseva", "Ruslan Kadyrov",
                                  "Aida Sultanova", "Konstantin Gromov", "Vera Pavlova",
                                  "Erlan Sadykov", "Inna Vasilieva"]):
        team = index // 2 + 1
        rows.append([name, "ec", _mobile_number(rng, "+7", "9", 10), f"observer{index + 1}@ec.example",
                     f"EC-{index + 1:03d}", "ru en", "ru", f"ec-{team:02d}",
                     "yes" if index % 2 == 0 else "no", ["71", "75", "79", "35"][team - 1]])
    return rows


def _mobile_number(rng: np.random.Generator, code: str, prefix: str, digits: int) -> str:
    """A random mobile number that ``phonenumbers`` accepts as valid for the country."""
    while True:
        rest = "".join(str(d) for d in rng.integers(0, 10, digits - len(prefix)))
        number = f"{code}{prefix}{rest}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number


def _import_demo_observers(mission: Mission, election: Election) -> None:
    header = ["full_name", "group", "phone", "email", "accreditation_number", "languages",
              "language", "team", "team_leader", "base_area"]
    mission_services.import_observers(mission, csv_bytes(header, _observer_rows(election)),
                                      ACTOR, name="demo-observers.csv")


def add_logins(demo: Demo) -> None:
    """A sign-in for each role (a step of the build): administrator, coordinators, analyst and
    the first observer of the IPA group, all with the demo's password."""
    mission = demo.mission
    ipa, executive = mission.groups.get(code="ipa"), mission.groups.get(code="ec")
    logins = demo.logins
    admin = create_user("admin", ACTOR, password=DEMO_PASSWORD, first_name="Demo",
                        last_name="Administrator", is_superuser=True)
    logins.append(("administrator", admin.username, DEMO_PASSWORD))
    for username, first, last, role, group in [
        ("coordinator", "Aigerim", "Coordinator", Role.COORDINATOR, ipa),
        ("analyst", "Daniyar", "Analyst", Role.ANALYST, ipa),
        ("ec-coordinator", "Marat", "Coordinator", Role.COORDINATOR, executive),
    ]:
        user = create_user(username, ACTOR, password=DEMO_PASSWORD, first_name=first,
                           last_name=last)
        grant_role(user, mission, role, ACTOR, group=group)
        if role == Role.COORDINATOR:
            group.coordinator = user
            group.save(update_fields=["coordinator"])
        logins.append((f"{role.value} ({group.code})", username, DEMO_PASSWORD))
    observer = Observer.objects.filter(mission=mission, group=ipa).order_by("accreditation_number").first()
    user = observer.user
    User.objects.filter(pk=user.pk).update(username="observer")
    user.refresh_from_db()
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    logins.append((f"observer ({observer.full_name}, team {observer.teams.first().code})",
                   "observer", DEMO_PASSWORD))
    logins.append(("public", "(no sign-in)", ""))


def log_meetings(demo: Demo) -> None:
    """The IPA group's meetings before election day (a step of the build)."""
    mission, group = demo.mission, demo.mission.groups.get(code="ipa")
    meetings = [
        (dt.date(2023, 3, 14), Meeting.Stakeholder.ADMINISTRATION, "Central Election Commission",
         "Briefing on the preparations: ballots printed in Kazakh and Russian, voter lists "
         "updated, video cameras at the larger polling stations.",
         "The commission described the new mixed system; observers asked how protocols will "
         "be published station by station.", ["secrecy", "observation"]),
        (dt.date(2023, 3, 15), Meeting.Stakeholder.PARTY, "Representatives of two parties",
         "Parties described the campaign and their access to media.",
         "Both parties said registration was smooth; one reported unequal access to "
         "regional television.", ["media", "campaign"]),
        (dt.date(2023, 3, 16), Meeting.Stakeholder.CIVIL_SOCIETY, "Domestic observer network",
         "Plans for citizen observation on election day.",
         "The network plans to cover about a tenth of stations and asked for clear rules on "
         "photographing protocols.", ["observation"]),
    ]
    for date, kind, who, summary, findings, standards in meetings:
        mission_services.log_meeting(mission, ACTOR, date=date, stakeholder_kind=kind,
                                     stakeholders=who, summary=summary, findings=findings,
                                     standards=standards, group=group, place="Astana")

