"""Manage's home page: the user's partnerships, each reporting point with its status.

A status comes from the per-point flag and the list of versions (INTERFACES.md section 7): no
report is rebuilt to list the points, however many there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import Response

from dashboard.audience import Audience
from dashboard.formatting import format_date
from data_access import db
from data_access.point_flags import changed_points
from data_access.publications import Publication, publications
from data_access.results import reporting_points
from manage import blueprint, guarded, page, user_partnerships

PROVISIONAL = "Provisional"
CHANGED = "Changed since publication"


@dataclass(frozen=True, slots=True)
class PointStatus:
    """A reporting point as Manage lists it: provisional, or its latest version (not withdrawn)
    and whether the data may have changed since."""

    label: str
    end: date
    version: int | None = None
    published_at: datetime | None = None
    changed: bool = False

    @property
    def published(self) -> bool:
        return self.version is not None

    @property
    def words(self) -> str:
        """ "Provisional"; "Published v2 on 3 March 2020"; with "changed since publication"."""
        if self.version is None or self.published_at is None:
            return PROVISIONAL
        text = f"Published v{self.version} on {format_date(self.published_at.date())}"
        return f"{text}; {CHANGED.lower()}" if self.changed else text


def standing_versions(versions: list[Publication]) -> dict[date, Publication]:
    """Each published point's latest version not withdrawn, by the point's end date."""
    found: dict[date, Publication] = {}
    for version in versions:  # newest version first
        if not version.withdrawn and version.period.end not in found:
            found[version.period.end] = version
    return found


def point_statuses(slug: str) -> list[PointStatus]:
    """Every point a member may open, newest first, with its status."""
    standing = standing_versions(publications(slug))
    with db.session() as session:
        flags = changed_points(slug, session)
    statuses = []
    for point in reporting_points(slug, Audience(frozenset({slug}))):
        latest = standing.get(point.end) if point.published else None
        if latest is None:
            statuses.append(PointStatus(point.label, point.end))
        else:
            changed = flags.get(point.label, flags.get(latest.period.label, False))
            statuses.append(
                PointStatus(point.label, point.end, latest.version, latest.published_at, changed)
            )
    return statuses


@blueprint.route("/manage")
@guarded(partnership=False)
def home() -> Response:
    partnerships = [(p, point_statuses(p.slug)) for p in user_partnerships()]
    return page("manage/home.html", "home", partnerships=partnerships, format_date=format_date)
