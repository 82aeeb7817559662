"""Build the demo: Kazakhstan's elections of 19 March 2023 and a CIS observation mission.

The geography, parties and results are real where ``kazakhstan.py`` says so; everything at
station level is synthetic and drawn from a fixed seed, so every build is the same. The data
goes in through the same services as real data: area, station and observer imports,
assignments from ``pollwatch plan``, every report through the intake's front door
(:func:`pollwatch.intake.services.receive`), the official results as the CEC's CSV file.

The election and the mission come first, in one transaction; then :data:`STEPS`, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction

from . import election, forms, mission, reports, results, statements
from .context import Demo

<<<<<<< HEAD
Step = Callable[[Demo], object]
=======
from . import kazakhstan as kz
from .boundaries import load_boundaries
>>>>>>> map

#: What the build does after the election and the mission, in this order.
STEPS: tuple[Step, ...] = (
    mission.add_logins,              # a sign-in for each role
    mission.log_meetings,            # the IPA group's meetings before election day
    forms.install_forms,             # the checklists, incident report and protocols, published
    reports.report_election_day,     # the observers' reports, through every channel
    results.add_official_results,    # the CEC's preliminary result, compared with the reports
    statements.draft_statement,      # findings and a draft statement citing the reports' figures
)


<<<<<<< HEAD
def build_demo(steps: Sequence[Step] = STEPS) -> Demo:
    """Build the demo into the database (which the caller has emptied); ``steps`` leaves some
    out (the benchmark times the last ones on their own)."""
=======
@dataclass
class Demo:
    election: Election
    mission: Mission
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _csv_bytes(header: list[str], rows: list[list]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())


def build_election() -> Election:
    election = Election.objects.create(
        code="kz-2023", country="KZ", date=dt.date.fromisoformat(kz.ELECTION_DATE),
        name="Early elections of the Majilis and maslikhats, Kazakhstan",
        translations={"ru": "Внеочередные выборы депутатов Мажилиса и маслихатов, Казахстан",
                      "kk": "Мәжіліс және мәслихаттар депутаттарының кезектен тыс сайлауы, Қазақстан"},
        default_timezone="Asia/Almaty", languages=["kk", "ru", "en"], data_note=DATA_NOTE,
    )
    _build_areas(election)
    load_boundaries(election)
    _build_contests(election)
    _build_stations(election)
    return election


def _district_count(stations: int) -> int:
    return max(3, min(15, stations // 55))


def _build_areas(election: Election) -> None:
    rows = [["KZ", "", "country", "Kazakhstan", "Казахстан", "Қазақстан", "Asia/Almaty"]]
    for code, en, ru, kk, zone, _voters, stations, is_city, _lat, _lon in kz.REGIONS:
        rows.append([code, "KZ", "city" if is_city else "region", en, ru, kk, zone])
        for number in range(1, _district_count(stations) + 1):
            rows.append([f"{code}{number:02d}", code, "district",
                         f"{en.replace(' Region', '')} district {number}",
                         f"{ru} — район {number}", f"{kk} — {number} аудан", ""])
    rows.append(["ABROAD", "KZ", "abroad", "Polling stations abroad",
                 "Избирательные участки за рубежом", "Шетелдегі сайлау учаскелері", ""])
    header = ["code", "parent", "level", "name", "name_ru", "name_kk", "timezone"]
    election_services.import_areas(election, _csv_bytes(header, rows), ACTOR, name="demo-areas.csv")


def _station_counts() -> dict[str, int]:
    return largest_remainder({i: r[6] for i, r in enumerate(kz.REGIONS)}, kz.STATIONS_IN_COUNTRY)


def _build_stations(election: Election) -> None:
    rng = np.random.default_rng(SEED)
    counts = _station_counts()
    abroad_voters = 20_000
    voters_by_region = largest_remainder({i: r[5] for i, r in enumerate(kz.REGIONS)},
                                         kz.REGISTERED_AT_OPENING - abroad_voters)
    smd_of_region = _smd_districts_by_region(election.contests.get(code="majilis-smd"))
    rows = []
    for index, (code, en, _ru, _kk, _zone, _v, _s, is_city, lat, lon) in enumerate(kz.REGIONS):
        n = counts[index]
        weights = rng.lognormal(0, 0.55 if is_city else 0.8, n)
        voters = _split_integer(voters_by_region[index], weights, rng)
        spread = 0.08 if is_city else 1.1
        districts = _district_count(kz.REGIONS[index][6])
        smd_codes = smd_of_region[code]
        for i in range(n):
            district_number = 1 + i * districts // n
            kind = "hospital" if rng.random() < 0.015 else "regular"
            rows.append([
                f"{int(code) * 1000 + i + 1}", f"{code}{district_number:02d}",
                f"Polling station No. {int(code) * 1000 + i + 1}",
                f"{en.replace(' Region', '')}, street {1 + i % 97}, building {1 + i // 97}",
                f"{lat + rng.uniform(-spread, spread):.5f}",
                f"{lon + rng.uniform(-spread * 1.4, spread * 1.4):.5f}",
                int(voters[i]), kind, "", "07:00", "20:00",
                smd_codes[i * len(smd_codes) // n], "KZ", code,
            ])
    abroad_places = kz.ABROAD + kz.ABROAD[: kz.STATIONS_ABROAD - len(kz.ABROAD)]
    abroad_voters_each = _split_integer(abroad_voters, rng.lognormal(0, 0.6, len(abroad_places)), rng)
    for i, (country, city, zone) in enumerate(abroad_places):
        rows.append([f"{90001 + i}", "ABROAD", f"Polling station No. {90001 + i} ({city})",
                     f"Embassy or consulate of Kazakhstan, {city}, {country}", "", "",
                     int(abroad_voters_each[i]), "abroad", zone, "07:00", "20:00",
                     smd_of_region["71"][0], "KZ", ""])
    header = ["code", "area", "name", "address", "latitude", "longitude", "registered_voters",
              "kind", "timezone", "opens_at", "closes_at", "district:majilis-smd",
              "district:majilis-list", "district:maslikhat"]
    # Every station is in the one nationwide list district; stations abroad elect no maslikhat.
    election_services.import_stations(election, _csv_bytes(header, rows), ACTOR,
                                      name="demo-stations.csv")


def _split_integer(total: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` that sum exactly to it."""
    exact = total * weights / weights.sum()
    whole = np.floor(exact).astype(np.int64)
    left = int(total - whole.sum())
    if left:
        order = np.argsort(-(exact - whole), kind="stable")
        whole[order[:left]] += 1
    return whole


