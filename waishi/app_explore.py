"""The Explore tab's views: which entities the graph shows (first view, focus, expand, goals,
path), as updates the drawn network applies in place, and the list of every entity."""

from __future__ import annotations

import html
import json
from typing import Any

import networkx as nx

from graph import visual
from graph.network import shortest_path
from graph.visual import GOAL_BY_KEY, TYPE_STYLES
from waishi.app_views import Views

GRAPH_HEIGHT = 620


def state(view: set[str] | list[str], selected: str | None = None,
          path: list[str] | None = None, seq: int = 0) -> dict[str, Any]:
    """What one page's graph shows; `seq` numbers its updates."""
    return {"view": sorted(view), "selected": selected, "path": path or [], "seq": seq}


def first_state(views: Views, seq: int = 0) -> dict[str, Any]:
    return state(visual.first_view(views.graph, views.home), seq=seq)


def _next(old: dict[str, Any], view: set[str] | list[str], selected: str | None = None,
          path: list[str] | None = None) -> dict[str, Any]:
    return state(view, selected, path, int(old.get("seq", 0)) + 1)


def reset(views: Views, old: dict[str, Any]) -> dict[str, Any]:
    return _next(old, visual.first_view(views.graph, views.home))


def focus(views: Views, old: dict[str, Any], iri: str | None) -> tuple[dict[str, Any], str]:
    """The entity with its neighbours, selected; the rest of the picture hidden."""
    if not iri or iri not in views.graph:
        return old, ("图中没有这个实体 · not an entity of the graph" if iri else "")
    return _next(old, visual.neighbourhood(views.graph, iri), selected=iri), ""


def select(old: dict[str, Any], iri: str | None) -> dict[str, Any]:
    """A click on a node: it becomes the selection (its card shows), nothing is redrawn."""
    return {**old, "selected": iri or None}


def expand(views: Views, old: dict[str, Any], iri: str | None) -> tuple[dict[str, Any], str]:
    """The entity's neighbours join the picture; says so when they are all there already."""
    iri = iri or old.get("selected")
    if not iri or iri not in views.graph:
        return old, "先选择一个实体 · select an entity first (click a node)"
    around = set(nx.all_neighbors(views.graph, iri))
    new = around - set(old["view"])
    name = views.entity_name(iri)
    if not new:
        return ({**old, "selected": iri},
                f"{name}: 全部 {len(around)} 个邻居已显示 · all {len(around)} neighbours "
                "are already shown")
    view = set(old["view"]) | new | {iri}
    return (_next(old, view, selected=iri, path=old.get("path")),
            f"{name}: 新增 {len(new)} 个邻居 · {len(new)} neighbours added")


def goals(views: Views, old: dict[str, Any], keys: list[str]) -> tuple[dict[str, Any], str]:
    """The entities tied to the goals (by the text, a relation, or their country's
    membership), with the goals' own initiatives. The view before the first goal was ticked
    comes back when the last is unticked."""
    if not keys:
        base = old.get("base")
        return (_next(old, base) if base is not None else reset(views, old)), ""
    view = visual.goal_view(views.links, keys, views.graph)
    names = "、".join(GOAL_BY_KEY[k].title for k in keys if k in GOAL_BY_KEY)
    new = _next(old, view)
    new["base"] = old["base"] if old.get("base") is not None else old["view"]
    return new, f"{names}: {len(view)} 个实体 entities"


def path(views: Views, old: dict[str, Any], source: str | None,
         target: str | None) -> tuple[dict[str, Any], str]:
    if not source or not target:
        return old, "选择两个实体 · choose two entities"
    found = shortest_path(views.graph, source, target)
    if not found:
        return _next(old, {source, target}), "两者之间没有路径 · no path between them"
    names = " → ".join(views.entity_name(n).split(" · ")[0] for n in found)
    return (_next(old, set(found), path=found),
            f"路径 Path ({len(found) - 1} 步 hops): {names}")


def view_nodes(views: Views, current: dict[str, Any]) -> set[str]:
    """The view's entities with the selection and the path; the page hides unticked types."""
    keep = [*current["path"], *([current["selected"]] if current["selected"] else [])]
    return visual.visible_nodes(views.graph, current["view"], None, keep)


def _extra(views: Views, current: dict[str, Any], types: list[str] | None,
           catalog: bool) -> dict[str, Any]:
    keep = [*current["path"], *([current["selected"]] if current["selected"] else [])]
    extra: dict[str, Any] = {"types": list(types) if types is not None else None, "keep": keep}
    if catalog:  # the goal-linked entities, for the page to filter by goal at once
        extra["catalog"] = views.cached(("catalog",), lambda: visual.network_data(
            views.graph, [n for n in views.links if n in views.graph], home=views.home,
            links=views.links))
    return extra


def page(views: Views, current: dict[str, Any], types: list[str] | None) -> str:
    """The graph's page in an iframe, drawn once per page; later views go as updates."""
    drawn = visual.graph_html(views.graph, view_nodes(views, current), home=views.home,
                              selected=current["selected"], path=current["path"],
                              links=views.links, seq=int(current.get("seq", 0)),
                              extra=_extra(views, current, types, catalog=True))
    return visual.iframe(drawn, height=GRAPH_HEIGHT)


def update(views: Views, current: dict[str, Any], types: list[str] | None,
           catalog: bool = False) -> str:
    """The view as the update the drawn page applies in place (JSON); with the catalogue of
    goal-linked entities when the store changed."""
    data = visual.view_update(views.graph, view_nodes(views, current), home=views.home,
                              selected=current["selected"], path=current["path"],
                              links=views.links, seq=int(current.get("seq", 0)))
    data.update(_extra(views, current, types, catalog))
    return json.dumps(data, ensure_ascii=False)


def entity_list_html(views: Views) -> str:
    """Every entity, by type, with a box that narrows the list as one types (Chinese, English,
    aliases); a click opens the entity."""
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for iri, attrs in views.graph.nodes(data=True):
        aliases = views.entities.get(iri, {}).get("aliases") or []
        words = " ".join([str(attrs.get("label", "")), str(attrs.get("label_en", "")),
                          *[str(a) for a in aliases]]).lower()  # type: ignore[attr-defined]
        groups.setdefault(str(attrs.get("type")), []).append(
            (views.entity_name(iri), iri, words))
    parts = [f'<div class="entity-list"><input type="search" class="entity-filter" '
             f'placeholder="输入以筛选 · type to filter ({views.graph.number_of_nodes()})" '
             'aria-label="filter entities"><div class="entity-groups">']
    for kind in [*TYPE_STYLES, *sorted(set(groups) - set(TYPE_STYLES))]:
        if kind not in groups:
            continue
        style = TYPE_STYLES.get(kind)
        title = f"{style.symbol} {style.zh} {style.en}" if style else kind
        items = "".join(
            f'<li><a href="#" data-iri="{html.escape(iri)}" data-words="{html.escape(words)}">'
            f"{html.escape(name)}</a></li>" for name, iri, words in sorted(groups[kind]))
        parts.append(f'<section><h5>{html.escape(title)} ({len(groups[kind])})</h5>'
                     f"<ul>{items}</ul></section>")
    parts.append("</div></div>")
    return "".join(parts)
