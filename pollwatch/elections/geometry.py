"""Area boundaries from GeoJSON: checked, simplified, kept small enough to send to every map.

No database here. A boundary is a GeoJSON ``Polygon`` or ``MultiPolygon`` in
longitude/latitude (WGS 84), stored as it would be sent to a browser: simplified with
Douglas-Peucker (``tolerance`` in degrees; 0.01 degree is about 1 km) and coordinates rounded to
``DIGITS`` decimals (about 10 m), so that a country's regions weigh tens of kilobytes, not
megabytes. No GIS library is needed, so SQLite and PostgreSQL work alike.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

DEFAULT_TOLERANCE = 0.01
DIGITS = 4
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


class GeometryError(ValueError):
    pass


@dataclass
class Boundaries:
    """What a GeoJSON file holds: per area code, its geometry; and every problem found."""

    geometries: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: per area code, the index of its feature (counting from 0)
    index_of: dict[str, int] = field(default_factory=dict)
    #: (feature index counting from 0, property or member, message)
    problems: list[tuple[int | None, str, str]] = field(default_factory=list)


def _ring(ring: Any) -> list[tuple[float, float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryError(_("a ring needs at least 4 positions"))
    points = []
    for position in ring:
        if (not isinstance(position, list | tuple) or len(position) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])):
            raise GeometryError(_("%(value)s is not a [longitude, latitude] position")
                                % {"value": repr(position)})
        lon, lat = float(position[0]), float(position[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise GeometryError(_("[%(lon)s, %(lat)s] is outside longitude -180..180, latitude -90..90")
                                % {"lon": lon, "lat": lat})
        points.append((lon, lat))
    if points[0] != points[-1]:
        raise GeometryError(_("a ring must end where it starts"))
    return points


def polygons_of(geometry: Any) -> list[list[list[tuple[float, float]]]]:
    """The polygons (each a list of rings) of a GeoJSON Polygon or MultiPolygon, checked."""
    if not isinstance(geometry, dict):
        raise GeometryError(_("the feature has no geometry"))
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        raise GeometryError(_("geometry type %(type)s is not Polygon or MultiPolygon") % {"type": repr(kind)})
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        raise GeometryError(_("the geometry has no coordinates"))
    polygons = [coordinates] if kind == "Polygon" else coordinates
    result = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise GeometryError(_("a polygon needs at least one ring"))
        result.append([_ring(ring) for ring in polygon])
    return result


def _perpendicular(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify_line(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative (national borders have tens of thousands of points)."""
    if len(points) < 3 or tolerance <= 0:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _simplify_ring(ring: list[tuple[float, float]], tolerance: float) -> list[list[float]] | None:
    # A closed ring: split at its farthest point from the start so both halves simplify.
    far = max(range(len(ring)), key=lambda i: math.hypot(ring[i][0] - ring[0][0], ring[i][1] - ring[0][1]))
    half = simplify_line(ring[:far + 1], tolerance) + simplify_line(ring[far:], tolerance)[1:]
    rounded: list[list[float]] = []
    for lon, lat in half:
        point = [round(lon, DIGITS), round(lat, DIGITS)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if len(rounded) < 4:
        return None  # smaller than the tolerance: an islet or a sliver
    rounded[-1] = rounded[0]
    return rounded


def simplify(geometry: dict[str, Any], tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Any]:
    """A checked, simplified copy of a Polygon or MultiPolygon (a MultiPolygon when it keeps
    several polygons). Polygons smaller than the tolerance are dropped; the largest stays."""
    polygons = polygons_of(geometry)
    kept = []
    for polygon in polygons:
        outer = _simplify_ring(polygon[0], tolerance)
        if outer is None:
            continue
        holes = [h for h in (_simplify_ring(ring, tolerance) for ring in polygon[1:]) if h]
        kept.append([outer, *holes])
    if not kept:  # everything is below the tolerance: keep the largest outer ring as it is
        largest = max(polygons, key=lambda p: len(p[0]))
        kept = [[[[round(x, DIGITS), round(y, DIGITS)] for x, y in largest[0]]]]
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


def read_boundaries(data: bytes | str, code_property: str = "code",
                    tolerance: float = DEFAULT_TOLERANCE) -> Boundaries:
    """Read a GeoJSON FeatureCollection whose features carry an area code in ``code_property``.

    Every feature is checked; problems name the feature by its index (counting from 0).
    """
    result = Boundaries()
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        result.problems.append((None, "", _("not JSON: %(error)s") % {"error": error}))
        return result
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        result.problems.append((None, "type", _("not a GeoJSON FeatureCollection")))
        return result
    first_of = result.index_of
    for index, feature in enumerate(document["features"]):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        raw = properties.get(code_property) if isinstance(properties, dict) else None
        code = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
        if not code:
            result.problems.append((index, code_property, _("no area code in this property")))
            continue
        if code in first_of:
            message = _("%(code)s appears again (first in feature %(index)s)") % {
                "code": repr(code), "index": first_of[code]}
            result.problems.append((index, code_property, message))
            continue
        first_of[code] = index
        try:
            result.geometries[code] = simplify(feature.get("geometry"), tolerance)
        except GeometryError as error:
            result.problems.append((index, "geometry", str(error)))
    return result


def bounds(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a stored boundary."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    xs = [p[0] for polygon in polygons for p in polygon[0]]
    ys = [p[1] for polygon in polygons for p in polygon[0]]
    return min(xs), min(ys), max(xs), max(ys)