def _smd_districts_by_region(smd: Contest) -> dict[str, list[str]]:
    mapping: dict[str, list[str]] = {}
    for district in smd.districts.select_related("area").order_by("code"):
        mapping.setdefault(district.area.code, []).append(district.code)
    return mapping


def _build_contests(election: Election) -> None:
    country = election.areas.get(code="KZ")
    majilis_list = Contest.objects.create(
        election=election, code="majilis-list", kind=Contest.Kind.PARTY_LIST, ballot_order=1,
        name="Majilis, party lists", translations={"ru": "Мажилис, партийные списки",
                                                   "kk": "Мәжіліс, партиялық тізімдер"},
        method=Contest.Method.HARE, seats=kz.LIST_SEATS, threshold_percent=kz.THRESHOLD_PERCENT,
        threshold_base=Contest.ThresholdBase.CAST, has_against_all=True, area=country,
    )
    ElectoralDistrict.objects.create(contest=majilis_list, code="KZ", name="Nationwide",
                                     seats=kz.LIST_SEATS, area=country)
    for number, (code, en, ru, kk, _votes, _seats) in enumerate(kz.PARTIES, start=1):
        Choice.objects.create(contest=majilis_list, code=code, name=en, ballot_number=number,
                              translations={"ru": ru, "kk": kk}, kind=Choice.Kind.PARTY)
    code, en, ru, kk, _votes = kz.AGAINST_ALL
    Choice.objects.create(contest=majilis_list, code=code, name=en, kind=Choice.Kind.AGAINST_ALL,
                          ballot_number=len(kz.PARTIES) + 1, translations={"ru": ru, "kk": kk})
    _build_single_member_districts(election)
    _build_maslikhats(election)


def _build_single_member_districts(election: Election) -> None:
    smd = Contest.objects.create(
        election=election, code="majilis-smd", kind=Contest.Kind.SINGLE_MEMBER, ballot_order=2,
        name="Majilis, single-member districts",
        translations={"ru": "Мажилис, одномандатные округа", "kk": "Мәжіліс, бір мандатты округтер"},
        method=Contest.Method.PLURALITY, seats=kz.SINGLE_MEMBER_DISTRICTS, has_against_all=True,
    )
    # One district per region, the other nine shared by registered voters (synthetic).
    extra = largest_remainder({i: r[5] for i, r in enumerate(kz.REGIONS)},
                              kz.SINGLE_MEMBER_DISTRICTS - len(kz.REGIONS))
    rng = np.random.default_rng(SEED + 1)
    number = 0
    for index, (code, en, ru, kk, *_rest) in enumerate(kz.REGIONS):
        area = election.areas.get(code=code)
        for _ in range(1 + extra[index]):
            number += 1
            district = ElectoralDistrict.objects.create(
                contest=smd, code=f"{code}-{number}", area=area,
                name=f"District No. {number} ({en})",
                translations={"ru": f"Округ № {number} ({ru})", "kk": f"№ {number} округ ({kk})"})
            parties = rng.choice(len(kz.PARTIES), size=int(rng.integers(3, 6)), replace=False)
            for ballot, party_index in enumerate(sorted(parties), start=1):
                first = kz.CANDIDATE_FIRST[int(rng.integers(len(kz.CANDIDATE_FIRST)))]
                last = kz.CANDIDATE_LAST[int(rng.integers(len(kz.CANDIDATE_LAST)))]
                Choice.objects.create(contest=smd, district=district, kind=Choice.Kind.CANDIDATE,
                                      code=f"{number}-{ballot}", name=f"{first} {last}",
                                      party=kz.PARTIES[party_index][1], ballot_number=ballot)
            Choice.objects.create(contest=smd, district=district, kind=Choice.Kind.AGAINST_ALL,
                                  code=f"{number}-against-all", name="Against all",
                                  translations={"ru": "Против всех", "kk": "Барлығына қарсы"},
                                  ballot_number=99)


