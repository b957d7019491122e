"""The words of each page's `<title>` (WCAG 2.4.2): what the page shows, then whose it is, then
the service — "Total recorded crime – South Gloucestershire – Community safety performance"."""

from __future__ import annotations

from dashboard.report import PartnershipReport
from dashboard.wording import SERVICE_NAME

SEPARATOR = " – "
NOT_FOUND = "Page not found"
PARTNERSHIPS = "Partnerships"


def page_title(*parts: str) -> str:
    """The parts, most specific first, then the service name."""
    return SEPARATOR.join([*(p for p in parts if p), SERVICE_NAME])


def priority_heading(report: PartnershipReport, number: int) -> str:
    """ "Priority 2: Strengthen and improve your local community" (the priority page's h1)."""
    title = next(g.title for g in report.groups if g.number == number)
    return f"Priority {number}: {title}"


def county_heading(area_name: str) -> str:
    return f"{area_name}: partnerships side by side"


NOT_FOUND_TITLE = page_title(NOT_FOUND)
PARTNERSHIPS_TITLE = page_title(PARTNERSHIPS)
