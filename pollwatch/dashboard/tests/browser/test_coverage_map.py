"""The coverage map with no tile server: the country and its regions drawn from imported
boundaries (SVG paths), markers clustered where stations pile up, a click on a region zooms in
and shows its figures; at desktop and phone widths, with no Content-Security-Policy violation."""

import datetime as dt
import io
import json

import pytest

from pollwatch.browsertest import PHONE

from ..reports import install_forms
from .test_content_security_policy import violations, watched

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}


def square(west, south, east, north):
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


@pytest.fixture
def mapped(world, settings):
    from pollwatch.elections.models import PollingStation
    from pollwatch.elections.services import import_areas
    from pollwatch.missions.models import Assignment

    settings.MAP_TILES_URL = ""
    install_forms(world.alpha)
    features = [
        {"type": "Feature", "properties": {"code": "KZ"},
         "geometry": {"type": "Polygon", "coordinates": square(46.5, 40.5, 87.3, 55.4)}},
        {"type": "Feature", "properties": {"code": "71"},
         "geometry": {"type": "Polygon", "coordinates": square(71.0, 50.8, 71.9, 51.4)}},
        {"type": "Feature", "properties": {"code": "27"},
         "geometry": {"type": "Polygon", "coordinates": square(46.6, 47.8, 54.8, 51.9)}},
    ]
    upload = io.BytesIO(json.dumps({"type": "FeatureCollection", "features": features}).encode())
    import_areas(world.election, upload, "test", name="regions.geojson")
    world.station_astana.latitude, world.station_astana.longitude = 51.16, 71.45
    world.station_astana.save()
    world.station_west.latitude, world.station_west.longitude = 51.23, 51.37
    world.station_west.save()
    due = dt.datetime(2023, 3, 19, 3, 0, tzinfo=dt.UTC)
    for n in range(6):  # six more stations in Astana, a few hundred metres apart: one cluster
        station = PollingStation.objects.create(
            election=world.election, area=world.astana, region=world.astana, code=f"7110{n}",
            name=f"School {n}", latitude=51.10 + n * 0.01, longitude=71.40 + n * 0.01,
            timezone="Asia/Almaty")
        Assignment.objects.create(team=world.team_ipa, station=station, phase="opening", report_due_at=due)
    return world


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366px", "360px"])
def test_map_draws_regions_and_clusters_and_drills_into_a_region(mapped, live_server, signed_in,
                                                                 viewport, tmp_path):
    page = signed_in(mapped.alice, viewport=viewport)
    console = watched(page)
    page.goto(f"{live_server.url}/m/alpha/coverage/?phase=opening")
    page.wait_for_selector("#coverage-map[data-loaded='1']")

    overlay = page.locator("#coverage-map .leaflet-overlay-pane svg path")
    assert page.locator("#coverage-map .leaflet-overlay-pane svg path.map-country").count() == 1
    assert page.locator("#coverage-map .leaflet-overlay-pane svg path.map-region-shape").count() == 2
    assert overlay.count() == 3
    # Nothing has reported yet at this moment of the test: every region in the lowest shade.
    assert page.locator("path.map-region-shape.shade-0").count() == 2
    assert page.locator(".leaflet-tile").count() == 0  # no tile server asked for anything
    cluster = page.locator(".cluster")
    assert cluster.count() >= 1
    assert int(cluster.first.locator("span").inner_text()) >= 6
    assert "!" in cluster.first.inner_text()  # all of them overdue: the overdue count shows

    zoom_before = page.evaluate("window.pollwatchCoverage.map.getZoom()")
    page.evaluate("window.pollwatchCoverage.select('71')")  # as a click on the region does
    page.wait_for_function(f"window.pollwatchCoverage.map.getZoom() > {zoom_before} + 2")
    assert page.locator("#coverage-map").get_attribute("data-selected") == "71"
    panel = page.locator("#map-region")
    assert "Astana" in panel.inner_text() and "7" in panel.inner_text()
    assert page.locator("#map-country").is_visible()

    page.click("#map-country")
    page.wait_for_function(f"Math.abs(window.pollwatchCoverage.map.getZoom() - {zoom_before}) < 0.5")
    page.click(".map-modes [data-mode='problem']")
    assert page.locator("#shades-problem").is_visible()
    assert not page.locator("#shades-reported").is_visible()
    assert violations(page, console) == []
    page.screenshot(path=tmp_path / f"coverage-{viewport['width']}.png")


def test_a_real_click_on_a_region_zooms_into_it(mapped, live_server, signed_in):
    page = signed_in(mapped.alice, viewport=WIDE)
    page.goto(f"{live_server.url}/m/alpha/coverage/?phase=opening")
    page.wait_for_selector("#coverage-map[data-loaded='1']")
    zoom_before = page.evaluate("window.pollwatchCoverage.map.getZoom()")
    west = page.locator("path.map-region-shape[data-region='27']")  # far from the Astana cluster
    box = west.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7)
    page.wait_for_function(f"window.pollwatchCoverage.map.getZoom() > {zoom_before} + 1")
    assert page.locator("#coverage-map").get_attribute("data-selected") == "27"
    assert "West Kazakhstan Region" in page.inner_text("#map-region")
