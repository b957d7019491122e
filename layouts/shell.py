"""The page shell: skip link, header, navigation, main landmark and footer around every page."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

SERVICE_NAME = "Community safety performance"


def page_shell() -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            html.A(
                "Skip to main content",
                href="#main",
                className="visually-hidden-focusable skip-link",
            ),
            html.Header(
                dbc.Container(
                    [
                        html.A(SERVICE_NAME, href="/", className="service-name"),
                        html.Nav(
                            html.Ul(
                                [
                                    html.Li(html.A("Partnerships", href="/")),
                                    html.Li(html.A("Open data", href="/api/v1/results.csv")),
                                    # /sign-in offers "Sign out" to someone already signed in
                                    html.Li(
                                        html.A("Sign in", href="/sign-in", id=ids.ACCOUNT_LINK)
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
            ),
            html.Main(
                dbc.Container([html.Div(id=ids.ERROR_BANNER), dash.page_container]),
                id=ids.MAIN,
                tabIndex="-1",
            ),
            html.Footer(
                dbc.Container(
                    [
                        html.P(
                            [
                                "Figures from ONS and Home Office releases are © Crown "
                                "copyright, licensed under the ",
                                html.A(
                                    "Open Government Licence v3.0",
                                    href="https://www.nationalarchives.gov.uk/doc/"
                                    "open-government-licence/version/3/",
                                ),
                                ".",
                            ]
                        ),
                        html.Ul(
                            [
                                html.Li(html.A("Accessibility statement", href="/accessibility")),
                                html.Li(
                                    html.A("How ratings and statistics work", href="/about-ratings")
                                ),
                            ],
                            className="footer-links list-inline",
                        ),
                    ]
                ),
                className="site-footer",
            ),
        ]
    )