def _build_maslikhats(election: Election) -> None:
    """One regional or city maslikhat per region, its party-list half (7 % threshold)."""
    contest = Contest.objects.create(
        election=election, code="maslikhat", kind=Contest.Kind.COUNCIL, ballot_order=3,
        name="Regional and city maslikhats, party lists",
        translations={"ru": "Областные и городские маслихаты, партийные списки",
                      "kk": "Облыстық және қалалық мәслихаттар, партиялық тізімдер"},
        method=Contest.Method.HARE, seats=0, threshold_percent=7,
        threshold_base=Contest.ThresholdBase.CAST, has_against_all=True,
    )
    total = 0
    for code, en, ru, kk, _zone, voters, *_rest in kz.REGIONS:
        seats = 8 + voters // 60
        total += seats
        ElectoralDistrict.objects.create(
            contest=contest, code=code, seats=seats, area=election.areas.get(code=code),
            name=f"Maslikhat of {en}", translations={"ru": f"Маслихат: {ru}",
                                                     "kk": f"Мәслихат: {kk}"})
    contest.seats = total
    contest.save(update_fields=["seats"])
    for number, (code, en, ru, kk, _votes, _seats) in enumerate(kz.PARTIES, start=1):
        Choice.objects.create(contest=contest, code=code, name=en, ballot_number=number,
                              translations={"ru": ru, "kk": kk})
    code, en, ru, kk, _votes = kz.AGAINST_ALL
    Choice.objects.create(contest=contest, code=code, name=en, kind=Choice.Kind.AGAINST_ALL,
                          ballot_number=len(kz.PARTIES) + 1, translations={"ru": ru, "kk": kk})


def build_mission(election: Election, demo: Demo | None = None) -> Mission:
    mission = Mission.objects.create(
        election=election, code="cis-2023", name="CIS Observer Mission",
        translations={"ru": "Миссия наблюдателей от СНГ", "kk": "ТМД байқаушылар миссиясы"},
        languages=["en", "ru", "kk"], starts_on=dt.date(2023, 2, 20),
        ends_on=dt.date(2023, 3, 21),
    )
    ipa = Group.objects.create(
        mission=mission, code="ipa", name="CIS Inter-Parliamentary Assembly group",
        translations={"ru": "Группа Межпарламентской Ассамблеи СНГ",
                      "kk": "ТМД Парламентаралық Ассамблеясының тобы"})
    executive = Group.objects.create(
        mission=mission, code="ec", name="CIS Executive Committee group",
        translations={"ru": "Группа Исполнительного комитета СНГ",
                      "kk": "ТМД Атқарушы комитетінің тобы"})
    _import_demo_observers(mission, election)
    apply_deployment(draw_deployment(mission, seed=SEED, stations_per_team=8), ACTOR)
    logins = _create_demo_users(mission, ipa, executive)
    _log_demo_meetings(mission, ipa)
    if demo is not None:
        demo.logins.extend(logins)
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
    mission_services.import_observers(mission, _csv_bytes(header, _observer_rows(election)),
                                      ACTOR, name="demo-observers.csv")


def _create_demo_users(mission: Mission, ipa: Group, executive: Group) -> list[tuple[str, str, str]]:
    logins = []
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
    return logins


def _log_demo_meetings(mission: Mission, group: Group) -> None:
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


#: Later build steps (election-day reports, official results, a draft statement) register here.
EXTRA_STEPS: list[Callable[[Demo], None]] = []


def build_demo() -> Demo:
>>>>>>> map
    with transaction.atomic():
        built = election.build_election()
        demo = Demo(election=built, mission=mission.build_mission(built))
    for step in steps:
        step(demo)
    return demo
