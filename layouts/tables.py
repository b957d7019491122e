"""Plain accessible tables: a caption, column headers with scope, and row headers."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

Cell = str | Component | Sequence[Component | str] | None


def data_table(
    caption: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    caption_hidden: bool = False,
) -> html.Div:
    """A table whose first cell in each row is that row's header; scrolls sideways when narrow."""
    return html.Div(
        dbc.Table(
            [
                html.Caption(caption, className="visually-hidden" if caption_hidden else None),
                html.Thead(html.Tr([html.Th(c, scope="col") for c in columns])),
                html.Tbody(
                    [
                        html.Tr(
                            [html.Th(row[0], scope="row")] + [html.Td(cell) for cell in row[1:]]
                        )
                        for row in rows
                    ]
                ),
            ],
            size="sm",
            striped=True,
            className="data-table",
        ),
        className="table-responsive",
        tabIndex="0",
        role="region",
        **{"aria-label": caption},
    )
