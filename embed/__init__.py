"""The public embed, `/embed/<slug>?period=&version=`: server-rendered HTML with no JavaScript.

It renders the public report of a published version (dashboard/report.py), whoever's browser
asks: a council page framing it must never show a signed-in member's provisional figures to the
next reader. It is compact on purpose (issue #11, item 9): one short row per measure (value,
rating in words with an icon, the reason in one sentence), each linking to the measure's page on
the dashboard for the detail, so the summary reads within the snippet's frame on a desktop.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Blueprint, Flask, Response, render_template, request
from markupsafe import Markup

from dashboard import wording
from dashboard.audience import PUBLIC
from dashboard.formatting import format_date, format_value
from dashboard.points import parse_version
from dashboard.report import MeasureEntry, PartnershipReport, PriorityGroup
from data_access.reports import report_for
from data_access.results import NotVisible
from layouts.icons import Count, icon_svg, rating_counts
from layouts.links import measure_href

blueprint = Blueprint(
    "embed",
    __name__,
    static_folder=str(Path(__file__).resolve().parent.parent / "static"),
    static_url_path="/embed-static",
    url_prefix="",
)


@dataclass(frozen=True, slots=True)
class Row:
    """What one measure's row says, as plain strings for the template."""

    code: str
    title: str
    href: str
    value: str
    period: str | None  # the result's period, only when it is not the reporting point's
    status: str
    rating: str
    reason: str
    icon: Markup
    illustrative: bool
    revised: str


@dataclass(frozen=True, slots=True)
class KeyItem:
    status: str
    label: str
    meaning: str
    icon: Markup


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


def row(entry: MeasureEntry, href: str, point_label: str) -> Row:
    """One measure's row; `href` is its page on the dashboard, where the detail is."""
    figure = entry.figure
    return Row(
        code=entry.code,
        title=entry.title,
        href=href,
        value=format_value(figure.value if figure else None, entry.unit, entry.decimals),
        period=figure.period if figure and figure.period != point_label else None,
        status=str(entry.rating.status),
        rating=entry.rating.label,
        reason=entry.rating.reason,  # a withheld count says why here
        icon=icon_svg(wording.RATING_ICONS[entry.rating.status]),
        illustrative=entry.illustrative,
        revised=_revised(entry),
    )


def _heading(group: PriorityGroup) -> str:
    return group.title if group.number is None else f"{group.number}. {group.title}"


def _counts(report: PartnershipReport) -> list[Count]:
    return list(rating_counts(report))


def key_items() -> list[KeyItem]:
    """The plain-English key: each rating's word, icon and meaning (the dashboard's key words)."""
    return [
        KeyItem(str(s), wording.COUNT_LABELS[s], meaning, icon_svg(wording.RATING_ICONS[s]))
        for s, meaning in wording.KEY
    ]


def glossary(rows: list[Row], key: list[KeyItem]) -> list[tuple[str, str]]:
    """The jargon this page uses, explained: only the words that appear on it."""
    text = " ".join(
        [*(f"{r.title} {r.value} {r.rating} {r.reason}" for r in rows), *(k.meaning for k in key)]
    )
    return wording.glossary_used(text)


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
    point = report.point.label
    groups = [
        (_heading(g), [row(e, measure_href(slug, e.code, point, version), point) for e in entries])
        for g, entries in report.grouped()
    ]
    key = key_items()
    publication = report.publication
    page = render_template(
        "embed.html",
        report=report,
        groups=groups,
        counts=_counts(report),
        key=key,
        glossary=glossary([r for _, rows in groups for r in rows], key),
        as_at=format_date(report.point.end),
        version=publication.version if publication else None,
        published_on=format_date(publication.published_at.date()) if publication else None,
        open_data=open_data_href(slug),
        dashboard_href=dashboard_href(slug, point, version),
        ogl_url=wording.OGL_URL,
        service_name=wording.SERVICE_NAME,
        illustrative_label=wording.ILLUSTRATIVE,
        illustrative_short=wording.ILLUSTRATIVE_SHORT,
        illustrative_key=wording.ILLUSTRATIVE_KEY,
        any_illustrative=report.any_illustrative(),
    )
    response = Response(page)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def init_app(server: Flask) -> None:
    server.register_blueprint(blueprint)
