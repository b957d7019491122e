"""Commentary's Markdown as Dash components: the sanitised HTML of `dashboard.markdown_text.to_html`
read back into `html.*` components, so the measure page shows exactly what Manage and the meeting
pack show, and nothing reaches the browser as markup (a `<script>` in the text is a string)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from dash import html
from dash.development.base_component import Component

from dashboard.markdown_text import to_html

# Each tag to_html may produce; commentary headings sit one level below the period's own h3
_COMPONENTS: dict[str, type[Component]] = {
    "p": html.P,
    "br": html.Br,
    "hr": html.Hr,
    "strong": html.Strong,
    "em": html.Em,
    "ul": html.Ul,
    "ol": html.Ol,
    "li": html.Li,
    "a": html.A,
    "code": html.Code,
    "pre": html.Pre,
    "blockquote": html.Blockquote,
    "h3": html.H4,
    "h4": html.H5,
    "h5": html.H6,
    "h6": html.H6,
}
_VOID = {"br", "hr"}
_ATTRIBUTES = {"a": ("href", "title", "rel"), "ol": ("start",)}

Node = Component | str


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # "&lt;script&gt;" becomes the text "<script>"
        self.stack: list[tuple[str, dict[str, Any], list[Node]]] = [("", {}, [])]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = {k: v for k, v in attrs if k in _ATTRIBUTES.get(tag, ()) and v is not None}
        if tag in _VOID:
            self._add(tag, kept, [])
        else:
            self.stack.append((tag, kept, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or all(open_tag != tag for open_tag, _, _ in self.stack[1:]):
            return
        while True:
            open_tag, attrs, children = self.stack.pop()
            self._add(open_tag, attrs, children)
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1][2].append(data)

    def _add(self, tag: str, attrs: dict[str, Any], children: list[Node]) -> None:
        make = _COMPONENTS.get(tag)
        into = self.stack[-1][2]
        if make is None:  # not a tag to_html keeps: its words only
            into.extend(children)
        elif tag == "ol":
            start = str(attrs.get("start", ""))
            into.append(make(children, start=int(start)) if start.isdigit() else make(children))
        else:
            into.append(make(children, **attrs))

    def result(self) -> list[Node]:
        while len(self.stack) > 1:
            tag, attrs, children = self.stack.pop()
            self._add(tag, attrs, children)
        return self.stack[0][2]


def markdown_components(text: str) -> list[Node]:
    """Commentary Markdown as components: no raw HTML, links only to web or e-mail addresses."""
    reader = _Reader()
    reader.feed(to_html(text))
    reader.close()
    return [n for n in reader.result() if not (isinstance(n, str) and not n.strip())]
