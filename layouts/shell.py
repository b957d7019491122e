"""The page shell: skip link, header, navigation, main landmark and footer around every page.

The links and words are defined here once: the Dash shell renders them as components, and the
server-rendered pages' base template (templates/base.html) renders the same ones from
`shell_words()`, so the two headers and footers never drift apart.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.wording import OGL_URL, SERVICE_NAME
from layouts import ids

__all__ = ["SERVICE_NAME"]

PARTNERSHIPS_PATH = "/partnerships"
OPEN_DATA_PATH = "/api/v1/results.csv"
NAV_LINKS: tuple[tuple[str, str], ...] = (
    ("Partnerships", PARTNERSHIPS_PATH),
    ("Open data", OPEN_DATA_PATH),
)
FOOTER_LINKS: tuple[tuple[str, str], ...] = (
    ("Accessibility statement", "/accessibility"),
    ("How ratings and statistics work", "/about-ratings"),
)
LICENCE_BEFORE = (
    "Figures from ONS and Home Office releases are © Crown copyright, licensed under the "
)
LICENCE_LINK = "Open Government Licence v3.0"
SIGN_IN = "Sign in"
MANAGE = "Manage"  # shown to editors and admins; the routes check the role themselves
MANAGE_PATH = "/manage"


def account_link(email: str | None) -> tuple[str, str]:
    """The header's account link (words, address): "Sign in", or who is signed in and the way
    to sign out."""
    return (f"Sign out ({email})", "/sign-out") if email else (SIGN_IN, "/sign-in")


def shell_words(email: str | None) -> dict[str, object]:
    """What templates/base.html needs to draw the same header and footer as `page_shell`."""
    words, href = account_link(email)
    return {
        "service_name": SERVICE_NAME,
        "nav_links": NAV_LINKS,
        "account_words": words,
        "account_href": href,
        "footer_links": FOOTER_LINKS,
        "licence_before": LICENCE_BEFORE,
        "licence_link": LICENCE_LINK,
        "ogl_url": OGL_URL,
    }


def _header() -> html.Header:
    return html.Header(
        dbc.Container(
            [
                html.A(SERVICE_NAME, href="/", className="service-name"),
                html.Nav(
                    html.Ul(
                        [
                            *[html.Li(html.A(words, href=href)) for words, href in NAV_LINKS],
                            html.Li(
                                html.A(MANAGE, href=MANAGE_PATH), id=ids.MANAGE_ITEM, hidden=True
                            ),
                            html.Li(
                                html.A(SIGN_IN, href="/sign-in", id=ids.ACCOUNT_LINK),
                                className="account",
                            ),
                        ],
                        className="nav-list",
                    ),
                    **{"aria-label": "Main"},
                ),
            ],
            className="header-inner",
        ),
        className="site-header",
    )


def _footer() -> html.Footer:
    return html.Footer(
        dbc.Container(
            [
                html.P([LICENCE_BEFORE, html.A(LICENCE_LINK, href=OGL_URL), "."]),
                html.Ul(
                    [html.Li(html.A(words, href=href)) for words, href in FOOTER_LINKS],
                    className="footer-links",
                ),
            ]
        ),
        className="site-footer",
    )


def page_shell() -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            html.A(
                "Skip to main content",
                href="#main",
                className="visually-hidden-focusable skip-link",
            ),
            _header(),
            html.Main(
                dbc.Container([html.Div(id=ids.ERROR_BANNER), dash.page_container]),
                id=ids.MAIN,
                tabIndex="-1",
            ),
            _footer(),
        ]
    )
