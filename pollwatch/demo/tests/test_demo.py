"""The demo: Kazakhstan, 19 March 2023, and the CIS mission, built by `pollwatch demo --no-serve`."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from pollwatch.demo import kazakhstan as kz
from pollwatch.elections.models import Area, Choice, Contest, Election, PollingStation
from pollwatch.missions.models import Assignment, Group, Mission, Observer


@pytest.fixture
def demo_output(transactional_db):
    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out)
    return out.getvalue()


@pytest.mark.slow
def test_demo_builds_the_2023_election_and_rebuilds_afresh(demo_output):
    election = Election.objects.get()
    stations = PollingStation.objects.filter(election=election)
    assert stations.count() == 10_223
    assert stations.filter(kind="abroad").count() == 77
    assert stations.aggregate(total=Sum("registered_voters"))["total"] == 12_032_550
    regions = Area.objects.filter(election=election, depth=1).exclude(code="ABROAD")
    assert regions.count() == 20
    assert regions.filter(level="city").count() == 3
    zones = dict(regions.values_list("name", "timezone"))
    assert zones["West Kazakhstan Region"] == "Asia/Oral"
    assert zones["Kyzylorda Region"] == "Asia/Qyzylorda"
    assert zones["Astana"] == "Asia/Almaty"
    assert not stations.filter(region__isnull=True).exists()

    majilis = Contest.objects.get(code="majilis-list")
    assert (majilis.seats, majilis.threshold_percent, majilis.method) == (69, 5, "hare")
    parties = Choice.objects.filter(contest=majilis, kind="party")
    assert list(parties.values_list("name", flat=True)) == [p[1] for p in kz.PARTIES]
    assert Choice.objects.filter(contest=majilis, kind="against_all").count() == 1
    assert Contest.objects.get(code="majilis-smd").districts.count() == 29
    assert Contest.objects.get(code="maslikhat").districts.count() == 20

    mission = Mission.objects.get(code="cis-2023")
    ipa = Group.objects.get(mission=mission, code="ipa")
    assert Observer.objects.filter(group=ipa).count() == 61
    assert not Observer.objects.filter(mission=mission, teams__isnull=True).exists()
    assert Assignment.objects.filter(team__mission=mission, phase="opening").count() == mission.teams.count()

    for username in ("admin", "coordinator", "analyst", "observer"):
        assert f" {username} " in demo_output
    assert "Synthetic" in election.data_note

    first_codes = set(stations.values_list("code", flat=True))
    call_command("demo", no_serve=True, stdout=io.StringIO())
    assert Election.objects.count() == 1 and Mission.objects.count() == 1
    assert set(PollingStation.objects.values_list("code", flat=True)) == first_codes
