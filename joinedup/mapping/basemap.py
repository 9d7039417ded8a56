"""The demo's base map: the streets, wards, river, canal, railway and parks of the fictional borough of
Wealdbridge, as GeoJSON the maps draw without the internet.

Generated, the same every time, around the places the demo's extracts name (the Station Hotel on Station Road,
the kebab house on Mill Lane, the flat on Canal Street, the recreation ground by the river), and kept as a
static file (``STATIC_PATH``) that the app serves; ``manage.py wealdbridge_basemap`` writes it again and a test
checks that the file is what this module makes. For a real area, ``JOINEDUP_MAP_BASEMAP_URL`` names another
GeoJSON file of the same shape, or ``JOINEDUP_MAP_TILES_URL`` a tile server (docs/linkage-and-mapping.md).

Each feature has ``kind`` (``ward``, ``park``, ``water``, ``railway``, ``main_road`` or ``street``) and
``name``; wards have ``postcode_district`` too: the demo's postcode districts follow its wards (WB1 is
Station ward).
"""

import json
import random
from pathlib import Path
from typing import Any

STATIC_NAME = "joinedup/mapping/wealdbridge-basemap.geojson"
STATIC_PATH = Path(__file__).resolve().parents[2] / "static" / STATIC_NAME

# The borough's extent: south, west, north, east.
SOUTH, WEST, NORTH, EAST = 53.7250, -1.6350, 53.7600, -1.5800
# The wards, north row first, west to east, each with the postcode district it holds.
WARDS = [
    [("Northgate", "WB7"), ("Station", "WB1"), ("Eastfield", "WB8")],
    [("Canalside", "WB5"), ("Town Centre", "WB2"), ("Millbank", "WB3")],
    [("Southwood", "WB9"), ("Riverside", "WB6"), ("Ashby", "WB4")],
]
SEED = 20261205
DIGITS = 5

Point = tuple[float, float]  # (longitude, latitude), GeoJSON's order


def _round(point: Point) -> list[float]:
    return [round(point[0], DIGITS), round(point[1], DIGITS)]


def _line(points: list[Point]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [_round(p) for p in points]}


def _polygon(points: list[Point]) -> dict[str, Any]:
    ring = [_round(p) for p in points]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _feature(kind: str, name: str, geometry: dict[str, Any], **extra: str) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"kind": kind, "name": name, **extra}, "geometry": geometry}


def _ward_grid(rng: random.Random) -> list[list[Point]]:
    """The corners of the wards: a 4 by 4 grid whose inner corners are moved a little, so wards share edges
    but are not squares."""
    rows, cols = len(WARDS), len(WARDS[0])
    grid: list[list[Point]] = []
    for r in range(rows + 1):
        lat = NORTH - (NORTH - SOUTH) * r / rows
        row: list[Point] = []
        for c in range(cols + 1):
            lon = WEST + (EAST - WEST) * c / cols
            if 0 < r < rows and 0 < c < cols:
                row.append((lon + rng.uniform(-0.0020, 0.0020), lat + rng.uniform(-0.0012, 0.0012)))
            else:
                row.append((lon, lat))
        grid.append(row)
    return grid


def _wards(rng: random.Random) -> list[dict[str, Any]]:
    grid = _ward_grid(rng)
    features = []
    for r, names in enumerate(WARDS):
        for c, (name, district) in enumerate(names):
            corners = [grid[r][c], grid[r][c + 1], grid[r + 1][c + 1], grid[r + 1][c]]
            features.append(_feature("ward", name, _polygon(corners), postcode_district=district))
    return features


def _wavy(start: Point, end: Point, rng: random.Random, steps: int = 8, wobble: float = 0.0006) -> list[Point]:
    """A line from start to end that bends a little, as real roads and rivers do."""
    points = [start]
    for i in range(1, steps):
        t = i / steps
        points.append(
            (
                start[0] + (end[0] - start[0]) * t + rng.uniform(-wobble, wobble) * 0.5,
                start[1] + (end[1] - start[1]) * t + rng.uniform(-wobble, wobble),
            )
        )
    points.append(end)
    return points


