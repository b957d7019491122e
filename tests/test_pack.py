"""The meeting pack (issue 15): the printable page, the tagged PDF and the workbook render the one
report; the public gets the published version and nothing else, members the live view, marked
on every page; the SVG charts draw what the Plotly figures draw."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime

import openpyxl
import pikepdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

import pack
from dashboard import wording
from dashboard.audience import PUBLIC, Audience
from dashboard.chart_spec import history_chart
from dashboard.report import CommentEntry, PartnershipReport
from data_access.imports import import_results
from data_access.reports import report_for
from layouts import overview_page
from layouts.chart_svg import LEFT, history_svg
from layouts.charts import history_figure
from layouts.links import PageLinks
from pack import content
from pack.workbook import workbook_bytes
from tests.signing import SOUTH_GLOS_MEMBER, sign_in
from tests.test_chart_spec import ASB, HISTORY

SOUTH_GLOS = "/p/south-glos/report"
UNPUBLISHED = "2019/20 H1"  # seeded for South Gloucestershire, not published
MARAC = (
    "Repeat victimisation rate following a Multi-Agency Risk Assessment Conference"  # not public
)
A4 = (595.28, 841.89)  # points

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)

_made: dict[tuple[str, str], bytes] = {}


def _pdf(client: FlaskClient, path: str, db: str) -> bytes:
    """A PDF made once per database and address: making one takes a second or two."""
    key = (db, path)
    if key not in _made:
        response = client.get(path)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert response.mimetype == "application/pdf"
        _made[key] = response.get_data()
    return _made[key]


def _page_texts(pdf: bytes) -> list[str]:
    """Each page's words (pdftotext), whitespace made single spaces."""
    found = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages = found.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [re.sub(r"\s+", " ", p) for p in pages]


def _public(slug: str = "south-glos") -> PartnershipReport:
    return report_for(slug, None, PUBLIC)


# --- who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", ".pdf", ".xlsx"])
def test_an_unpublished_point_is_not_found_for_the_public(client: FlaskClient, suffix: str) -> None:
    for query in (
        {"period": UNPUBLISHED},
        {"period": "2018/19", "version": "99"},
        {"period": "2018/19", "version": "abc"},
        {"period": "2019/20 Q5"},
    ):
        response = client.get(SOUTH_GLOS + suffix, query_string=query)
        assert response.status_code == 404, (suffix, query)
        assert "Page not found" in response.get_data(as_text=True)
    assert client.get(f"/p/nowhere/report{suffix}").status_code == 404


