"""Pages as a browser first receives them (INTERFACES.md section 6): real status codes, a title
that names the page, one header and footer on every server-rendered page, and a way to the
results without JavaScript."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from dash import html
from flask import Flask
from flask.testing import FlaskClient

from layouts import ids, shell
from tests.dash_text import find, text
from tests.signing import SOUTH_GLOS_MEMBER, sign_in

SERVICE = "Community safety performance"
SOUTH_GLOS = "South Gloucestershire Safer and Stronger Communities Strategic Partnership"
GLOUCESTER = "Stronger Safer Gloucester Partnership"
NOT_FOUND_TITLE = f"Page not found – {SERVICE}"

NOT_FOUND = [
    "/no-such-page",
    "/p/no-such-partnership",
    "/p/south-glos/measure/NO_SUCH_MEASURE",
    "/p/south-glos/priority/9",
    "/p/south-glos/priority/two",
    "/p/south-glos?priority=9",
    "/county/E99999999",
    "/p/south-glos?period=2019/20",  # not published: the public may not see it
    "/p/south-glos/measure/CRIME_TOTAL_RATE?period=2019/20",
    "/p/south-glos/measure/MARAC_REPEAT_VICTIMISATION_PCT",  # not a public measure
    "/p/south-glos?period=2018/19&version=7",
    "/p/south-glos?period=2019/20 Q5",
    "/404",
]
FOUND = {
    "/": f"{SOUTH_GLOS} – {SERVICE}",
    "/p/south-glos": f"{SOUTH_GLOS} – {SERVICE}",
    "/p/south-glos/": f"{SOUTH_GLOS} – {SERVICE}",
    "/p/south-glos?period=2018/19&priority=2": f"Priority 2 measures – {SOUTH_GLOS} – {SERVICE}",
    "/p/south-glos/measure/CRIME_TOTAL_RATE": (
        f"Total recorded crime per 1,000 population – {SOUTH_GLOS} – {SERVICE}"
    ),
    "/p/gloucester/measure/ASB_INCIDENTS_RATE?period=2019": (
        f"Anti-social behaviour incidents per 1,000 population – {GLOUCESTER} – {SERVICE}"
    ),
    "/p/south-glos/priority/2": (
        f"Priority 2: Strengthen and improve your local community – {SOUTH_GLOS} – {SERVICE}"
    ),
    "/p/south-glos?period=2018/19&version=1": f"{SOUTH_GLOS} – {SERVICE}",
    "/county/E10000013": f"Gloucestershire: partnerships side by side – {SERVICE}",
    "/partnerships": f"Partnerships – {SERVICE}",
    "/sign-in": f"Sign in – {SERVICE}",
    "/accessibility": f"Accessibility statement – {SERVICE}",
    "/about-ratings": f"How ratings and statistics work – {SERVICE}",
}
SERVER_RENDERED = ["/sign-in", "/sign-out", "/accessibility", "/about-ratings"]


def _page(body: str) -> str:
    """The page without the id Dash gives each answer."""
    return re.sub(r'"end_id":"[^"]*"', "", body)


def _title(body: str) -> str:
    found = re.search(r"<title>(.*?)</title>", body, re.DOTALL)
    assert found, "no <title>"
    return found.group(1).strip().replace("&amp;", "&")


class _Links(HTMLParser):
    """(words, href) of each link inside the first <header> and <footer>, outside <noscript>."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[tuple[str, str]]] = {"header": [], "footer": []}
        self._open: list[str] = []
        self._href: str | None = None
        self._words = ""
        self._done: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("header", "footer", "noscript"):
            self._open.append(tag)
        elif tag == "a" and self._open and self._open[-1] in self.found:
            self._href, self._words = dict(attrs).get("href") or "", ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._words += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            part = self._open[-1]
            if part not in self._done:
                self.found[part].append((" ".join(self._words.split()), self._href))
            self._href = None
        elif tag in ("header", "footer", "noscript") and self._open:
            closed = self._open.pop()
            self._done.add(closed)


def _links(body: str) -> dict[str, list[tuple[str, str]]]:
    parser = _Links()
    parser.feed(body)
    return parser.found


