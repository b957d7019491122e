"""Bootstrap-icons shapes inline, for server-rendered pages and documents that cannot use the
dashboard's CSS masks (a PDF renderer has no `mask`): the SVG itself, hidden from screen
readers because the word is always beside it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

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
