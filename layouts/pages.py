"""Page skeletons. Dash calls each with no arguments to build its validation layout, so they
take URL values as keywords with defaults, accept unknown query keys, and touch no database:
callbacks fill them in.
"""

from __future__ import annotations

from dash import html

from layouts import ids


def home(**_unknown: str) -> html.Div:
    return html.Div([
        html.H1("Community safety partnerships"),
        html.P("Each partnership's latest published results, rated against its own targets."),
        html.Div(id=ids.HOME_LIST, **{"aria-live": "polite"}),
    ])
