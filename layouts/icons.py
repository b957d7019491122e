"""Bootstrap-icons shapes inline, for server-rendered pages and documents that cannot use the
dashboard's CSS masks (a PDF renderer has no `mask`): the SVG itself, hidden from screen
readers because the word is always beside it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from dashboard import wording
from dashboard.model import RatingStatus
from dashboard.report import PartnershipReport

ICONS = Path(__file__).resolve().parent.parent / "assets" / "icons"


@cache
def icon_svg(name: str) -> Markup:
    """The icon `name` (a file in assets/icons) as inline SVG markup, `aria-hidden`."""
    svg = (ICONS / f"{name}.svg").read_text(encoding="utf-8")
    svg = re.sub(r"\sclass=\"[^\"]*\"", "", svg, count=1)
    return Markup(
        svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" class="icon" ', 1)
    )


@cache
def icon_data_uri(name: str, colour: str) -> str:
    """The icon `name` filled with `colour`, as a data: URI for a CSS background: a PDF renderer
    makes a background an artifact, where an inline SVG becomes an untagged figure (PDF/UA)."""
    svg = (ICONS / f"{name}.svg").read_text(encoding="utf-8").replace("currentColor", colour)
    return "data:image/svg+xml," + quote(svg.strip(), safe=" =:/'")


@dataclass(frozen=True, slots=True)
class Count:
    """One rating's count, as the server-rendered summaries (embed, meeting pack) show it."""

    status: str
    label: str
    number: int
    icon: Markup


def rating_counts(report: PartnershipReport, priority: int | None = None) -> tuple[Count, ...]:
    """The report's count of each rating (of one priority when given), with words and icon."""
    found = report.counts(priority)
    return tuple(
        Count(str(s), wording.COUNT_LABELS[s], found[s], icon_svg(wording.RATING_ICONS[s]))
        for s in RatingStatus
    )
