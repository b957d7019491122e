"""The meeting pack (PRODUCT.md section 4, Report; INTERFACES.md section 8): one partnership's
report at one reporting point as a printable page, a PDF and an Excel workbook.

`/p/<slug>/report?period=&version=`, `/p/<slug>/report.pdf` and `/p/<slug>/report.xlsx` render
the one report object: the public gets a published version's public report (the same 404 as
everywhere for anything else), a member the live view, marked on every page. A published
version never changes, so its PDF is made once and kept in the shared cache.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Flask, Response, render_template, request
from markupsafe import Markup

from dashboard import wording
from dashboard.points import parse_version
from dashboard.report import PartnershipReport
from data_access.access import current_audience
from data_access.cache import cache
from data_access.reports import history, report_for
from data_access.results import NotVisible
from layouts import titles
from layouts.links import overview_href, report_href
from layouts.pages import NOT_FOUND_SENTENCE
from layouts.shell import PARTNERSHIPS_PATH
from pack import content
from pack.pdf import pdf_bytes
from pack.workbook import MEDIA_TYPE, workbook_bytes

logger = logging.getLogger(__name__)

PACK_FORMAT = 1  # bump when the pack's look changes, so cached PDFs are made again
PDF_CACHE_TIMEOUT_S = 7 * 24 * 3600

blueprint = Blueprint(
    "pack",
    __name__,
    static_folder=str(Path(__file__).resolve().parent.parent / "static"),
    static_url_path="/pack-static",
)


def read_report(slug: str) -> PartnershipReport:
    """The report this request may read (NotVisible for anything else, a bad version too)."""
    try:
        version = parse_version(request.args.get("version") or None)
    except ValueError as error:  # answered as an unknown version is (INTERFACES.md section 6)
        raise NotVisible(str(error)) from error
    return report_for(slug, request.args.get("period") or None, current_audience(), version)


def read_pack(report: PartnershipReport) -> content.Pack:
    """The pack's content: the report and the results behind each measure's chart."""
    histories = {e.code: history(report, e.code) for e in report.measures}
    return content.pack(report, histories)


def _filename(report: PartnershipReport, suffix: str) -> str:
    point = report.point.label.replace("/", "-").replace(" ", "-")
    version = f"-v{report.publication.version}" if report.publication and not report.live else ""
    return f"{report.slug}-{point}{version}.{suffix}"


def render_page(pack: content.Pack, for_pdf: bool = False) -> str:
    report = pack.report
    version = report.publication.version if report.publication and not report.live else None
    return render_template(
        "pack/report.html",
        pack=pack,
        for_pdf=for_pdf,
        pdf_icon_css=Markup(content.pdf_icon_css()) if for_pdf else "",
        illustrative_label=wording.ILLUSTRATIVE,
        pdf_href=report_href(report.slug, report.point.label, version, "pdf"),
        xlsx_href=report_href(report.slug, report.point.label, version, "xlsx"),
        overview_href=overview_href(report.slug, report.point.label, version=version),
        comparator_note=content.COMPARATOR_NOTE.format(area=report.area.name),
    )


def _not_found(message: str) -> Response:
    logger.info("meeting pack not found: %s", message)
    page = render_template(
        "pack/not_found.html",
        heading=titles.NOT_FOUND,
        sentence=NOT_FOUND_SENTENCE,
        partnerships_href=PARTNERSHIPS_PATH,
    )
    return Response(page, status=404, mimetype="text/html")


def _answer(report: PartnershipReport, body: str | bytes, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    # The public's pack is a published version: the same for everyone who asks. A member's
    # is their own live view, never kept by a shared cache.
    if report.is_public:
        response.headers["Cache-Control"] = "public, max-age=300"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


def _attachment(response: Response, name: str, inline: bool = False) -> Response:
    kind = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{kind}; filename*=UTF-8''{quote(name)}"
    return response


@blueprint.get("/p/<slug>/report")
def report_page(slug: str) -> Response:
    try:
        report = read_report(slug)
    except NotVisible as error:
        return _not_found(str(error))
    return _answer(report, render_page(read_pack(report)), "text/html")


def _make_pdf(report: PartnershipReport) -> bytes:
    started = time.perf_counter()
    made = pdf_bytes(render_page(read_pack(report), for_pdf=True))
    logger.info(
        "meeting pack PDF made for %s %s in %.2f s (%d bytes)",
        report.slug,
        report.point.label,
        time.perf_counter() - started,
        len(made),
    )
    return made


def pdf_cache_key(report: PartnershipReport) -> str | None:
    """Where a published public pack's PDF is kept: by partnership, point and version."""
    publication = report.publication
    if not report.is_public or publication is None:
        return None
    return f"pack-pdf:{PACK_FORMAT}:{report.slug}:{report.point.end}:{publication.version}"


def report_pdf_bytes(report: PartnershipReport) -> bytes:
    """The pack's PDF; the public's is made once per published version and then kept."""
    key = pdf_cache_key(report)
    if key is None:
        return _make_pdf(report)
    kept = cache.get(key)
    if isinstance(kept, bytes):
        return kept
    made = _make_pdf(report)
    cache.set(key, made, timeout=PDF_CACHE_TIMEOUT_S)
    return made


@blueprint.get("/p/<slug>/report.pdf")
def report_pdf(slug: str) -> Response:
    try:
        report = read_report(slug)
    except NotVisible as error:
        return _not_found(str(error))
    response = _answer(report, report_pdf_bytes(report), "application/pdf")
    return _attachment(response, _filename(report, "pdf"), inline=True)


@blueprint.get("/p/<slug>/report.xlsx")
def report_xlsx(slug: str) -> Response:
    try:
        report = read_report(slug)
    except NotVisible as error:
        return _not_found(str(error))
    # the workbook has no charts: no histories to read
    response = _answer(report, workbook_bytes(content.pack(report, {})), MEDIA_TYPE)
    return _attachment(response, _filename(report, "xlsx"))


def init_app(server: Flask) -> None:
    server.register_blueprint(blueprint)
