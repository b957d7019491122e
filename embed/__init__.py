"""The public embed, `/embed/<slug>?period=&version=`: server-rendered HTML with no JavaScript.

It renders the public report of a published version (dashboard/report.py), whoever's browser
asks: a council page framing it must never show a signed-in member's provisional figures to the
next reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Blueprint, Flask, Response, render_template, request
from markupsafe import Markup

from dashboard import wording
from dashboard.audience import PUBLIC
from dashboard.formatting import format_date, format_value
from dashboard.model import RatingStatus
from dashboard.points import parse_version
from dashboard.report import MeasureEntry, PartnershipReport, PriorityGroup
from dashboard.summaries import trend_description
from dashboard.trend import trend_svg
from data_access.reports import report_for
from data_access.results import NotVisible

ICONS = Path(__file__).resolve().parent.parent / "assets" / "icons"

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
    revised: str
    trend: Markup


@dataclass(frozen=True, slots=True)
class Count:
    status: str
    label: str
    number: int


def _trend(entry: MeasureEntry) -> Markup:
    """Inline SVG of the report's trend for the measure, described in its <title>."""
    series = [(p.period, p.value) for p in entry.trend]
    title = trend_description(entry.title, series, entry.unit)
    return Markup(trend_svg([v for _, v in series], title))


def _direction(entry: MeasureEntry) -> str:
    previous = entry.previous
    return wording.direction_sentence(
        entry.direction,
        entry.figure.value if entry.figure else None,
        previous.period if previous else None,
        previous.value if previous else None,
        entry.unit,
    )


def _revised(entry: MeasureEntry) -> str:
    revised = entry.revised
    if revised is None:
        return ""
    return wording.revised_sentence(
        revised.was,
        entry.unit,
        wording.status_label(revised.was_rating),
        revised.version,
        format_date(revised.published_at.date()),
    )


def tile(entry: MeasureEntry) -> Tile:
    """What one measure's tile says, as plain strings for the template."""
    figure = entry.figure
    direction_icon = wording.DIRECTION_WORDS[entry.direction][1]
    return Tile(
        code=entry.code,
        title=entry.title,
        value=format_value(figure.value if figure else None, entry.unit),
        status=str(entry.rating.status),
        rating=entry.rating.label,
        reason=entry.rating.reason,  # a withheld count says why here
        icon=icon_svg(wording.RATING_ICONS[entry.rating.status]),
        target=entry.target.text,
        result_period=figure.period if figure else None,
        direction=_direction(entry),
        direction_icon=icon_svg(direction_icon) if direction_icon else None,
        comparators=tuple(
            ComparatorLine(
                c.area.name,
                format_value(c.figure.value, entry.unit),
                wording.COMPARISON_WORDS[c.comparison],
            )
            for c in entry.comparators
            if c.figure is not None and c.figure.value is not None
        ),
        source=(figure.source if figure else "") or entry.measure_source,
        illustrative=entry.illustrative,
        revised=_revised(entry),
        trend=_trend(entry),
    )


def _heading(group: PriorityGroup) -> str:
    return group.title if group.number is None else f"{group.number}. {group.title}"


def _counts(report: PartnershipReport) -> list[Count]:
    found = report.counts()
    return [Count(str(s), wording.COUNT_LABELS[s], found[s]) for s in RatingStatus]


def open_data_href(slug: str) -> str:
    return "/api/v1/results.csv?" + urlencode({"partnership": slug})


def dashboard_href(slug: str, label: str, version: int | None) -> str:
    query = {"period": label} | ({"version": str(version)} if version is not None else {})
    return f"/p/{quote(slug)}?" + urlencode(query)


def _not_found(message: str) -> Response:
    page = render_template(
        "embed_not_found.html", message=message, service_name=wording.SERVICE_NAME
    )
    return Response(page, status=404)


@blueprint.get("/embed/<slug>")
def public_summary(slug: str) -> Response:
    label = request.args.get("period") or None
    try:
        version = parse_version(request.args.get("version") or None)
    except ValueError as error:  # answered as an unknown version is (INTERFACES.md section 6)
        return _not_found(str(error))
    try:
        report = report_for(slug, label, PUBLIC, version)  # never the signed-in audience
    except NotVisible as error:
        return _not_found(str(error))
    groups = [(_heading(g), [tile(e) for e in entries]) for g, entries in report.grouped()]
    publication = report.publication
    page = render_template(
        "embed.html",
        report=report,
        groups=groups,
        counts=_counts(report),
        as_at=format_date(report.point.end),
        version=publication.version if publication else None,
        published_on=format_date(publication.published_at.date()) if publication else None,
        open_data=open_data_href(slug),
        dashboard_href=dashboard_href(slug, report.point.label, version),
        ogl_url=wording.OGL_URL,
        service_name=wording.SERVICE_NAME,
        illustrative_label=wording.ILLUSTRATIVE,
        any_illustrative=report.any_illustrative(),
    )
    response = Response(page)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def init_app(server: Flask) -> None:
    server.register_blueprint(blueprint)
