"""Live coverage: each assigned station's state by phase, counts by region, the map's data."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pollwatch.dashboard.services.coverage import coverage, coverage_geojson, map_shapes
from pollwatch.elections.models import Area, PollingStation
from pollwatch.submissions.models import Incident

from .reports import OPENING, install_forms, report

DAY = dt.date(2023, 3, 19)
ALMATY = dt.timezone(dt.timedelta(hours=6))  # Asia/Almaty on 19 March 2023


def at(hour, minute=0):
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=ALMATY)


@pytest.fixture
def forms(world):
    return install_forms(world.alpha)


def states(result):
    return {s.code: s.state for s in result.stations}


def test_station_is_planned_until_due_then_overdue(world, forms):
    assert states(coverage(world.alpha, "opening", at(7, 30))) == {"71001": "planned", "27001": "planned"}
    # 27001 is in Asia/Oral (UTC+5): its opening report is due at 08:00 there, 09:00 in Astana.
    assert states(coverage(world.alpha, "opening", at(8, 30))) == {"71001": "overdue", "27001": "planned"}
    assert states(coverage(world.alpha, "opening", at(9, 1))) == {"71001": "overdue", "27001": "overdue"}


def test_report_makes_the_station_reported_and_a_bad_one_a_problem(world, forms):
    report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)
    report(world.alpha, forms["opening"], world.station_west, world.observer_olga,
           {**OPENING, "assessment": "very_bad"})

    result = coverage(world.alpha, "opening", at(12))

    assert states(result) == {"71001": "reported", "27001": "problem"}
    assert result.count("reported") == 1 and result.count("problem") == 1
    regions = {r.code: (r.count("reported"), r.count("problem")) for r in result.regions}
    assert regions == {"71": (1, 0), "27": (0, 1)}


def test_open_incident_marks_the_phase_it_happened_in(world, forms):
    Incident.objects.create(mission=world.alpha, station=world.station_astana, category="security",
                            severity="critical", reported_at=at(11))

    assert states(coverage(world.alpha, "voting", at(12)))["71001"] == "problem"
    assert states(coverage(world.alpha, "opening", at(12)))["71001"] == "overdue"
    Incident.objects.update(status="closed")
    assert states(coverage(world.alpha, "voting", at(12)))["71001"] == "planned"


def test_station_state_is_in_words_and_symbols_on_the_page(world, forms, login):
    report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)
    page = login(world.alice).get(reverse("dashboard:coverage", args=["alpha"]) + "?phase=opening")

    assert page.status_code == 200
    html = page.content.decode()
    assert '<span class="badge state-reported"><span aria-hidden="true">✓</span> Reported</span>' in html
    assert '<span class="badge state-overdue"><span aria-hidden="true">!</span> Overdue</span>' in html


def test_map_data_is_geojson_with_states(world, forms, login):
    world.station_astana.latitude, world.station_astana.longitude = 51.16, 71.47
    world.station_astana.save()
    report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)

    data = login(world.alice).get(reverse("dashboard:coverage_data", args=["alpha"]) + "?phase=opening").json()

    features = {f["properties"]["code"]: f for f in data["features"]}
    assert features["71001"]["geometry"] == {"type": "Point", "coordinates": [71.47, 51.16]}
    assert features["71001"]["properties"]["state"] == "reported"
    assert features["71001"]["properties"]["due_local"] == "08:00"
    assert features["27001"]["geometry"] is None


def test_live_refresh_returns_the_fragments(world, forms, login):
    page = login(world.alice).get(reverse("dashboard:coverage", args=["alpha"]) + "?phase=voting",
                                  HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert 'id="coverage-live"' in html and 'hx-swap-oob="true"' in html
    assert "<html" not in html


def test_coverage_export_csv_lists_each_station_with_local_due_time(world, forms, login):
    response = login(world.alice).get(reverse("dashboard:coverage", args=["alpha"]) + "?phase=opening&format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("station,name,region,phase,state")
    row = next(line for line in lines if line.startswith("27001,"))
    assert "2023-03-19T08:00:00+05:00" in row  # due at 08:00 in Oral's zone


def test_coverage_page_queries_do_not_grow_with_stations(world, forms, login, django_assert_max_num_queries):
    from pollwatch.factories import StationFactory
    from pollwatch.missions.services import assign

    client = login(world.alice)
    url = reverse("dashboard:coverage", args=["alpha"]) + "?phase=voting"
    client.get(url)
    for i in range(30):
        station = StationFactory(area=world.astana if i % 2 else world.west)
        assign(world.team_ipa, station, "voting", "test")
        if i % 3 == 0:
            report(world.alpha, forms["voting"], station, world.observer_oleg, {"assessment": "good"},
                   received_at=timezone.now(), channel="sms")
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("dashboard:coverage_data", args=["alpha"]) + "?phase=voting").status_code == 200


def test_region_figures_for_the_map(world, forms, django_assert_num_queries):
    report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)
    PollingStation.objects.filter(pk=world.station_west.pk).update(latitude="51.2333", longitude="51.3667")
    with django_assert_num_queries(3):
        data = coverage_geojson(coverage(world.alpha, "opening", at(12)))

    regions = {r["code"]: r for r in data["regions"]}
    astana, west = regions["71"], regions["27"]
    assert (astana["total"], astana["reported"], astana["problem"], astana["overdue"]) == (1, 1, 0, 0)
    assert (astana["reported_share"], astana["problem_share"]) == (1.0, 0.0)
    assert (west["total"], west["overdue"], west["reported_share"]) == (1, 1, 0.0)
    assert west["centre"] == (51.2333, 51.3667)
    assert west["extent"] == (51.2333, 51.3667, 51.2333, 51.3667)
    assert astana["centre"] is None and astana["extent"] is None  # no coordinates


def test_map_shapes_carry_the_boundaries_in_one_query(world, django_assert_num_queries):
    square = [[71.2, 51.0], [71.6, 51.0], [71.6, 51.4], [71.2, 51.4], [71.2, 51.0]]
    Area.objects.filter(code="71").update(boundary={"type": "Polygon", "coordinates": [square]})
    with django_assert_num_queries(1):
        shapes = map_shapes(world.alpha)
    assert shapes["country"] is None
    assert shapes["regions"] == [
        {"code": "27", "name": "West Kazakhstan Region", "boundary": None},
        {"code": "71", "name": "Astana", "boundary": {"type": "Polygon", "coordinates": [square]}},
    ]


def test_coverage_page_embeds_the_shapes_and_says_which_regions_are_circles(world, login):
    Area.objects.filter(code="71").update(boundary={"type": "Polygon", "coordinates": [
        [[71.2, 51.0], [71.6, 51.0], [71.6, 51.4], [71.2, 51.4], [71.2, 51.0]]]})
    page = login(world.alice).get(reverse("dashboard:coverage", args=["alpha"]))
    html = page.content.decode()
    assert 'id="coverage-shapes"' in html and '"code": "71"' in html
    assert "One region has no boundary on file" in html
    data = login(world.alice).get(reverse("dashboard:coverage_data", args=["alpha"])).json()
    assert {r["code"] for r in data["regions"]} == {"71", "27"}
