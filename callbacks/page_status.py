"""What each dashboard address shows the person asking: the one decision behind a page's HTTP
status (a real 404 for anything unknown or unseeable, INTERFACES.md section 6), its `<title>`
(WCAG 2.4.2) and, for a browser without JavaScript, where the same results can be read.

Dash answers every page address with the same index HTML and draws the page in the browser, so
the index view is wrapped here: it asks the view's own reader (the function its callback uses)
whether the address shows anything, and answers 404 with the not-found title when it does not.
In the browser, each view's title store is filled by the same decision and one clientside
function (assets/30_page_title.js) puts it in the tab.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import dash
from dash import ALL, ClientsideFunction, Dash, Input, Output
from flask import Response, render_template, request
from markupsafe import escape

from callbacks import county, measure, overview, priority
from callbacks.pickers import UrlState, page_links
from dashboard.audience import Audience
from data_access.access import current_audience
from data_access.results import NotVisible, all_partnerships
from layouts import ids, pages, shell, titles
from layouts.links import embed_href


@dataclass(frozen=True, slots=True)
class PageStatus:
    """What an address shows: its title parts (most specific first), whether it exists for
    this reader, and the partnership it belongs to (for the no-JavaScript pointer)."""

    parts: tuple[str, ...]
    found: bool = True
    slug: str | None = None

    @property
    def title(self) -> str:
        return titles.page_title(*self.parts)

    @property
    def heading(self) -> str:
        return self.parts[0]


NOT_FOUND = PageStatus((titles.NOT_FOUND,), found=False)


def _overview(state: UrlState, audience: Audience) -> PageStatus:
    report, number, _ = overview.read_overview(state, audience)
    parts = (report.name,) if number is None else (f"Priority {number} measures", report.name)
    return PageStatus(parts, slug=report.slug)


def _priority(state: UrlState, audience: Audience) -> PageStatus:
    report, number, _ = priority.read_priority(state, audience)
    return PageStatus((titles.priority_heading(report, number), report.name), slug=report.slug)


def _measure(state: UrlState, audience: Audience) -> PageStatus:
    report, entry = measure.read_entry(page_links(state), state.get("code") or "", audience)
    return PageStatus((entry.title, report.name), slug=report.slug)


def _county(state: UrlState, audience: Audience) -> PageStatus:
    view = county.read_county(state, audience)
    return PageStatus((titles.county_heading(view.area.name),))


def _partnerships(_state: UrlState, _audience: Audience) -> PageStatus:
    return PageStatus((titles.PARTNERSHIPS,))


# Registered page (its `module` in dash.page_registry) -> what its address shows.
READERS: dict[str, Callable[[UrlState, Audience], PageStatus]] = {
    "home": _overview,
    "overview": _overview,
    "priority": _priority,
    "measure": _measure,
    "county": _county,
    "partnerships": _partnerships,
}


def view_status(view: str, state: UrlState, audience: Audience) -> PageStatus:
    """What the registered page `view` shows for this URL state and audience."""
    reader = READERS.get(view)
    if reader is None:
        return NOT_FOUND
    try:
        return reader(state, audience)
    except NotVisible:
        return NOT_FOUND


def _variables(template: str, path: str) -> dict[str, str] | None:
    """The path's values for a template's <names>, or None when it does not match."""
    wanted, given = template.strip("/").split("/"), path.strip("/").split("/")
    if len(wanted) != len(given):
        return None
    found = {}
    for want, part in zip(wanted, given, strict=True):
        if want.startswith("<") and want.endswith(">") and part:
            found[want[1:-1]] = part
        elif want != part:
            return None
    return found


def match_page(path: str) -> tuple[str, dict[str, str]] | None:
    """The registered page an address opens, in Dash's order, with its path values."""
    for page in dash.page_registry.values():
        variables = _variables(page.get("path_template") or page["path"], path)
        if variables is not None:
            return page["module"], variables
    return None


def describe(path: str, query: Mapping[str, str], audience: Audience) -> PageStatus:
    """What the address (path and query) shows this audience."""
    matched = match_page(path)
    if matched is None:
        return NOT_FOUND
    view, variables = matched
    return view_status(view, {**query, **variables}, audience)


