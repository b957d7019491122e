"""The copyable <iframe> snippet that puts a partnership's public summary on a council page."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from dash import html

SNIPPET_HEIGHT_PX = 1000  # the sample: 24 public measures in 5 groups fit at desktop width
EMBED_SNIPPET = "embed-snippet"


def embed_snippet(base_url: str, slug: str, title: str) -> str:
    """The <iframe> markup for `/embed/<slug>` on the site at `base_url` (e.g. request.host_url)."""
    src = f"{base_url.rstrip('/')}/embed/{quote(slug)}"
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" '
        f'height="{SNIPPET_HEIGHT_PX}" loading="lazy" '
        'referrerpolicy="strict-origin-when-cross-origin" style="border:0;max-width:100%"></iframe>'
    )


def embed_snippet_block(base_url: str, slug: str, title: str) -> html.Details:
    """A closed "Embed this summary" section holding the snippet, ready to select and copy."""
    return html.Details(
        [
            html.Summary("Embed this summary on your website"),
            html.P(
                "Copy this code into your web page. It shows only published results of public "
                "measures, and needs no JavaScript."
            ),
            html.Pre(
                html.Code(embed_snippet(base_url, slug, title)),
                id=EMBED_SNIPPET,
                className="embed-snippet",
                tabIndex="0",
                **{"aria-label": "Embed code"},
            ),
        ]
    )
