"""Importing observers: phones in E.164, teams made on the way, errors per row, idempotent."""

import io

import pytest

from pollwatch.accounts.models import Membership, Role
from pollwatch.elections.tabular import ImportRejected
from pollwatch.missions.models import Observer, Team
from pollwatch.missions.services import InvalidPhone, import_observers, normalise_phone

HEADER = "full_name,group,phone,email,accreditation_number,languages,team,team_leader,base_area\n"


def csv_file(text):
    return io.BytesIO(text.encode())


def test_phones_are_normalised_to_e164():
    assert normalise_phone("8 701 123 45 67", "KZ") == "+77011234567"
    assert normalise_phone("+7 (701) 123-45-67") == "+77011234567"
    assert normalise_phone("00374 91 234567") == "+37491234567"
    with pytest.raises(InvalidPhone):
        normalise_phone("12", "KZ")


def test_import_creates_observers_teams_and_their_sign_in(world):
    report = import_observers(world.alpha, csv_file(
        HEADER
        + "Aida Nurova,ipa,8 701 555 00 11,aida@example.org,IPA-100,ru kk,ipa-9,yes,71\n"
        + "Pavel Orlov,ipa,+79161234567,,IPA-101,ru,ipa-9,,\n"
    ), "test")
    assert (report.created, report.updated) == (2, 0)
    aida = Observer.objects.get(accreditation_number="IPA-100")
    assert aida.phone == "+77015550011"
    assert aida.languages == ["ru", "kk"]
    assert aida.language == "ru"
    team = Team.objects.get(mission=world.alpha, code="ipa-9")
    assert set(team.members.values_list("full_name", flat=True)) == {"Aida Nurova", "Pavel Orlov"}
    assert team.leader == aida
    assert team.base_area == world.astana
    assert Membership.objects.get(user=aida.user, mission=world.alpha).role == Role.OBSERVER


def test_reimport_matches_by_accreditation_and_updates(world):
    import_observers(world.alpha, csv_file(HEADER + "Aida Nurova,ipa,+77015550011,,IPA-100,ru,,,\n"), "t")
    same = import_observers(world.alpha, csv_file(HEADER + "Aida Nurova,ipa,+77015550011,,IPA-100,ru,,,\n"), "t")
    assert (same.created, same.updated, same.unchanged) == (0, 0, 1)
    moved = import_observers(world.alpha, csv_file(HEADER + "Aida Nurova,ec,+77015550012,,IPA-100,ru,,,\n"), "t")
    assert (moved.created, moved.updated) == (0, 1)
    aida = Observer.objects.get(accreditation_number="IPA-100")
    assert (aida.group, aida.phone) == (world.ec, "+77015550012")


def test_bad_rows_name_line_and_column_and_nothing_is_imported(world):
    before = Observer.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        import_observers(world.alpha, csv_file(
            HEADER
            + "Aida,nogroup,+77015550011,,A1,,,,\n"
            + "Pavel,ipa,12,,A2,,,,\n"
            + "Olga,ipa,+77015550013,not-an-email,A3,,,,\n"
            + ",ipa,+77015550014,,A4,,,,\n"
            + "Ivan,ipa,+77015550013,,A5,,,,\n"
            + "Anna,ipa,,,A6,,Team 9,,ZZ\n"
        ), "test", name="observers.csv")
    errors = rejected.value.report.error_lines()
    assert "observers.csv line 2, column group: no group 'nogroup' in mission alpha" in errors
    assert any(e.startswith("observers.csv line 3, column phone: '12'") for e in errors)
    assert "observers.csv line 4, column email: 'not-an-email' is not an e-mail address" in errors
    assert "observers.csv line 5, column full_name: is required" in errors
    assert "observers.csv line 6, column phone: +77015550013 appears again (first on line 4)" in errors
    assert "observers.csv line 7, column base_area: no area with code 'ZZ'" in errors
    assert "observers.csv line 7, column team: 'Team 9': use letters, digits, - and _ only" in errors
    assert Observer.objects.count() == before
