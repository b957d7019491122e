"""One place for unexpected callback errors: log with a reference, show a calm message."""

from __future__ import annotations

import logging
import secrets

import dash_bootstrap_components as dbc
from dash import set_props

from layouts import ids

logger = logging.getLogger(__name__)


def report(error: Exception) -> None:
    reference = secrets.token_hex(2).upper()
    logger.exception("callback failed (reference %s)", reference, exc_info=error)
    set_props(
        ids.ERROR_BANNER,
        {
            "children": dbc.Alert(
                f"These results could not be loaded. Try again; if it keeps happening, tell your "
                f"performance team and quote reference {reference}.",
                color="danger",
            )
        },
    )
