"""The header's search: stations, observers and reports of the user's mission, and nothing else."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from pollwatch.dashboard.services.search import search_mission
from pollwatch.factories import AreaFactory, ElectionFactory, StationFactory
from pollwatch.intake.models import InboundReport
from pollwatch.missions.models import Group, Mission, Observer

from .reports import OPENING, install_forms, report

SEARCH = "/m/alpha/search/"


def search(client, text, **extra):
    return client.get(SEARCH, {"q": text, **extra})


@pytest.fixture
def alice(world, login):
    return login(world.alice)


@pytest.fixture
def submission(world):
    forms = install_forms(world.alpha)
    return report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)


@pytest.fixture
def quarantined(world):
    return InboundReport.objects.create(
        channel="sms", mission=world.alpha, sender="+77019990000", key="gw-778899", payload="OP 99999 A3 Y",
        received_at=timezone.now(), status=InboundReport.Status.QUARANTINED,
        reason="there is no polling station 99999 in this election", meta={"rejection": "unknown_station"})


def test_a_whole_station_code_opens_the_station_page(world, alice):
    response = search(alice, "71001")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:station", args=["alpha", world.station_astana.pk])


def test_part_of_a_station_code_or_name_lists_the_stations(world, alice):
    response = search(alice, "7100")
    assert response.status_code == 200
    found = [hit.obj for hit in response.context["results"].stations]
    assert found == [world.station_astana, world.station_unassigned]
    assert reverse("dashboard:station", args=["alpha", world.station_unassigned.pk]) in response.content.decode()

    by_name = search(alice, "polling station no. 2700")
    assert [hit.obj for hit in by_name.context["results"].stations] == [world.station_west]


def test_a_name_lists_the_observers_with_links_to_their_row(world, alice):
    response = search(alice, "observer")
    assert response.status_code == 200
    results = response.context["results"]
    assert [hit.obj for hit in results.observers] == [world.observer_oleg, world.observer_olga]
    url = urlsplit(results.observers[0].url)
    assert url.path == reverse("dashboard:people", args=["alpha"])
    assert parse_qs(url.query) == {"q": ["+77011234501"]} and url.fragment == f"observer-{world.observer_oleg.pk}"
    # The link finds the observer alone on the observers page.
    page = alice.get(results.observers[0].url.split("#")[0])
    assert [row.observer for row in page.context["people"].observers] == [world.observer_oleg]


@pytest.mark.parametrize("text", ["8 701 123 45 01", "+7 (701) 123-45-01", "87011234501", "0077011234501",
                                  "ACC-4501", "acc-4501"])
def test_a_phone_in_any_format_or_the_accreditation_code_opens_the_observer(world, alice, text):
    response = search(alice, text)
    assert response.status_code == 302, text
    assert response["Location"].endswith(f"#observer-{world.observer_oleg.pk}")


def test_part_of_a_phone_number_lists_the_observers_it_is_in(world, alice):
    results = search(alice, "123 450").context["results"]
    assert {hit.obj for hit in results.observers} == {world.observer_oleg, world.observer_olga}
    assert not any(hit.exact for hit in results.observers)


def test_a_reports_key_or_id_opens_it_on_its_station_page(world, alice, submission):
    station = reverse("dashboard:station", args=["alpha", world.station_astana.pk])
    for text in (submission.key, f"#{submission.pk}", str(submission.pk)):
        response = search(alice, text)
        assert response.status_code == 302, text
        assert response["Location"] == f"{station}#report-{submission.pk}"
    page = alice.get(station).content.decode()
    assert f'id="report-{submission.pk}"' in page


def test_the_beginning_of_a_key_lists_its_report(world, alice, submission):
    response = search(alice, submission.key[:12])
    assert response.status_code == 200
    assert [hit.obj for hit in response.context["results"].reports] == [submission]
    assert search(alice, submission.key[:5]).context["results"].total == 0


def test_a_submissions_raw_report_is_not_listed_twice(world, alice, forms_and_sms):
    submission = forms_and_sms
    results = search(alice, submission.key, all="1").context["results"]
    assert [(hit.kind, hit.obj) for hit in results.reports] == [("submission", submission)]


@pytest.fixture
def forms_and_sms(world, client, settings):
    from pollwatch.submissions.models import Submission

    install_forms(world.alpha)
    settings.GENERIC_SMS_SECRET = "s"
    text = "OP 71001 A1 0640 A2 0700 A3 Y"
    client.post("/sms/generic/", {"from": "+77011234501", "text": text, "id": "gw-1", "secret": "s"})
    return Submission.objects.get(inbound__key="generic:gw-1")


def test_a_quarantined_report_is_found_by_key_and_id(world, alice, quarantined):
    detail = reverse("intake:quarantine_detail", args=["alpha", quarantined.pk])
    assert search(alice, "gw-778899")["Location"] == detail
    listed = search(alice, f"#{quarantined.pk}", all="1")
    assert listed.status_code == 200
    assert [hit.obj for hit in listed.context["results"].reports] == [quarantined]
    assert detail in listed.content.decode()


def test_all_lists_a_single_exact_hit_instead_of_opening_it(world, alice):
    response = search(alice, "71001", all="1")
    assert response.status_code == 200
    assert [hit.obj for hit in response.context["results"].stations] == [world.station_astana]


def test_nothing_of_another_mission_is_found(world, alice, login):
    other_election = ElectionFactory(code="other-election")
    StationFactory(area=AreaFactory(election=other_election, code="99"), code="99001", name="Far away")
    Mission.objects.create(election=other_election, code="gamma", name="Gamma mission")
    beta_group = Group.objects.get(mission=world.beta)
    Observer.objects.create(mission=world.beta, group=beta_group, full_name="Oleg of Beta",
                            phone="+77017770000", accreditation_number="BETA-1")
    InboundReport.objects.create(channel="api", mission=world.beta, sender="beta", key="beta-key-123456",
                                 payload="{}", received_at=timezone.now(), status="quarantined")

    for text in ("99001", "Far away", "BETA-1", "+77017770000", "beta-key-123456"):
        response = search(alice, text)
        assert response.status_code == 200, text
        assert response.context["results"].total == 0, text
        assert "Nothing found" in response.content.decode()
    names = [hit.obj.full_name for hit in search(alice, "Oleg").context["results"].observers]
    assert names == ["Oleg Observer"]


def test_only_the_missions_staff_may_search(world, client, login):
    assert search(client, "71001")["Location"].startswith(reverse("accounts:login"))
    for user in (world.oleg, world.bob):
        assert search(login(user), "71001").status_code == 403, user.username
    assert search(login(world.anna), "71001").status_code == 302
    assert search(login(world.admin), "71001").status_code == 302


def test_the_service_refuses_an_actor_without_a_staff_role(world):
    with pytest.raises(PermissionDenied):
        search_mission(world.oleg, world.alpha, "71001")
    with pytest.raises(PermissionDenied):
        search_mission("someone", world.alpha, "71001")


@pytest.mark.parametrize("text", ["", "   ", "#", "%", "_", "'; drop table x; --", "\u0000", "Ω" * 500,
                                  "#99999999999999999999", "+", "1"])
def test_any_text_is_answered_without_error(world, alice, text):
    response = search(alice, text, all="1")
    assert response.status_code == 200, repr(text)


def test_an_empty_search_runs_no_lookup(world, alice, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = alice.get(SEARCH)
    assert response.status_code == 200 and response.context["results"].total == 0


def test_the_results_page_queries_do_not_grow(world, alice, django_assert_max_num_queries):
    for i in range(30):
        Observer.objects.create(mission=world.alpha, group=world.ipa, full_name=f"Extra observer {i}",
                                phone=f"+7701555{i:04d}")
    with django_assert_max_num_queries(16):
        response = search(alice, "observer")
    results = response.context["results"]
    assert len(results.observers) == 20 and "observer" in results.more
    assert "q=observer" in results.more["observer"]


def test_the_header_has_the_search_box_for_staff_only(world, login):
    page = login(world.alice).get("/m/alpha/coverage/").content.decode()
    assert 'action="/m/alpha/search/"' in page
    observer_page = login(world.oleg).get("/observe/").content.decode()
    assert "/search/" not in observer_page
    public = login(world.bob).get("/").content.decode()
    assert "/search/" not in public


def test_a_report_received_days_ago_is_still_found(world, alice):
    forms = install_forms(world.alpha)
    old = report(world.alpha, forms["opening"], world.station_west, world.observer_olga, OPENING,
                 received_at=timezone.now() - dt.timedelta(days=3))
    assert search(alice, old.key)["Location"].endswith(f"#report-{old.pk}")


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("path", ["/m/alpha/search/?q=Observer&all=1", "/m/alpha/search/?q=zzzz",
                                  "/m/alpha/search/", "/m/alpha/people/?q=nobody&not_reported=1",
                                  "/m/alpha/quarantine/?date=2023-02-30"])
def test_search_and_filters_are_wholly_translated(world, alice, submission, quarantined, settings, path,
                                                  language):
    from pollwatch.tests.test_translated_pages import _english_left

    alice.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = alice.get(path)
    assert response.status_code == 200
    assert _english_left(response.content.decode(), language) == (language, [])
