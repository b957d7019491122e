"""What every view's pickers share: the reporting-point options and writing a choice to the URL."""

from __future__ import annotations

from collections.abc import Sequence

from dash.exceptions import PreventUpdate

from dashboard.formatting import format_date
from dashboard.reporting import ReportingPoint


def point_options(points: Sequence[ReportingPoint]) -> list[dict[str, str]]:
    """Newest first; a provisional point says so in its label."""
    return [
        {
            "label": f"{p.label} (as at {format_date(p.end)})"
            + ("" if p.published else " — provisional"),
            "value": p.label,
        }
        for p in points
    ]


def href_or_prevent(new: str | None, pathname: str | None, search: str | None) -> str:
    """The address to push, unless there is none or the view is already there (no duplicate
    history entries, so Back always leaves the page)."""
    if new is None or new == (pathname or "") + (search or ""):
        raise PreventUpdate
    return new


def chosen_period(chosen: str | None, shown: str | None) -> str | None:
    """The period a picker asks for, or None when it shows what the page shows already."""
    if not chosen or not shown or chosen == shown:
        return None
    return chosen
