"""The hotspots drawn as a static SVG map on the server: the places as points on a plain background (no tiles
fetched from anywhere, so the PDF renderer fetches nothing and the content security policy stays strict)."""

import math
from typing import Any
from xml.sax.saxutils import escape

WIDTH = 640
HEIGHT = 420
MARGIN = 30


def hotspot_map_svg(points: list[dict[str, Any]], *, title: str) -> str:
    """An SVG of numbered points (``lat``, ``lon``, ``number``, ``size`` 0..1), scaled to fit, north up, with the
    longitude shortened by the cosine of the latitude so distances look right. Empty: a note instead."""
    placed = [p for p in points if p.get("lat") is not None and p.get("lon") is not None]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="profile-map" role="img" width="{WIDTH}" height="{HEIGHT}"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f3f2f1" stroke="#b1b4b6"/>',
    ]
    if not placed:
        parts.append(
            f'<text x="{WIDTH // 2}" y="{HEIGHT // 2}" text-anchor="middle" font-size="14" fill="#505a5f">'
            "No hotspot with a location in this period</text>"
        )
        return "".join([*parts, "</svg>"])
    lats = [float(p["lat"]) for p in placed]
    lons = [float(p["lon"]) for p in placed]
    squeeze = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
    off_x = (WIDTH - span_x * scale) / 2
    off_y = (HEIGHT - span_y * scale) / 2
    for point in sorted(placed, key=lambda p: -int(p["number"])):
        x = off_x + (float(point["lon"]) - min(lons)) * squeeze * scale
        y = HEIGHT - (off_y + (float(point["lat"]) - min(lats)) * scale)
        radius = 6 + 10 * float(point.get("size", 0))
        parts.append(
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{radius:.0f}" fill="#d4351c" fill-opacity="0.7" stroke="#0b0c0c"/>'
            f'<text x="{x:.0f}" y="{y + 4:.0f}" text-anchor="middle" font-size="11" fill="#ffffff">'
            f"{int(point['number'])}</text>"
        )
    return "".join([*parts, "</svg>"])
