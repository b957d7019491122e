"""What every report page says under its title: the point, whether it is provisional or
published (and which version), whether it changed since, and the illustrative-data note."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from dashboard.formatting import format_date
from dashboard.report import PartnershipReport
from dashboard.wording import (
    CHANGED,
    ILLUSTRATIVE_NOTE,
    PROVISIONAL,
    RECONSTRUCTED,
    published_sentence,
    version_sentence,
)
from layouts.tiles import tag


def point_heading(report: PartnershipReport, version_asked: bool = False) -> list[Component]:
    """ "As at 2018/19 (31 March 2019)", then the point's standing; a page opened with
    ?version= says first which version it shows."""
    point, publication = report.point, report.publication
    words: list[Component | str] = [f"As at {point.label} ({format_date(point.end)})"]
    if publication is None:
        words += [" ", tag(PROVISIONAL, "provisional")]
    else:
        words.append(f" · {published_sentence(publication.version, publication.published_at)}")
        if report.live and publication.changed_since:
            words += [" ", tag(CHANGED, "changed")]
    lines = [html.P(words, className="as-at")]
    if version_asked and publication is not None:
        lines.insert(0, html.P(_version_words(report), className="version-shown"))
    return lines


def _version_words(report: PartnershipReport) -> str:
    publication = report.publication
    assert publication is not None
    words = version_sentence(publication.version, publication.published_at)
    if publication.reconstructed:
        words += f" ({RECONSTRUCTED})"
    if publication.version != publication.latest_version:
        words += f". The latest is version {publication.latest_version}."
    return words


def illustrative_note(shown: bool) -> list[html.P]:
    return [html.P(ILLUSTRATIVE_NOTE, className="illustrative-note")] if shown else []