# --- the browser's tab title: one server callback per view, one clientside function ---------


def overview_title(state: UrlState | None) -> str:
    return view_status("overview", state or {}, current_audience()).title


def priority_title(state: UrlState | None) -> str:
    return view_status("priority", state or {}, current_audience()).title


def measure_title(state: UrlState | None) -> str:
    return view_status("measure", state or {}, current_audience()).title


def county_title(state: UrlState | None) -> str:
    return view_status("county", state or {}, current_audience()).title


TITLE_CALLBACKS = (
    (ids.OVERVIEW_TITLE, ids.OVERVIEW_STATE, overview_title),
    (ids.PRIORITY_TITLE, ids.PRIORITY_STATE, priority_title),
    (ids.MEASURE_TITLE, ids.MEASURE_STATE, measure_title),
    (ids.COUNTY_TITLE, ids.COUNTY_STATE, county_title),
)


def register(app: Dash) -> None:
    for title_id, state_id, title in TITLE_CALLBACKS:
        app.callback(Output(title_id, "data"), Input(state_id, "data"))(title)
    # A view's title arrives after Dash's router has set the registered one, so it stays.
    app.clientside_callback(
        ClientsideFunction(namespace="page", function_name="setTitle"),
        Input({"type": ids.PAGE_TITLE, "view": ALL}, "data"),
    )


# --- the index HTML: status, <title> and the no-JavaScript pointer ------------------------------

_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
_BODY = re.compile(r"<body[^>]*>")
# Without JavaScript, Dash's "Loading..." would never go: the pointer replaces it.
_NO_SCRIPT_STYLE = "<noscript><style>._dash-loading{display:none}</style></noscript></head>"


def _summaries(status: PageStatus, query: Mapping[str, str]) -> list[tuple[str, str]]:
    """(partnership name, its public summary's address): the page's own partnership (at the
    point and version the URL names), or every partnership."""
    partnerships = sorted(all_partnerships(), key=lambda p: p.name)
    if status.slug is None:
        return [(p.name, embed_href(p.slug)) for p in partnerships]
    href = embed_href(status.slug, query.get("period"), query.get("version"))
    return [(p.name, href) for p in partnerships if p.slug == status.slug]


def noscript(status: PageStatus, query: Mapping[str, str]) -> str:
    """The page a browser without JavaScript shows: the shell, the page's name and where its
    results can be read without a script (the public summary and the open data)."""
    inner = render_template(
        "noscript.html",
        status=status,
        summaries=_summaries(status, query),
        open_data=shell.OPEN_DATA_PATH,
        not_found_sentence=pages.NOT_FOUND_SENTENCE,
    )
    return f"<noscript>{inner}</noscript>"


def answer_index(page: str, status: PageStatus, query: Mapping[str, str]) -> Response:
    """Dash's index HTML for this address: its title, the no-JavaScript page, 200 or 404."""
    page = _TITLE.sub(f"<title>{escape(status.title)}</title>", page, count=1)
    page = page.replace("</head>", _NO_SCRIPT_STYLE, 1)
    page = _BODY.sub(lambda m: m.group(0) + noscript(status, query), page, count=1)
    return Response(page, status=200 if status.found else 404, mimetype="text/html")


def _with_status(view: Callable[..., str]) -> Callable[..., Response]:
    @functools.wraps(view)
    def index(*args: object, **kwargs: object) -> Response:
        query = request.args.to_dict()
        status = describe(request.path, query, current_audience())
        return answer_index(view(*args, **kwargs), status, query)

    return index


def init_app(app: Dash) -> None:
    """Wrap Dash's index views ("/" and every other page address) so each answers its status."""
    # Dash's social-card tags would repeat each page's registered title, not its real one
    app.config.include_pages_meta = False
    prefix = app.config.routes_pathname_prefix
    for endpoint in (prefix, f"{prefix}<path:path>"):
        app.server.view_functions[endpoint] = _with_status(app.server.view_functions[endpoint])
