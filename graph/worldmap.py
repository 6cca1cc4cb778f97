"""The offline world map: partner cities coloured by goal on an equirectangular SVG drawn
from the countryinfo package's country outlines; nothing is fetched from the network."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
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


# Label sizes in SVG units: a Chinese name over its English one.
_ZH_SIZE, _EN_SIZE = 11.0, 8.5
_DOT_R, _HOME_R = 5.0, 7.0


@dataclass(frozen=True)
class LabelSpot:
    """Where a city's label goes: its box (left, top, width, height), and how it is tied to
    its dot: beside it, at the end of a leader line, or shown only on hover."""

    x: float
    y: float
    w: float
    h: float
    how: str  # "beside", "leader" or "hover"


def label_size(zh: str, en: str) -> tuple[float, float]:
    width = max(_ZH_SIZE * len(zh), 0.55 * _EN_SIZE * len(en))
    return width + 2, (_ZH_SIZE + _EN_SIZE + 3) if en else _ZH_SIZE + 2


def place_labels(dots: list[tuple[float, float, float]], sizes: list[tuple[float, float]],
                 width: float, height: float,
                 obstacles: tuple[tuple[float, float, float, float], ...] = ()) -> list[LabelSpot]:
    """A spot for each dot's label (dots are x, y, radius) that never sits beside another dot:
    the box overlaps no other dot, no label placed before and no obstacle (the legend). Next to
    the dot if such a spot is free, else at the end of a leader line that passes no other dot,
    else shown on hover only."""
    placed: list[tuple[float, float, float, float]] = list(obstacles)
    spots = []
    for k, ((x, y, r), (w, h)) in enumerate(zip(dots, sizes, strict=True)):
        others = [d for j, d in enumerate(dots) if j != k]
        gap = r + 3
        beside = [(x + gap, y - h / 2), (x - gap - w, y - h / 2), (x - w / 2, y - gap - h),
                  (x - w / 2, y + gap), (x + gap, y - h), (x + gap, y), (x - gap - w, y - h),
                  (x - gap - w, y)]
        spot = next((LabelSpot(lx, ly, w, h, "beside") for lx, ly in beside
                     if _free(lx, ly, w, h, others, placed, width, height)), None)
        if spot is None:
            spot = _leader_spot(x, y, r, w, h, others, placed, width, height)
        if spot is None:
            spot = LabelSpot(beside[0][0], beside[0][1], w, h, "hover")
        else:
            placed.append((spot.x, spot.y, spot.w, spot.h))
        spots.append(spot)
    return spots


def _leader_spot(x: float, y: float, r: float, w: float, h: float,
                 others: list[tuple[float, float, float]],
                 placed: list[tuple[float, float, float, float]],
                 width: float, height: float) -> LabelSpot | None:
    for distance in (26.0, 40.0, 56.0, 74.0):
        for step in range(16):
            angle = math.pi * 2 * step / 16
            ex, ey = x + distance * math.cos(angle), y + distance * math.sin(angle)
            lx = ex if math.cos(angle) >= 0 else ex - w
            ly = ey - h / 2
            if not _free(lx, ly, w, h, others, placed, width, height):
                continue
            if any(_segment_near(x, y, ex, ey, ox, oy, orad + 2) for ox, oy, orad in others):
                continue
            return LabelSpot(lx, ly, w, h, "leader")
    return None


def _free(lx: float, ly: float, w: float, h: float, others: list[tuple[float, float, float]],
          placed: list[tuple[float, float, float, float]], width: float, height: float) -> bool:
    if lx < 2 or ly < 2 or lx + w > width - 2 or ly + h > height - 2:
        return False
    for ox, oy, orad in others:  # no other dot inside the box or within a few units of it
        near_x, near_y = min(max(ox, lx), lx + w), min(max(oy, ly), ly + h)
        if math.hypot(ox - near_x, oy - near_y) < orad + 4:
            return False
    return not any(lx < px + pw + 1 and px < lx + w + 1 and ly < py + ph + 1 and py < ly + h + 1
                   for px, py, pw, ph in placed)


def _segment_near(x1: float, y1: float, x2: float, y2: float, px: float, py: float,
                  distance: float) -> bool:
    dx, dy = x2 - x1, y2 - y1
    t = max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / ((dx * dx + dy * dy) or 1.0)))
    return math.hypot(px - (x1 + t * dx), py - (y1 + t * dy)) < distance


def world_map_svg(graph: nx.MultiDiGraph, links: Mapping[str, Mapping[str, str]],
                  home: str | None = None, *, width: str = "100%") -> str:
    """Partner cities on an equirectangular world map, coloured by their first goal: a
    filled dot when the text ties the city to the goal, a ring when it is only inferred.
    Labels are bilingual and never sit beside another city's dot (see `place_labels`)."""
    places = partner_places(graph, links, home)
    # the home city and the cities the text ties to a goal choose their label spot first
    places.sort(key=lambda p: (not p["home"], _strength(p["goals"]), p["lon"], p["lat"]))
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
    dots = [(*_xy(p["lon"], p["lat"]), _HOME_R if p["home"] else _DOT_R) for p in places]
    names = [(str(p["label"]), str(p["label_en"] if p["label_en"] != p["label"] else ""))
             for p in places]
    legend = _legend_box(h)
    spots = place_labels(dots, [label_size(zh, en) for zh, en in names], w, h, (legend,))
    marks: list[str] = []
    on_hover: list[str] = []
    for place, (x, y, _), (zh, en), spot in zip(places, dots, names, spots, strict=True):
        goals = place["goals"]
        first = next(iter(goals), None)
        colour = GOAL_BY_KEY[first].colour if first else NO_GOAL
        fill = "#ffffff" if first and goals[first] == "inferred" else colour
        tip = [f"{zh} {en} ({place['country']})"]
        tip += [f"{GOAL_BY_KEY[k].title}: {BASIS_ZH[b]} {b}" for k, b in goals.items()]
        if place["home"]:
            dot = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_HOME_R:g}" fill="#111827" '
                   'stroke="#fff" stroke-width="2"/>')
        else:
            dot = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_DOT_R:g}" fill="{fill}" '
                   f'stroke="{colour}" stroke-width="2.5"/>')
        (on_hover if spot.how == "hover" else marks).append(
                     f'<g class="{"home" if place["home"] else "city"}" '
                     f'data-iri="{html.escape(place["iri"])}" data-goal="{first or ""}" '
                     f'data-label="{spot.how}"><title>{html.escape(chr(10).join(tip))}</title>'
                     f"{dot}{_label_svg(x, y, zh, en, spot, bool(place['home']))}</g>")
    # the cities whose label shows on hover come last: a hovered label is drawn over the rest
    out.append(_HOVER_STYLE + '<g class="dots">' + "".join(marks + on_hover) + "</g>")
    out.append(_map_legend(h))
    out.append("</svg>")
    return "".join(out)


