"""The demo's shipped outline of Kazakhstan loads through the areas import."""

from pollwatch.demo.boundaries import load_boundaries
from pollwatch.elections.models import Area


def test_the_shipped_outline_loads_into_the_country_area(world):
    [report] = load_boundaries(world.election)

    assert (report.created, report.source) == (1, "kazakhstan.geojson")
    outline = Area.objects.get(election=world.election, code="KZ").boundary
    assert outline["type"] == "MultiPolygon"
    lons = [p[0] for polygon in outline["coordinates"] for p in polygon[0]]
    lats = [p[1] for polygon in outline["coordinates"] for p in polygon[0]]
    assert 46 < min(lons) < 47 and 87 < max(lons) < 88 and 40 < min(lats) < 41 and 55 < max(lats) < 56
    assert load_boundaries(world.election)[0].unchanged == 1  # already simplified: no change
