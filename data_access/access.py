"""Who the current request is, as an Audience: the only bridge from the session to data access."""

from __future__ import annotations

from dashboard.audience import PUBLIC, Audience


def current_audience() -> Audience:
    """Until sign-in exists (issue #6) every web request is the public."""
    return PUBLIC
