"""Area boundaries imported from GeoJSON: checked per feature, simplified, all or nothing."""

import io
import json
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pollwatch.accounts.models import AuditEntry
from pollwatch.elections import geometry
from pollwatch.elections.models import Area
from pollwatch.elections.services import import_areas
from pollwatch.elections.tabular import ImportRejected


def square(west, south, size):
    return [[west, south], [west + size, south], [west + size, south + size], [west, south + size],
            [west, south]]


def feature(code, geom, key="code"):
    return {"type": "Feature", "properties": {key: code, "name": f"area {code}"}, "geometry": geom}


def collection(*features):
    return io.BytesIO(json.dumps({"type": "FeatureCollection", "features": list(features)}).encode())


ASTANA = {"type": "Polygon", "coordinates": [square(71.2, 51.0, 0.4)]}
WEST = {"type": "MultiPolygon", "coordinates": [[square(48.0, 48.0, 5.0)], [square(54.0, 50.0, 1.0)]]}


def test_geojson_sets_the_boundaries_of_existing_areas(world):
    report = import_areas(world.election, collection(feature("71", ASTANA), feature(27, WEST)),
                          "test", name="regions.geojson")

    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    astana = Area.objects.get(election=world.election, code="71")
    assert astana.boundary == {"type": "Polygon", "coordinates": [[[71.2, 51.0], [71.6, 51.0], [71.6, 51.4],
                                                                   [71.2, 51.4], [71.2, 51.0]]]}
    assert Area.objects.get(election=world.election, code="27").boundary["type"] == "MultiPolygon"
    assert Area.objects.get(election=world.election, code="KZ").boundary is None
    entry = AuditEntry.objects.filter(model="elections.Area").latest("pk")
    assert entry.changes["boundaries_set"] == ["71", "27"]
    again = import_areas(world.election, collection(feature("71", ASTANA), feature("27", WEST)),
                         "test", name="regions.geojson")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_another_code_property_through_the_command(world, tmp_path, capsys):
    path = tmp_path / "regions.geojson"
    path.write_bytes(collection(feature("71", ASTANA, key="iso")).getvalue())

    call_command("import_areas", str(path), election="kz-test", code_property="iso")

    assert "1 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert Area.objects.get(election=world.election, code="71").boundary is not None


def rejected(world, *features):
    with pytest.raises(ImportRejected) as error:
        import_areas(world.election, collection(*features), "test", name="bad.geojson")
    assert not Area.objects.filter(boundary__isnull=False).exists()
    return error.value.report.error_lines()


def test_a_bad_feature_is_named_by_its_index_and_nothing_is_written(world):
    lines = rejected(world, feature("71", ASTANA), feature("27", {"type": "Polygon",
                                                                   "coordinates": [[[48, 48], [49, 48]]]}))
    assert lines == ["bad.geojson, feature 1 (counting from 0), geometry: a ring needs at least 4 positions"]


def test_a_feature_without_the_code_property(world):
    lines = rejected(world, {"type": "Feature", "properties": {"name": "Astana"}, "geometry": ASTANA})
    assert lines == ["bad.geojson, feature 0 (counting from 0), code: no area code in this property"]


def test_an_unknown_area_code(world):
    lines = rejected(world, feature("71", ASTANA), feature("99", ASTANA))
    assert lines == ["bad.geojson, feature 1 (counting from 0), code: no area with code '99' in kz-test"]


def test_a_wrong_geometry_type(world):
    lines = rejected(world, feature("71", {"type": "Point", "coordinates": [71.4, 51.1]}),
                     feature("27", {"type": "LineString", "coordinates": [[48, 48], [49, 49]]}))
    assert lines == [
        "bad.geojson, feature 0 (counting from 0), geometry: geometry type 'Point' is not Polygon or MultiPolygon",
        "bad.geojson, feature 1 (counting from 0), geometry: geometry type 'LineString' is not Polygon or MultiPolygon",
    ]


def test_not_a_feature_collection_and_the_command_exits_2(world, tmp_path, capsys):
    path = tmp_path / "regions.geojson"
    path.write_text(json.dumps({"type": "Feature", "geometry": ASTANA}))
    with pytest.raises(CommandError) as error:
        call_command("import_areas", str(path), election="kz-test")
    assert error.value.returncode == 2
    assert "regions.geojson, type: not a GeoJSON FeatureCollection" in capsys.readouterr().err


def test_simplify_keeps_the_shape_and_drops_points_within_the_tolerance():
    # A circle of 2,000 points, radius 1 degree: simplified at 0.01 degree it keeps a few dozen.
    ring = [[70 + math.cos(2 * math.pi * i / 2000), 50 + math.sin(2 * math.pi * i / 2000)]
            for i in range(2000)]
    ring.append(ring[0])
    shape = geometry.simplify({"type": "Polygon", "coordinates": [ring]}, 0.01)
    points = shape["coordinates"][0]
    assert 20 < len(points) < 100
    assert points[0] == points[-1]
    assert all(abs(math.hypot(x - 70, y - 50) - 1) < 0.011 for x, y in points)
    west, south, east, north = geometry.bounds(shape)
    assert (round(west), round(south), round(east), round(north)) == (69, 49, 71, 51)


def test_simplify_drops_islets_below_the_tolerance_but_never_everything():
    tiny = square(60.0, 40.0, 0.001)
    shape = geometry.simplify({"type": "MultiPolygon", "coordinates": [[square(48, 48, 5)], [tiny]]}, 0.01)
    assert shape == {"type": "Polygon", "coordinates": [square(48, 48, 5)]}
    alone = geometry.simplify({"type": "Polygon", "coordinates": [tiny]}, 0.01)
    assert alone["type"] == "Polygon" and len(alone["coordinates"][0]) == 5
