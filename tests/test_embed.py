"""The public embed: the public view only, whoever asks; compact, attributed, without script."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from layouts.embed_snippet import embed_snippet
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


def test_each_tile_says_its_rating_in_words_with_a_hidden_icon(client: FlaskClient) -> None:
    page = _page(client)
    tiles = re.findall(r'<li class="tile tile-(\w+)">(.*?)</li>', page, re.S)
    assert tiles
    for status, body in tiles:
        assert f'class="rating rating-{status}"><svg aria-hidden="true"' in body
        assert re.search(r'class="rating-label">[A-Z][a-z]', body)


def test_the_embed_has_comparators_direction_trend_source_and_licence(
    client: FlaskClient,
) -> None:
    page = _page(client)
    assert "<dt>Avon and Somerset</dt>" in page
    assert "on a year earlier" in page
    assert re.search(r'<svg [^>]*role="img"><title>[^<]+</title>', page)
    assert "Source:" in page
    assert "Open Government Licence v3.0" in page
    assert 'href="/api/v1/results.csv?partnership=south-glos"' in page


def test_the_embed_has_no_script_and_a_small_stylesheet_of_its_own(client: FlaskClient) -> None:
    page = _page(client)
    assert "<script" not in page
    assert "bootstrap" not in page
    stylesheet = client.get("/embed-static/embed.css")
    assert stylesheet.status_code == 200
    assert len(stylesheet.data) < 8_000


def _tile(page: str, title: str) -> str:
    tiles = re.findall(r'<li class="tile tile-\w+">(.*?)</li>', page, re.S)
    return next(t for t in tiles if f"<h3>{title}</h3>" in t)


HATE_CRIME_TITLE = "Hate crimes reported to the partnership&#39;s third-party reporting centres"


def test_a_withheld_small_count_shows_why_and_no_figure(client: FlaskClient) -> None:
    hate = _tile(_page(client), HATE_CRIME_TITLE)  # 3 reports in 2018/19, below 5
    assert "Fewer than 5 cases: withheld to protect the people involved" in hate
    assert '<p class="value">no figure <span class="period">in 2018/19</span></p>' in hate
    assert 'class="rating-label">No data<' in hate
    assert "Illustrative sample data" in hate


def test_a_count_at_its_threshold_is_shown_at_an_older_point(client: FlaskClient) -> None:
    hate = _tile(_page(client, "/embed/south-glos?period=2017/18"), HATE_CRIME_TITLE)
    assert '<p class="value">9 <span class="period">in 2017/18</span></p>' in hate


def test_the_direction_names_the_figure_a_year_earlier(client: FlaskClient) -> None:
    crime = _tile(_page(client), "Total recorded crime per 1,000 population")
    assert re.search(r"(up|down) from 61\.2 per 1,000 in 2017/18", crime)


def test_the_counts_add_up_to_the_tiles(client: FlaskClient) -> None:
    page = _page(client)
    counts = re.findall(r'<li class="count rating-\w+">(\d+) ', page)
    assert len(counts) == 5
    assert sum(int(n) for n in counts) == len(re.findall(r'<li class="tile ', page)) == 21


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
    assert snippet.endswith("></iframe>")
