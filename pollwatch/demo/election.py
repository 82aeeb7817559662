"""The demo's election: Kazakhstan's early Majilis and maslikhat elections of 19 March 2023.

The geography, parties and results are real where ``kazakhstan.py`` says so; every polling
station, district and candidate is synthetic and drawn from a fixed seed. Areas and stations go
in through the same imports a coordinator uploads (``elections.services``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from pollwatch.elections import services as election_services
from pollwatch.elections.models import Choice, Contest, Election, ElectoralDistrict
from pollwatch.missions.planning import largest_remainder

from . import kazakhstan as kz
from .context import ACTOR, SEED, csv_bytes

DATA_NOTE = (
    "Demo data. Real: the regions, their time zones on 19 March 2023, the parties and the "
    "national list result. Synthetic: every polling station, its registered voters and "
    "coordinates, the districts, candidates, observers and all reports."
)
DATA_NOTE_TRANSLATIONS = {
    "ru": "Демонстрационные данные. Настоящие: регионы, их часовые пояса на 19 марта 2023 года, партии "
          "и итоги по общенациональному списку. Вымышленные: все избирательные участки, число "
          "избирателей и координаты, округа, кандидаты, наблюдатели и все отчёты.",
    "kk": "Демонстрациялық деректер. Шынайы: өңірлер, олардың 2023 жылғы 19 наурыздағы уақыт белдеулері, "
          "партиялар және жалпыұлттық тізім бойынша нәтиже. Ойдан алынған: барлық сайлау учаскелері, "
          "сайлаушылар саны мен координаттары, округтер, кандидаттар, байқаушылар және барлық есептер.",
}


def build_election() -> Election:
    election = Election.objects.create(
        code="kz-2023", country="KZ", date=dt.date.fromisoformat(kz.ELECTION_DATE),
        name="Early elections of the Majilis and maslikhats, Kazakhstan",
        translations={"ru": "Внеочередные выборы депутатов Мажилиса и маслихатов, Казахстан",
                      "kk": "Мәжіліс және мәслихаттар депутаттарының кезектен тыс сайлауы, Қазақстан"},
        default_timezone="Asia/Almaty", languages=["kk", "ru", "en"], data_note=DATA_NOTE,
        data_note_translations=DATA_NOTE_TRANSLATIONS,
    )
    _build_areas(election)
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
    election_services.import_areas(election, csv_bytes(header, rows), ACTOR, name="demo-areas.csv")


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
        voters = split_integer(voters_by_region[index], weights)
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
    abroad_voters_each = split_integer(abroad_voters, rng.lognormal(0, 0.6, len(abroad_places)))
    for i, (country, city, zone) in enumerate(abroad_places):
        rows.append([f"{90001 + i}", "ABROAD", f"Polling station No. {90001 + i} ({city})",
                     f"Embassy or consulate of Kazakhstan, {city}, {country}", "", "",
                     int(abroad_voters_each[i]), "abroad", zone, "07:00", "20:00",
                     smd_of_region["71"][0], "KZ", ""])
    header = ["code", "area", "name", "address", "latitude", "longitude", "registered_voters",
              "kind", "timezone", "opens_at", "closes_at", "district:majilis-smd",
              "district:majilis-list", "district:maslikhat"]
    # Every station is in the one nationwide list district; stations abroad elect no maslikhat.
    election_services.import_stations(election, csv_bytes(header, rows), ACTOR,
                                      name="demo-stations.csv")


def split_integer(total: int, weights: np.ndarray) -> np.ndarray:
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

