"""The public embed, `/embed/<slug>?period=`: server-rendered HTML with no JavaScript at all.

Always the public view (published points, public measures), whoever's browser asks: a council
page framing it must never show a signed-in member's provisional figures to the next reader.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Blueprint, Flask, Response, render_template, request
from markupsafe import Markup

from dashboard.assessment import MeasureAssessment, assess
from dashboard.audience import PUBLIC
from dashboard.formatting import format_date, format_value
from dashboard.model import Comparison, RatingStatus, Result
from dashboard.reporting import PartnershipView
from dashboard.summaries import trend_description
from dashboard.trend import trend_svg
from data_access.results import NotVisible, measure_history, partnership_view
from layouts.shell import SERVICE_NAME
from layouts.tiles import DIRECTION_WORDS, RATING_ICONS

ICONS = Path(__file__).resolve().parent.parent / "assets" / "icons"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
COMPARISON_WORDS = {
    Comparison.BETTER: "significantly better",
    Comparison.SIMILAR: "similar",
    Comparison.WORSE: "significantly worse",
    Comparison.NOT_COMPARED: "not compared",
}

blueprint = Blueprint(
    "embed",
    __name__,
    static_folder=str(Path(__file__).resolve().parent.parent / "static"),
    static_url_path="/embed-static",
    url_prefix="",
)


@cache
def icon_svg(name: str) -> Markup:
    """A bootstrap-icons shape inline, hidden from screen readers (the word is beside it)."""
    svg = (ICONS / f"{name}.svg").read_text(encoding="utf-8")
    svg = re.sub(r"\sclass=\"[^\"]*\"", "", svg, count=1)
    return Markup(
        svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" class="icon" ', 1)
    )


@dataclass(frozen=True, slots=True)
class ComparatorLine:
    name: str
    value: str
    comparison: str


@dataclass(frozen=True, slots=True)
class Tile:
    code: str
    title: str
    value: str
    status: str
    rating: str
    reason: str
    icon: Markup
    target: str
    result_period: str | None
    direction: str
    direction_icon: Markup | None
    comparators: tuple[ComparatorLine, ...]
    source: str
    illustrative: bool
    trend: Markup


def _same_length(result: Result, other: Result) -> bool:
    length = (result.period_end - result.period_start).days
    return abs((other.period_end - other.period_start).days - length) <= 5


def _trend(view: PartnershipView, a: MeasureAssessment) -> Markup:
    """Inline SVG of the partnership's own results for periods as long as the latest one."""
    item = a.figures.item
    series: list[tuple[str, float | None]] = []
    if a.result is not None:
        _, _, history = measure_history(
            view.partnership.slug, item.measure.code, view.point.label, PUBLIC
        )
        series = [
            (r.period, r.value)
            for r in history
            if r.area_code == view.partnership.area and _same_length(a.result, r)
        ]
    title = trend_description(item.measure.title, series, item.measure.unit)
    return Markup(trend_svg([v for _, v in series], title))


def tile(view: PartnershipView, a: MeasureAssessment) -> Tile:
    """What one measure's tile says, as plain strings for the template."""
    unit = a.figures.item.measure.unit
    words, direction_icon = DIRECTION_WORDS[a.direction]
    return Tile(
        code=a.code,
        title=a.figures.item.measure.title,
        value=format_value(a.result.value if a.result else None, unit),
        status=str(a.rating.status),
        rating=a.rating.label,
        reason=a.rating.reason,
        icon=icon_svg(RATING_ICONS[a.rating.status]),
        target=a.target_text,
        result_period=a.result.period if a.result else None,
        direction=words,
        direction_icon=icon_svg(direction_icon) if direction_icon else None,
        comparators=tuple(
            ComparatorLine(
                c.area.name,
                format_value(c.result.value if c.result else None, unit),
                COMPARISON_WORDS[c.comparison],
            )
            for c in a.comparators
            if c.result is not None  # a comparator without a figure says nothing to the public
        ),
        source=(a.result.source if a.result else "") or a.figures.item.measure.source,
        illustrative=bool(a.result and a.result.illustrative),
        trend=_trend(view, a),
    )


def _groups(view: PartnershipView, tiles: Sequence[Tile]) -> list[tuple[str, list[Tile]]]:
    by_code = {t.code: t for t in tiles}
    groups = []
    for priority in view.partnership.priorities:
        members = [
            by_code[m.measure.code]
            for m in view.partnership.measures
            if m.priority == priority.number
        ]
        if members:
            groups.append((f"{priority.number}. {priority.title}", members))
    listed = {t.code for _, members in groups for t in members}
    rest = [t for t in tiles if t.code not in listed]
    if rest:
        groups.append(("Other measures", rest))
    return groups


def open_data_href(slug: str) -> str:
    return "/api/v1/results.csv?" + urlencode({"partnership": slug})


def _not_found(message: str) -> Response:
    page = render_template("embed_not_found.html", message=message, service_name=SERVICE_NAME)
    return Response(page, status=404)


@blueprint.get("/embed/<slug>")
def public_summary(slug: str) -> Response:
    label = request.args.get("period") or None
    try:
        view = partnership_view(slug, label, PUBLIC)  # never the signed-in audience
    except NotVisible as error:
        return _not_found(str(error))
    assessments = [assess(f, view.point.end) for f in view.figures]
    tiles = [tile(view, a) for a in assessments]
    counts = {s: sum(1 for t in tiles if t.status == s) for s in RatingStatus}
    page = render_template(
        "embed.html",
        view=view,
        groups=_groups(view, tiles),
        counts=counts,
        as_at=format_date(view.point.end),
        open_data=open_data_href(slug),
        dashboard_href=f"/p/{quote(slug)}?" + urlencode({"period": view.point.label}),
        ogl_url=OGL_URL,
        service_name=SERVICE_NAME,
        any_illustrative=any(t.illustrative for t in tiles),
    )
    response = Response(page)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def init_app(server: Flask) -> None:
    server.register_blueprint(blueprint)
