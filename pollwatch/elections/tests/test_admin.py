"""An administrator defines contests with their electoral system and choices in the admin."""

import io

from pollwatch.accounts.models import AuditEntry
from pollwatch.elections.models import Choice, Contest, PollingStation


def _inline(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_administrator_adds_a_single_member_contest_with_candidates(world, login):
    client = login(world.admin)
    data = {
        "election": world.election.pk, "code": "majilis-smd", "name": "Majilis, single-member",
        "translations": "{}", "kind": "single_member", "method": "plurality", "seats": 29,
        "threshold_percent": "0", "threshold_base": "cast", "has_against_all": "on",
        "ballot_order": 2,
        **_inline("districts", [{"code": "1", "name": "District No. 1", "seats": 1, "translations": "{}"}]),
        **_inline("choices", [
            {"code": "1-1", "name": "Askar Abenov", "kind": "candidate", "party": "AMANAT",
             "ballot_number": 1, "translations": "{}"},
            {"code": "1-aa", "name": "Against all", "kind": "against_all", "ballot_number": 9,
             "translations": '{"ru": "Против всех"}'},
        ]),
    }
    response = client.post("/admin/elections/contest/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    contest = Contest.objects.get(code="majilis-smd")
    assert contest.electoral_system() == {"method": "plurality", "seats": 29, "threshold": 0.0,
                                          "threshold_base": "cast"}
    assert contest.districts.count() == 1
    against = Choice.objects.get(contest=contest, code="1-aa")
    assert against.is_against_all and against.name_in("ru") == "Против всех"
    logged = set(AuditEntry.objects.filter(user=world.admin).values_list("model", flat=True))
    assert {"elections.Contest", "elections.ElectoralDistrict", "elections.Choice"} <= logged


def test_import_page_in_the_admin_lists_row_errors(world, login):
    client = login(world.admin)
    upload = io.BytesIO(b"code,area,registered_voters\n71900,71,many\n")
    upload.name = "stations.csv"
    page = client.post(f"/admin/elections/election/{world.election.pk}/import/",
                       {"kind": "stations", "file": upload})
    assert page.status_code == 200
    assert "stations.csv line 2, column registered_voters: &#x27;many&#x27; is not a whole number" in page.content.decode()
    assert not PollingStation.objects.filter(code="71900").exists()
    good = io.BytesIO(b"code,area,registered_voters\n71900,71,900\n")
    good.name = "stations.csv"
    assert client.post(f"/admin/elections/election/{world.election.pk}/import/",
                       {"kind": "stations", "file": good}).status_code == 302
    assert PollingStation.objects.get(code="71900").registered_voters == 900


def test_import_page_is_for_administrators_only(world, login):
    assert login(world.alice).get(f"/admin/elections/election/{world.election.pk}/import/").status_code == 302