def _shell_links(email: str | None) -> dict[str, list[tuple[str, str]]]:
    """The links of the Dash shell's header and footer, with the account link as the header's
    callback fills it in for this reader."""
    tree = shell.page_shell()
    account = shell.account_link(email)
    # Manage's item starts hidden; the header's callback shows it to editors and admins only
    shown = [
        li for li in find(find(tree, html.Header)[0], html.Li) if not getattr(li, "hidden", False)
    ]
    header = [(text(a), a.href) for a in find(find(tree, html.Header)[0], html.A)][:1] + [
        account if getattr(a, "id", None) == ids.ACCOUNT_LINK else (text(a), a.href)
        for li in shown
        for a in find(li, html.A)
    ]
    footer = [(text(a), a.href) for a in find(find(tree, html.Footer)[0], html.A)]
    return {"header": header, "footer": footer}


# --- item 3: real status codes ------------------------------------------------------------------


@pytest.mark.parametrize("path", NOT_FOUND)
def test_anything_unknown_or_unseeable_answers_404_with_the_one_not_found_page(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert _title(response.text) == NOT_FOUND_TITLE
    assert _page(response.text) == _page(client.get("/no-such-page").text)  # one page for all


@pytest.mark.parametrize("path", FOUND)
def test_every_page_that_exists_answers_200(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 200


def test_a_member_opens_their_provisional_point_and_private_measure_but_not_others(
    server: Flask, users_db: str
) -> None:
    client = server.test_client()
    sign_in(client, SOUTH_GLOS_MEMBER)
    assert client.get("/p/south-glos?period=2019/20 H1").status_code == 200
    assert client.get("/p/south-glos/measure/MARAC_REPEAT_VICTIMISATION_PCT").status_code == 200
    assert client.get("/p/gloucester?period=2020").status_code == 404
    assert client.get("/p/no-such-partnership").status_code == 404


# --- item 4: titles -----------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "title"), FOUND.items())
def test_each_page_title_names_what_it_shows(client: FlaskClient, path: str, title: str) -> None:
    assert _title(client.get(path).text) == title


def test_the_title_callbacks_give_the_browser_the_same_titles(
    server: Flask, sample_db: str
) -> None:
    from callbacks import page_status

    with server.test_request_context():
        state = {"slug": "south-glos", "code": "CRIME_TOTAL_RATE", "period": None}
        assert page_status.measure_title(state) == FOUND["/p/south-glos/measure/CRIME_TOTAL_RATE"]
        assert page_status.overview_title({"slug": "south-glos", "period": "2019/20"}) == (
            NOT_FOUND_TITLE
        )
        assert page_status.county_title({"code": "E10000013"}) == FOUND["/county/E10000013"]
        assert (
            page_status.priority_title({"slug": "south-glos", "number": "2"})
            == (FOUND["/p/south-glos/priority/2"])
        )


# --- item 5: one base template with the shell's header and footer ---------------------------------


@pytest.mark.parametrize("path", SERVER_RENDERED)
def test_server_rendered_pages_have_the_dash_shells_header_and_footer(
    client: FlaskClient, path: str
) -> None:
    body = client.get(path).text
    assert _links(body) == _shell_links(None)
    assert f'<a href="/" class="service-name">{SERVICE}</a>' in body
    assert "/assets/10_dashboard.css" in body


def test_signed_in_the_header_names_who_and_offers_sign_out_as_the_dashboard_does(
    server: Flask, users_db: str
) -> None:
    client = server.test_client()
    sign_in(client, SOUTH_GLOS_MEMBER)
    links = _links(client.get("/accessibility").text)
    assert (f"Sign out ({SOUTH_GLOS_MEMBER})", "/sign-out") in links["header"]
    assert links == _shell_links(SOUTH_GLOS_MEMBER)


def test_the_header_points_partnerships_at_the_partnerships_page(client: FlaskClient) -> None:
    assert ("Partnerships", "/partnerships") in _links(client.get("/sign-in").text)["header"]


# --- item 17: without JavaScript ----------------------------------------------------------------


def test_without_javascript_a_page_points_to_its_public_summary_and_the_open_data(
    client: FlaskClient,
) -> None:
    body = client.get("/p/south-glos/measure/CRIME_TOTAL_RATE?period=2018/19").text
    noscript = body[body.index("<noscript>", body.index("<body")) :]
    noscript = noscript[: noscript.index("</noscript>")]
    assert "<h1>Total recorded crime per 1,000 population</h1>" in noscript
    assert 'href="/embed/south-glos?period=2018%2F19"' in noscript
    assert 'href="/api/v1/results.csv"' in noscript
    assert "/embed/gloucester" not in noscript


def test_without_javascript_the_home_of_every_partnership_is_listed(client: FlaskClient) -> None:
    body = client.get("/partnerships").text
    for slug in ("south-glos", "gloucester", "cheltenham", "tewkesbury"):
        assert f'href="/embed/{slug}"' in body
