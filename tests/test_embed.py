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