# The named roads the demo's places stand on, as (name, kind, from, to).
ROADS: list[tuple[str, str, Point, Point]] = [
    ("Station Road", "main_road", (-1.6330, 53.7508), (-1.5820, 53.7514)),
    ("High Street", "main_road", (-1.6075, 53.7270), (-1.6080, 53.7590)),
    ("Mill Lane", "main_road", (-1.5960, 53.7430), (-1.5840, 53.7525)),
    ("Canal Street", "main_road", (-1.6340, 53.7394), (-1.6060, 53.7396)),
    ("Bradford Road", "main_road", (-1.6340, 53.7560), (-1.6080, 53.7470)),
    ("Leeds Road", "main_road", (-1.6075, 53.7440), (-1.5810, 53.7400)),
    ("Riverside Walk", "street", (-1.6240, 53.7322), (-1.5990, 53.7330)),
]
WATER: list[tuple[str, Point, Point]] = [
    ("River Weald", (-1.6350, 53.7300), (-1.5800, 53.7345)),
    ("Wealdbridge Canal", (-1.6350, 53.7386), (-1.6000, 53.7380)),
]
STREET_NAMES = [
    "Ash Grove",
    "Beech Avenue",
    "Chapel Street",
    "Church Lane",
    "Cross Street",
    "Dale View",
    "Elm Terrace",
    "Foundry Street",
    "Garden Street",
    "Hall Lane",
    "Holly Close",
    "King Street",
    "Larch Drive",
    "Market Street",
    "Moor Lane",
    "New Street",
    "Oak Road",
    "Park Road",
    "Queen Street",
    "Rose Hill",
    "School Lane",
    "Spring Gardens",
    "Victoria Road",
    "Water Lane",
    "Well Street",
    "Willow Crescent",
    "York Street",
]


def _streets(rng: random.Random) -> list[dict[str, Any]]:
    features = [_feature(kind, name, _line(_wavy(a, b, rng, wobble=0.0003))) for name, kind, a, b in ROADS]
    for name in STREET_NAMES:
        lat = rng.uniform(SOUTH + 0.002, NORTH - 0.002)
        lon = rng.uniform(WEST + 0.002, EAST - 0.008)
        length = rng.uniform(0.004, 0.009)
        if rng.random() < 0.5:
            end = (lon + length, lat + rng.uniform(-0.001, 0.001))
        else:
            end = (lon + rng.uniform(-0.001, 0.001), lat + length * 0.6)
        features.append(_feature("street", name, _line(_wavy((lon, lat), end, rng, steps=3, wobble=0.0002))))
    return features


def basemap_build() -> dict[str, Any]:
    """The base map of Wealdbridge as a GeoJSON FeatureCollection, the same on every call."""
    rng = random.Random(SEED)  # noqa: S311 - a drawing, not a secret
    features = _wards(rng)
    features.append(
        _feature(
            "park",
            "Riverside recreation ground",
            _polygon([(-1.6150, 53.7320), (-1.6085, 53.7322), (-1.6083, 53.7350), (-1.6148, 53.7352)]),
        )
    )
    for name, a, b in WATER:
        features.append(_feature("water", name, _line(_wavy(a, b, rng, steps=12, wobble=0.0008))))
    features.append(_feature("railway", "Railway", _line(_wavy((-1.6350, 53.7530), (-1.5800, 53.7536), rng))))
    features.extend(_streets(rng))
    return {"type": "FeatureCollection", "name": "Wealdbridge (fictional)", "features": features}


def basemap_text() -> str:
    """The file as written: one feature a line, so a change reads well in a diff."""
    data = basemap_build()
    lines = [json.dumps(feature, sort_keys=True, separators=(",", ":")) for feature in data["features"]]
    head = f'{{"type":"FeatureCollection","name":{json.dumps(data["name"])},"features":[\n'
    return head + ",\n".join(lines) + "\n]}\n"


def basemap_write(path: Path = STATIC_PATH) -> Path:
    path.write_text(basemap_text(), encoding="utf-8")
    return path


def ward_of_district(district: str) -> str:
    """The demo ward that holds a postcode district ("WB1" is Station), or "" for any other district."""
    for row in WARDS:
        for name, held in row:
            if held == district.upper():
                return name
    return ""


def map_settings() -> dict[str, str]:
    """What a page's map needs to draw its base map: the GeoJSON file (``JOINEDUP_MAP_BASEMAP_URL``; a value
    starting ``static:`` names a static file the app serves), the tile server, or both, as configured."""
    from django.conf import settings
    from django.templatetags.static import static

    basemap = getattr(settings, "JOINEDUP_MAP_BASEMAP_URL", "")
    return {
        "tiles_url": getattr(settings, "JOINEDUP_MAP_TILES_URL", ""),
        "tiles_attribution": getattr(settings, "JOINEDUP_MAP_TILES_ATTRIBUTION", ""),
        "basemap_url": static(basemap.removeprefix("static:")) if basemap.startswith("static:") else basemap,
    }