def _strength(goals: Mapping[str, str]) -> int:
    return min((BASIS_ORDER.index(b) for b in goals.values()), default=len(BASIS_ORDER))


def _label_svg(x: float, y: float, zh: str, en: str, spot: LabelSpot, home: bool) -> str:
    parts = []
    if spot.how == "leader":
        ex = spot.x if spot.x >= x else spot.x + spot.w
        ey = spot.y + spot.h / 2
        parts.append(f'<line class="leader" x1="{x:.1f}" y1="{y:.1f}" x2="{ex:.1f}" '
                     f'y2="{ey:.1f}" stroke="#6b7280" stroke-width="0.8"/>')
    css = "hover-label" if spot.how == "hover" else "label"
    weight = 600 if home else 400
    parts.append(f'<g class="{css}"><rect x="{spot.x:.1f}" y="{spot.y:.1f}" width="{spot.w:.1f}" '
                 f'height="{spot.h:.1f}" rx="2" fill="#ffffff" opacity="0.8"/>'
                 f'<text x="{spot.x + 1:.1f}" y="{spot.y + _ZH_SIZE:.1f}" font-size="{_ZH_SIZE:g}" '
                 f'fill="#111827" font-weight="{weight}">{html.escape(zh)}</text>')
    if en:
        parts.append(f'<text x="{spot.x + 1:.1f}" y="{spot.y + _ZH_SIZE + _EN_SIZE + 1:.1f}" '
                     f'font-size="{_EN_SIZE:g}" fill="#374151">{html.escape(en)}</text>')
    parts.append("</g>")
    return "".join(parts)


_LEGEND_ROWS = 8
_HOVER_STYLE = ("<style>.waishi-map .hover-label{opacity:0;pointer-events:none}"
                ".waishi-map g:hover>.hover-label{opacity:1}"
                ".waishi-map g.city:hover>circle{stroke-width:4}</style>")


def _legend_box(height: float) -> tuple[float, float, float, float]:
    top = height - 18 * _LEGEND_ROWS - 12
    return 8.0, top, 236.0, 18.0 * _LEGEND_ROWS + 6


def _map_legend(height: float) -> str:
    rows = [(g.colour, g.colour, g.title) for g in GOALS]
    rows += [(NO_GOAL, NO_GOAL, "无目标 no goal"),
             ("#ffffff", "#374151", "空心：推断 ring: inferred (membership)"),
             ("#111827", "#111827", "本市 home city")]
    x, top, lw, lh = _legend_box(height)
    out = [f'<g class="legend" font-size="11"><rect x="{x:.0f}" y="{top:.0f}" width="{lw:.0f}" '
           f'height="{lh:.0f}" fill="#ffffff" opacity="0.92" rx="4"/>']
    for k, (fill, stroke, text) in enumerate(rows):
        y = top + 16 + 18 * k
        out.append(f'<circle cx="20" cy="{y - 4:.0f}" r="5" fill="{fill}" stroke="{stroke}" '
                   f'stroke-width="2"/><text x="32" y="{y:.0f}">{html.escape(text)}</text>')
    return "".join(out) + "</g>"
