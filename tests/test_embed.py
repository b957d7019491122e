"""The public embed: the public view only, whoever asks; compact, attributed, without script;
a plain-English key and the page's jargon explained for residents (issue #11, item 9)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from dashboard import wording
from layouts.embed_snippet import SNIPPET_HEIGHT_PX, embed_snippet
from tests.signing import SOUTH_GLOS_MEMBER, sign_in


def _page(client: FlaskClient, path: str = "/embed/south-glos") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_embed_opens_the_latest_published_point(client: FlaskClient) -> None:
    page = _page(client)
    assert "Published results as at <strong>31 March 2019</strong>" in page
    assert "Data as at 31 March 2019" in page


def test_the_embed_shows_public_measures_only(client: FlaskClient) -> None:
    page = _page(client)
    assert "Total recorded crime per 1,000 population" in page
    assert "Multi-Agency Risk Assessment Conference" not in page


ROW = r'<li class="row row-(\w+)">(.*?)</li>'


def _rows(page: str) -> list[tuple[str, str]]:
    return re.findall(ROW, page, re.S)


def test_each_row_says_its_rating_in_words_with_a_hidden_icon(client: FlaskClient) -> None:
    rows = _rows(_page(client))
    assert rows
    for status, body in rows:
        assert f'class="rating rating-{status}"><svg aria-hidden="true"' in body
        assert re.search(r'class="rating-label">[A-Z][a-z]', body)


def test_each_row_is_a_heading_that_links_to_the_measure_on_the_dashboard(
    client: FlaskClient,
) -> None:
    crime = _row(_page(client), "Total recorded crime per 1,000 population")
    assert (
        '<h3><a href="/p/south-glos/measure/CRIME_TOTAL_RATE?period=2018%2F19" '
        'target="_blank" rel="noopener">Total recorded crime per 1,000 population</a></h3>'
    ) in crime


def test_a_row_is_compact_value_rating_and_one_reason(client: FlaskClient) -> None:
    """The detail (comparators, direction, trend, source) is a click away on the dashboard."""
    page = _page(client)
    crime = _row(page, "Total recorded crime per 1,000 population")
    assert '<span class="value">61.5 per 1,000</span>' in crime
    assert 'class="rating-label">On target<' in crime
    assert re.search(r'<p class="reason">Better than all 3 comparators: [^<]+</p>', crime)
    for detail in ("<dl", "<svg role", "Source:", "on a year earlier"):
        assert detail not in crime
    assert "select a measure for its target, trend and sources" in page.lower()


def test_the_embed_keeps_its_licence_open_data_and_as_at_line(client: FlaskClient) -> None:
    page = _page(client)
    assert "Open Government Licence v3.0" in page
    assert f'href="{wording.OGL_URL}"' in page
    assert 'href="/api/v1/results.csv?partnership=south-glos"' in page
    assert "Published results as at <strong>31 March 2019</strong>" in page


def test_the_embed_has_no_script_and_a_small_stylesheet_of_its_own(client: FlaskClient) -> None:
    page = _page(client)
    assert "<script" not in page
    assert "bootstrap" not in page
    stylesheet = client.get("/embed-static/embed.css")
    assert stylesheet.status_code == 200
    assert len(stylesheet.data) < 8_000


def _row(page: str, title: str) -> str:
    return next(body for _, body in _rows(page) if f'rel="noopener">{title}</a></h3>' in body)


HATE_CRIME_TITLE = "Hate crimes reported to the partnership&#39;s third-party reporting centres"


def test_a_withheld_small_count_shows_why_and_no_figure(client: FlaskClient) -> None:
    hate = _row(_page(client), HATE_CRIME_TITLE)  # 3 reports in 2018/19, below 5
    withheld = "Fewer than 5 cases: withheld to protect the people involved"
    assert f'<p class="reason">{withheld}</p>' in hate
    assert '<span class="value">no figure</span>' in hate
    assert 'class="rating-label">No data<' in hate


def test_an_illustrative_figure_is_tagged_and_the_key_says_what_the_tag_means(
    client: FlaskClient,
) -> None:
    page = _page(client)
    hate = _row(page, HATE_CRIME_TITLE)
    assert (
        '<span class="tag"><span aria-hidden="true">Illustrative</span>'
        '<span class="visually-hidden">Illustrative sample data</span></span>'
    ) in hate
    assert f'<span class="tag">Illustrative</span>: {wording.ILLUSTRATIVE_KEY}' in page


def test_a_count_at_its_threshold_is_shown_at_an_older_point(client: FlaskClient) -> None:
    hate = _row(_page(client, "/embed/south-glos?period=2017/18"), HATE_CRIME_TITLE)
    assert '<span class="value">9</span>' in hate


def test_a_result_for_an_earlier_period_says_which(client: FlaskClient) -> None:
    page = _page(client)
    assert "a figure for an earlier period says so" in page
    imd = _row(
        page, "Neighbourhoods in the worst 20% nationally on the Index of Multiple Deprivation"
    )
    assert '<span class="value">5</span> <span class="period">in 2015</span>' in imd
    crime = _row(page, "Total recorded crime per 1,000 population")
    assert 'class="period"' not in crime  # its result is the reporting point's, 2018/19


def test_the_counts_add_up_to_the_rows(client: FlaskClient) -> None:
    page = _page(client)
    counts = re.findall(r'<li class="count rating-\w+"><svg [^>]*>.*?</svg>(\d+) ', page, re.S)
    assert len(counts) == 5
    # 21 public measures, with the three Crime Survey measures for Avon and Somerset (#14)
    assert sum(int(n) for n in counts) == len(_rows(page)) == 24


def test_the_key_says_in_plain_words_what_each_rating_means(client: FlaskClient) -> None:
    page = _page(client)
    key = page.split('<section class="key"', 1)[1].split("</section>", 1)[0]
    assert '<h2 id="key-heading" class="key-heading">Key</h2>' in key
    for status, meaning in wording.KEY:
        label = wording.COUNT_LABELS[status]
        assert re.search(
            rf'<span class="rating rating-{status}"><svg aria-hidden="true"[^>]*>.*?</svg>'
            rf'<span class="rating-label">{label}</span></span>: {re.escape(meaning)}</li>',
            key,
            re.S,
        ), status


def _glossary(page: str) -> dict[str, str]:
    block = page.split('<details class="glossary">', 1)[1].split("</details>", 1)[0]
    return dict(re.findall(r"<div><dt>(.*?)</dt><dd>(.*?)</dd></div>", block))


def test_the_jargon_on_south_glos_is_explained_for_residents(client: FlaskClient) -> None:
    page = _page(client)
    terms = _glossary(page)
    assert "LSOA" in terms and "Lower-layer Super Output Area" in terms["LSOA"]
    assert "VCSE" in terms and "voluntary, community and social enterprise" in terms["VCSE"]
    assert "Comparator" in terms and "England and Wales" in terms["Comparator"]
    assert "Significantly" in terms and "chance" in terms["Significantly"]
    assert "Baseline" in terms
    # Only the words the page uses: no trajectory rule nor MARAC in South Glos's public rows
    assert "Trajectory" not in terms and "MARAC" not in terms
    assert "<summary>What the words mean: Baseline, Comparator, Significantly," in page


def test_the_fixed_target_rows_of_gloucester_explain_trajectory(client: FlaskClient) -> None:
    terms = _glossary(_page(client, "/embed/gloucester"))
    assert "Trajectory" in terms and "straight-line path" in terms["Trajectory"]
    assert "LSOA" in terms


def test_the_glossary_explains_marac_where_a_page_uses_it() -> None:
    used = dict(wording.glossary_used("MARAC repeat victimisation"))
    assert "Multi-Agency Risk Assessment Conference" in used["MARAC"]
    spelled = wording.glossary_used("Repeat cases at the Multi-Agency Risk Assessment Conference")
    assert [term for term, _ in spelled] == ["MARAC"]
    assert wording.glossary_used("Total recorded crime") == []


def test_a_published_version_can_be_chosen_and_is_named(client: FlaskClient) -> None:
    page = _page(client, "/embed/south-glos?period=2018/19&version=1")
    assert "Version 1, published on " in page
    assert 'href="/p/south-glos?period=2018%2F19&amp;version=1"' in page


def test_a_bad_or_unknown_version_is_not_found(client: FlaskClient) -> None:
    for version in ("abc", "0", "99"):
        response = client.get(f"/embed/south-glos?version={version}")
        assert response.status_code == 404, version
        assert "Not found" in response.get_data(as_text=True)


def test_an_older_published_point_can_be_chosen(client: FlaskClient) -> None:
    assert "31 March 2018" in _page(client, "/embed/south-glos?period=2017/18")


def test_an_unpublished_point_is_answered_as_an_unknown_one(client: FlaskClient) -> None:
    unpublished = client.get("/embed/south-glos?period=2019/20 H1")
    unknown = client.get("/embed/south-glos?period=2030/31")
    assert unpublished.status_code == unknown.status_code == 404
    assert unpublished.get_data(as_text=True).replace("2019/20 H1", "X") == unknown.get_data(
        as_text=True
    ).replace("2030/31", "X")


def test_an_unknown_partnership_is_not_found(client: FlaskClient) -> None:
    response = client.get("/embed/nowhere")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_a_signed_in_member_still_gets_the_public_embed(server: Flask, users_db: str) -> None:
    client = server.test_client()
    public = _page(client)
    sign_in(client, SOUTH_GLOS_MEMBER)
    assert _page(client) == public
    assert client.get("/embed/south-glos?period=2019/20 H1").status_code == 404


def test_the_snippet_frames_the_embed_with_a_title() -> None:
    snippet = embed_snippet("https://dash.example.gov.uk/", "south-glos", "Community safety")
    assert snippet.startswith('<iframe src="https://dash.example.gov.uk/embed/south-glos"')
    assert 'title="Community safety"' in snippet
    assert f'height="{SNIPPET_HEIGHT_PX}"' in snippet
    assert snippet.endswith("></iframe>")