def test_the_public_page_shows_public_measures_of_the_published_version(
    client: FlaskClient,
) -> None:
    response = client.get(SOUTH_GLOS, query_string={"period": "2018/19"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    report = _public()
    for entry in report.measures:
        assert str(escape(entry.title)) in page
    assert MARAC not in page
    assert "As published on" in page and "(version 1)" in page
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert '<link rel="stylesheet" href="/pack-static/pack.css">' in page
    assert 'href="/p/south-glos/report.pdf?period=2018%2F19&amp;version=1"' in page


def test_the_print_stylesheet_is_served_and_hides_the_navigation(client: FlaskClient) -> None:
    response = client.get("/pack-static/pack.css")
    assert response.status_code == 200
    css = response.get_data(as_text=True)
    assert re.search(r"@media print \{\s*\.site-header, \.site-footer", css)
    assert "size: A4 landscape" in css


def test_a_member_reads_the_live_pack_marked_provisional_on_every_page(
    users_db: str, server: Flask
) -> None:
    member = server.test_client()
    sign_in(member, SOUTH_GLOS_MEMBER)
    page = member.get(SOUTH_GLOS, query_string={"period": UNPUBLISHED})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    assert MARAC in page.get_data(as_text=True)
    response = member.get(SOUTH_GLOS + ".pdf", query_string={"period": UNPUBLISHED})
    assert response.status_code == 200
    if shutil.which("pdftotext"):
        pages = _page_texts(response.get_data())
        assert len(pages) > 3
        for number, text in enumerate(pages, start=1):
            assert wording.PROVISIONAL.upper() in text, number


def test_a_member_sees_changed_since_publication_on_a_corrected_point(
    users_db: str, server: Flask
) -> None:
    import_results(
        "correction.csv",
        b"measure_code,period,area_code,value,numerator,denominator,note,source\n"
        b"CRIME_TOTAL_RATE,2018/19,E06000025,70.0,,,corrected,Police\n",
        "test-loader",
    )
    # the public first: in one app context, flask-login keeps the signed-in user on `g`
    public = server.test_client().get(SOUTH_GLOS, query_string={"period": "2018/19"})
    assert wording.CHANGED.upper() not in public.get_data(as_text=True)
    member = server.test_client()
    sign_in(member, SOUTH_GLOS_MEMBER)
    page = member.get(SOUTH_GLOS, query_string={"period": "2018/19"}).get_data(as_text=True)
    assert wording.CHANGED.upper() in page
    assert "Changed since publication: published as 61.5 per 1,000 (On target)" in page


# --- the PDF --------------------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize("slug", ["south-glos", "gloucester"])
def test_the_public_pdf_holds_every_public_measure_the_ratings_and_the_counts(
    client: FlaskClient, sample_db: str, slug: str
) -> None:
    report = _public(slug)
    pages = _page_texts(_pdf(client, f"/p/{slug}/report.pdf", sample_db))
    text = " ".join(pages)
    for entry in report.measures:
        assert entry.title in text, entry.title
        assert entry.rating.label in text
    for status, number in report.counts().items():
        assert f"{number} {wording.COUNT_LABELS[status]}" in text
    if report.any_illustrative():
        assert "illustrative" in text.lower()
        assert wording.ILLUSTRATIVE_NOTE in text
    assert MARAC not in text
    assert "Methods and sources" in text


@needs_poppler
def test_every_page_of_the_public_pdf_is_numbered_and_says_which_version(
    client: FlaskClient, sample_db: str
) -> None:
    report = _public()
    assert report.publication is not None
    pages = _page_texts(_pdf(client, SOUTH_GLOS + ".pdf", sample_db))
    published = report.publication.published_at.date()
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert f"(version {report.publication.version})" in text, number
        assert "As published on" in text
        assert report.name in text
        assert str(published.year) in text


def test_the_public_pdf_is_a4_with_landscape_priority_pages_and_a_sane_size(
    client: FlaskClient, sample_db: str
) -> None:
    pdf = _pdf(client, SOUTH_GLOS + ".pdf", sample_db)
    assert 20_000 < len(pdf) < 3_000_000
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert 4 <= len(doc.pages) <= 40
        sizes = set()
        for page in doc.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            sizes.add((round(x1 - x0), round(y1 - y0)))
    assert sizes == {(595, 842), (842, 595)}


def test_the_pdf_is_tagged_with_its_title_and_language(client: FlaskClient, sample_db: str) -> None:
    pdf = _pdf(client, SOUTH_GLOS + ".pdf", sample_db)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        root = doc.Root
        assert "/StructTreeRoot" in root
        assert len(root.StructTreeRoot.K) > 0
        assert str(root.Lang) == "en-GB"
        assert bool(root.MarkInfo.Marked) is True
        title = str(doc.open_metadata().get("dc:title") or doc.docinfo.get("/Title"))
        assert "South Gloucestershire" in title
        assert "performance report as at 2018/19" in title


def _structure(element: object, found: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """(structure type, has alternative text) of every element under `element`."""
    if isinstance(element, pikepdf.Dictionary) and "/S" in element:
        found.append((str(element.S), "/Alt" in element))
    kids = element.get("/K") if isinstance(element, pikepdf.Dictionary) else None
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        _structure(kid, found)
    return found


def test_every_figure_in_the_pdf_has_alternative_text(client: FlaskClient, sample_db: str) -> None:
    """PDF/UA: a chart is a figure with its summary as /Alt; the rating icons beside their words
    are artifacts, not figures without text."""
    pdf = _pdf(client, SOUTH_GLOS + ".pdf", sample_db)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        figures = [
            alt for kind, alt in _structure(doc.Root.StructTreeRoot, []) if kind == "/Figure"
        ]
    assert figures, "the charts are figures"
    assert all(figures)


def test_a_published_pack_is_made_once_and_a_members_view_every_time(
    server: Flask, sample_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []

    def fake(report: PartnershipReport) -> bytes:
        made.append(report.audience)
        return b"%PDF-fake"

    monkeypatch.setattr(pack, "_make_pdf", fake)
    with server.test_request_context():
        public = _public()
        assert pack.report_pdf_bytes(public) == pack.report_pdf_bytes(public) == b"%PDF-fake"
        assert pack.pdf_cache_key(public) == f"pack-pdf:{pack.PACK_FORMAT}:south-glos:2019-03-31:1"
        live = report_for("south-glos", "2018/19", Audience(frozenset({"south-glos"})))
        pack.report_pdf_bytes(live)
        pack.report_pdf_bytes(live)
    assert made == ["public", "member", "member"]


# --- the workbook ---------------------------------------------------------------------------


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_workbook_round_trips_with_typed_numbers_and_no_formulas(
    client: FlaskClient,
) -> None:
    response = client.get(SOUTH_GLOS + ".xlsx", query_string={"period": "2018/19"})
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = _workbook(response.get_data())
    assert book.sheetnames[:3] == ["Results", "Commentary", "Sources"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
    results = book["Results"]
    header = [c.value for c in results[1]]
    value, title = header.index("Value") + 1, header.index("Measure") + 1
    rows = {r[title - 1].value: r for r in results.iter_rows(min_row=2)}
    report = _public()
    assert set(rows) == {e.title for e in report.measures}
    crime = rows["Total recorded crime per 1,000 population"]
    assert crime[value - 1].value == pytest.approx(61.5)
    assert isinstance(crime[value - 1].value, float)
    assert crime[value - 1].number_format == "#,##0.0"
    assert crime[header.index("Rating")].value == "On target"
    compared = [h for h in header if h.endswith(": compared")]
    assert compared and any(crime[header.index(h)].value for h in compared)
    texts = " ".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)
    assert MARAC not in texts


def test_the_workbook_neutralises_text_a_spreadsheet_would_run(
    server: Flask, sample_db: str
) -> None:
    with server.test_request_context():
        report = _public()
        code = report.measures[0].code
        comment = CommentEntry(code, "2018/19", "=HYPERLINK(1)", "@someone", datetime.now(UTC))
        book = _workbook(workbook_bytes(content.pack(replace(report, commentary=(comment,)), {})))
    row = [c.value for c in book["Commentary"][2]]
    assert "'=HYPERLINK(1)" in row
    assert "'@someone" in row
    assert isinstance(row[4], datetime)


def test_percentages_and_money_keep_their_unit_in_the_number_format() -> None:
    from dashboard.model import Unit
    from pack.workbook import number_format

    assert number_format(Unit.PERCENTAGE, None) == '#,##0.0"%"'
    assert number_format(Unit.CURRENCY_GBP, None) == "£#,##0"
    assert number_format(Unit.RATE_PER_1000, 2) == "#,##0.00"


# --- what the page says ---------------------------------------------------------------------


def test_commentary_is_rendered_from_markdown_never_as_raw_html(
    server: Flask, sample_db: str
) -> None:
    with server.test_request_context():
        report = _public()
        code = report.measures[0].code
        text = "<script>alert(1)</script> **Read** the [notes](javascript:alert(1))"
        comment = CommentEntry(code, "2018/19", text, "Officer", datetime.now(UTC))
        page = pack.render_page(content.pack(replace(report, commentary=(comment,)), {}))
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "<strong>Read</strong>" in page
    assert 'href="javascript' not in page


def test_each_measure_row_gives_value_rating_target_comparators_direction_and_reason(
    server: Flask, sample_db: str
) -> None:
    with server.test_request_context():
        found = content.pack(_public(), {})
    rows = {r.title: r for s in found.sections for r in s.rows}
    crime = rows["Total recorded crime per 1,000 population"]
    assert crime.value.startswith("61.5 per 1,000")
    assert crime.rating.label == "On target"
    assert crime.reason.startswith("Better than all 3 comparators")
    assert crime.target
    assert any(c.comparison == "significantly better" for c in crime.comparators)
    assert "2017/18" in crime.direction
    assert found.projects_total.startswith("£")


def test_the_overview_links_to_the_meeting_pack(server: Flask, sample_db: str) -> None:
    with server.test_request_context():
        report = _public()
    header = overview_page.header(report, "http://localhost/", None, PageLinks("south-glos"))
    links = [
        c
        for part in header
        for c in _walk(part)
        if getattr(c, "children", None) == overview_page.REPORT_LINK
    ]
    assert [link.href for link in links] == ["/p/south-glos/report?period=2018%2F19"]


def _walk(component: object) -> list[object]:
    found = [component]
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found += _walk(child)
    return found


# --- the charts -----------------------------------------------------------------------------


def _svg_series(svg: str) -> dict[str, list[tuple[str, float]]]:
    tree = ET.fromstring(svg)
    found = {}
    for group in tree.iter("{http://www.w3.org/2000/svg}g"):
        if "series" in (group.get("class") or "").split():
            found[group.get("data-name") or ""] = [
                (p.get("data-date") or "", float(p.get("data-value") or "nan"))
                for p in group
                if p.get("class") == "point"
            ]
    return found


def _plotly_series(chart_figure: object) -> dict[str, list[tuple[str, float]]]:
    found = {}
    for trace in chart_figure.data:  # type: ignore[attr-defined]
        if trace.name in (None, "95% confidence interval") or trace.showlegend is False:
            continue
        found[trace.name] = [
            (str(x)[:10], float(y)) for x, y in zip(trace.x, trace.y, strict=True) if y is not None
        ]
    return found


def test_the_svg_and_the_plotly_figure_draw_the_same_points_on_the_same_time_axis() -> None:
    chart = history_chart(ASB, HISTORY)
    figure = history_figure(chart)
    svg = history_svg(chart, "summary")
    drawn = _svg_series(svg)
    assert drawn == _plotly_series(figure)
    assert len(drawn) == 3  # Gloucester, Gloucestershire and the trajectory
    tree = ET.fromstring(svg)
    ticks = [
        (g.get("data-date"), "".join(g.itertext()))
        for g in tree.iter("{http://www.w3.org/2000/svg}g")
        if g.get("class") == "x-tick"
    ]
    layout = figure.layout.xaxis
    assert ticks == list(zip(layout.tickvals, layout.ticktext, strict=True))
    assert layout.type == "date"


def test_the_svg_time_axis_is_linear_in_days() -> None:
    chart = history_chart(ASB, HISTORY)
    tree = ET.fromstring(history_svg(chart, "summary"))
    ticks = [
        (date.fromisoformat(g.get("data-date") or ""), float(g[0].get("x1") or "nan"))
        for g in tree.iter("{http://www.w3.org/2000/svg}g")
        if g.get("class") == "x-tick"
    ]
    assert len(ticks) >= 3
    (d0, x0), (d1, x1) = ticks[0], ticks[-1]
    per_day = (x1 - x0) / (d1 - d0).days
    assert x0 >= LEFT
    for day, x in ticks:
        assert x == pytest.approx(x0 + (day - d0).days * per_day, abs=0.05)


def test_the_svg_chart_names_itself_for_screen_readers() -> None:
    svg = history_svg(history_chart(ASB, HISTORY), 'Gloucester: 2 results & "more"')
    tree = ET.fromstring(svg)
    assert tree.get("role") == "img"
    assert tree.find("{http://www.w3.org/2000/svg}title").text == 'Gloucester: 2 results & "more"'


def test_the_pack_page_draws_each_measure_with_results_as_an_svg_chart(
    client: FlaskClient,
) -> None:
    page = client.get(SOUTH_GLOS).get_data(as_text=True)
    charts = re.findall(r'<img class="history-chart" src="data:image/svg\+xml;[^"]+" alt="', page)
    assert len(charts) >= 10
    assert page.count('class="pack-swatch"') >= len(charts)  # each legend entry's line
