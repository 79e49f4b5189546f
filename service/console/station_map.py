"""The console's station map: points drawn as SVG in Web Mercator (GCJ-02), over tiles from
CONSOLE_MAP_TILES when set (the page's image policy then lets that host in)."""

import math
from urllib.parse import urlsplit

from flask import current_app

from service.web.security_headers import PAGE_POLICY

MAP_SIZE = (640, 420)
MAX_ZOOM = 17


def _world(lat: float, lng: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel of a point at `zoom` (256-pixel tiles)."""
    size = 256 * 2 ** zoom
    sin = math.sin(math.radians(max(min(lat, 85.0), -85.0)))
    return ((lng + 180) / 360 * size,
            (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * size)


def tile_template() -> str:
    """CONSOLE_MAP_TILES when it is an https template with {z}, {x} and {y}, else ''."""
    template = current_app.config.get("CONSOLE_MAP_TILES") or ""
    ok = template.startswith("https://") and all(p in template for p in ("{z}", "{x}", "{y}"))
    return template if ok else ""


def plot(stations, tiles: str = "") -> dict:
    """The stations as points of an SVG in Web Mercator (GCJ-02), and the tiles behind them.

    Without `tiles` the points draw on a plain background; with it, failed tiles leave the
    background showing and the points in place.
    """
    width, height = MAP_SIZE
    if not stations:
        return {"width": width, "height": height, "points": [], "tiles": []}
    zoom = MAX_ZOOM
    while zoom > 3:
        corners = [_world(s.lat, s.lng, zoom) for s in stations]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        if max(xs) - min(xs) <= width - 40 and max(ys) - min(ys) <= height - 40:
            break
        zoom -= 1
    corners = [_world(s.lat, s.lng, zoom) for s in stations]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    left = (max(xs) + min(xs)) / 2 - width / 2
    top = (max(ys) + min(ys)) / 2 - height / 2
    points = [{"x": round(x - left, 1), "y": round(y - top, 1), "station": s}
              for (x, y), s in zip(corners, stations, strict=True)]
    placed = []
    if tiles:
        last = 2 ** zoom - 1
        for ty in range(max(int(top // 256), 0), min(int((top + height) // 256), last) + 1):
            for tx in range(int(left // 256), int((left + width) // 256) + 1):
                url = tiles.format(z=zoom, x=tx % (last + 1), y=ty)
                placed.append({"x": round(tx * 256 - left, 1), "y": round(ty * 256 - top, 1),
                               "url": url})
    return {"width": width, "height": height, "points": points, "tiles": placed}


def tile_policy(tiles: str) -> dict:
    """The page's Content-Security-Policy letting images come from the tile host too."""
    if not tiles:
        return {}
    parts = urlsplit(tiles)
    host = f"{parts.scheme}://{parts.netloc}"
    return {"Content-Security-Policy": PAGE_POLICY.replace("img-src 'self' data:",
                                                           f"img-src 'self' data: {host}")}
