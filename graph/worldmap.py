"""The offline world map: partner cities coloured by goal on an equirectangular SVG drawn
from the countryinfo package's country outlines; nothing is fetched from the network."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import networkx as nx

from graph.visual import BASIS_ORDER, BASIS_ZH, GOAL_BY_KEY, GOALS, NO_GOAL

_SCALE = 2.5  # SVG units per degree (equirectangular)
_NORTH, _SOUTH = 84.0, -58.0  # the map leaves out the polar seas


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return (lon + 180.0) * _SCALE, (_NORTH - lat) * _SCALE


@cache
def country_outlines() -> tuple[tuple[str, str], ...]:
    """(ISO alpha-2, SVG path) for every country the countryinfo package outlines (Natural
    Earth 1:110m, public domain); empty when the package is missing."""
    try:
        folder = resources.files("countryinfo").joinpath("data")
    except ModuleNotFoundError:
        return ()
    outlines = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".json"):
            continue
        record = json.loads(item.read_text(encoding="utf-8"))
        features = (record.get("geoJSON") or {}).get("features") or []
        iso = str((record.get("ISO") or {}).get("alpha2") or "")
        rings = []
        for feature in features:
            geometry = feature.get("geometry") or {}
            polygons = geometry.get("coordinates") or []
            if geometry.get("type") == "Polygon":
                polygons = [polygons]
            for polygon in polygons:
                rings.extend(polygon)
        path = " ".join(_ring_path(ring) for ring in rings if len(ring) > 2)
        if path:
            outlines.append((iso, path))
    return tuple(outlines)


def _ring_path(ring: list[list[float]]) -> str:
    points = [_xy(lon, max(_SOUTH, min(_NORTH, lat))) for lon, lat, *_ in ring]
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"


def partner_places(graph: nx.MultiDiGraph, links: Mapping[str, Mapping[str, str]],
                   home: str | None = None) -> list[dict[str, Any]]:
    """Geolocated foreign cities (and the home city) with their goals, strongest basis
    first. Other cities of the home country are no partners and stay off the map."""
    home_country = graph.nodes[home].get("country") if home in graph else None
    keys = [g.key for g in GOALS]
    places = []
    for n, attrs in graph.nodes(data=True):
        if attrs.get("type") != "City" or "lat" not in attrs or "lon" not in attrs:
            continue
        if n != home and home_country and attrs.get("country") == home_country:
            continue
        goals = {k: b for k, b in links.get(n, {}).items() if k in GOAL_BY_KEY}
        order = sorted(goals, key=lambda k: (BASIS_ORDER.index(goals[k]), keys.index(k)))
        places.append({"iri": n, "label": attrs.get("label", ""),
                       "label_en": attrs.get("label_en", ""), "country": attrs.get("country", ""),
                       "lat": float(attrs["lat"]), "lon": float(attrs["lon"]),
                       "goals": {k: goals[k] for k in order}, "home": n == home})
    return sorted(places, key=lambda p: (p["home"], p["lon"], p["lat"]))


_MAP_FONT = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif'


def world_map_svg(graph: nx.MultiDiGraph, links: Mapping[str, Mapping[str, str]],
                  home: str | None = None, *, width: str = "100%") -> str:
    """Partner cities on an equirectangular world map, coloured by their first goal: a
    filled dot when the text ties the city to the goal, a ring when it is only inferred."""
    places = partner_places(graph, links, home)
    partner_countries = {p["country"] for p in places}
    w, h = 360 * _SCALE, (_NORTH - _SOUTH) * _SCALE
    out = [f'<svg class="waishi-map" viewBox="0 0 {w:.0f} {h:.0f}" width="{width}" role="img" '
           f"aria-label=\"partner cities world map\" font-family='{_MAP_FONT}' "
           'style="background:#eef6fb;border:1px solid #d1d5db;border-radius:8px">',
           '<g stroke="#dbe4ea" stroke-width="0.6" fill="none">']
    for lon in range(-180, 181, 30):
        x = _xy(lon, 0)[0]
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{h:.0f}"/>')
    for lat in range(-30, 90, 30):
        y = _xy(0, lat)[1]
        out.append(f'<line x1="0" y1="{y:.1f}" x2="{w:.0f}" y2="{y:.1f}"/>')
    out.append('</g><g stroke="#ffffff" stroke-width="0.4">')
    for iso, path in country_outlines():
        fill = "#e8dcc4" if iso in partner_countries else "#d9dde1"
        out.append(f'<path d="{path}" fill="{fill}"><title>{html.escape(iso)}</title></path>')
    out.append("</g>")
    taken: list[tuple[float, float, float]] = []  # label boxes placed so far: x, y, width
    for place in places:
        x, y = _xy(place["lon"], place["lat"])
        goals = place["goals"]
        first = next(iter(goals), None)
        colour = GOAL_BY_KEY[first].colour if first else NO_GOAL
        fill = "#ffffff" if first and goals[first] == "inferred" else colour
        tip = [f"{place['label']} {place['label_en']} ({place['country']})"]
        tip += [f"{GOAL_BY_KEY[k].title}: {BASIS_ZH[b]} {b}" for k, b in goals.items()]
        label = str(place["label"])
        lx, ly = _label_spot(x, y, 11.0 * len(label), w, taken)
        if place["home"]:
            dot = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#111827" stroke="#fff" '
                   'stroke-width="2"/>')
        else:
            dot = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="{colour}" '
                   'stroke-width="2.5"/>')
        out.append(f'<g class="{"home" if place["home"] else "city"}" '
                   f'data-iri="{html.escape(place["iri"])}" data-goal="{first or ""}">'
                   f'<title>{html.escape(chr(10).join(tip))}</title>{dot}'
                   f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" fill="#111827" '
                   f'font-weight="{600 if place["home"] else 400}">{html.escape(label)}</text></g>')
    out.append(_map_legend(h))
    out.append("</svg>")
    return "".join(out)


def _label_spot(x: float, y: float, width: float, map_width: float,
                taken: list[tuple[float, float, float]]) -> tuple[float, float]:
    """Beside the dot, moved down a line until it overlaps no label placed before."""
    lx = x + 8 if x + 8 + width < map_width else x - 8 - width
    ly = y - 4
    for _ in range(8):
        if not any(abs(ly - ty) < 12 and lx < tx + tw and tx < lx + width for tx, ty, tw in taken):
            break
        ly += 12
    taken.append((lx, ly, width))
    return lx, ly


def _map_legend(height: float) -> str:
    rows = [(g.colour, g.colour, g.title) for g in GOALS]
    rows += [(NO_GOAL, NO_GOAL, "无目标 no goal"),
             ("#ffffff", "#374151", "空心：推断 ring: inferred (membership)"),
             ("#111827", "#111827", "本市 home city")]
    top = height - 18 * len(rows) - 12
    out = [f'<g class="legend" font-size="11"><rect x="8" y="{top:.0f}" width="236" '
           f'height="{18 * len(rows) + 6}" fill="#ffffff" opacity="0.92" rx="4"/>']
    for k, (fill, stroke, text) in enumerate(rows):
        y = top + 16 + 18 * k
        out.append(f'<circle cx="20" cy="{y - 4:.0f}" r="5" fill="{fill}" stroke="{stroke}" '
                   f'stroke-width="2"/><text x="32" y="{y:.0f}">{html.escape(text)}</text>')
    return "".join(out) + "</g>"
