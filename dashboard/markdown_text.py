"""Commentary is written in Markdown and shown as HTML: rendered without raw HTML, then sanitised.

Two kept libraries do the work: markdown-it-py turns Markdown into HTML with HTML input disabled
(a `<script>` in the text comes out as the words `<script>`), and nh3 (the Ammonia sanitiser)
keeps only the tags commentary needs, so even a renderer bug cannot let markup through.
Every output that shows commentary (measure page, Manage, the meeting pack) calls `to_html`.
"""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt

COMMENTARY_MAX = 5000  # characters of Markdown source (INTERFACES.md section 7)

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote",
    "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto"}

# commonmark with raw HTML off; tables and strikethrough are not needed in commentary
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def to_html(text: str) -> str:
    """Safe HTML for Markdown commentary: no raw HTML, no scripts, links only to web or e-mail."""
    rendered = _markdown.render(text or "")
    # headings in commentary sit under the page's own headings: # becomes h3 at most
    for level in (1, 2):
        rendered = rendered.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def to_text(text: str) -> str:
    """Plain words for outputs that cannot show HTML (a spreadsheet cell, an alt text)."""
    return html.unescape(nh3.clean(_markdown.render(text or ""), tags=set())).strip()
