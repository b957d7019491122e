"""The results response (INTERFACES.md section 5) rendered from one report: pure, so the API
renders members' live reports with it and publishing stores the public one's rendering once.

The public results of a published version never change, so `publish` keeps their JSON text
(`results_text`) beside the stored report and the API sends it as it is, composing only the small
parts that do change (the point's `published` flag and the publication's latest version).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from dashboard.report import (
    ComparatorEntry,
    Figure,
    MeasureEntry,
    PartnershipReport,
    PublicationRef,
)
from dashboard.reporting import ReportingPoint


def instant(moment: datetime) -> str:
    """A stored time (naive UTC) as ISO 8601 in UTC: "2020-05-12T10:03:00Z"."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds") + "Z"


# Stored renderings carry this number; change it whenever measure_json's output changes, so
# stored texts of another number are rendered again (data_access.publications.refresh_results)
RESULTS_FORMAT = 1


def point_json(point: ReportingPoint) -> dict[str, Any]:
    return {
        "label": point.label,
        "start": point.start.isoformat(),
        "end": point.end.isoformat(),
        "published": point.published,
    }


def _figures(figure: Figure | None) -> dict[str, Any]:
    """The numbers of a figure; a withheld or missing one has them all null."""
    return {
        "value": figure.value if figure else None,
        # a weighted percentage with only its base has no numerator of its own to report
        "numerator": figure.numerator if figure else None,
        "denominator": figure.denominator if figure else None,
        "ci_low": figure.ci_low if figure else None,
        "ci_high": figure.ci_high if figure else None,
    }


def _comparator_json(c: ComparatorEntry) -> dict[str, Any]:
    figure = c.figure
    return {
        "area_code": c.area.code,
        "name": c.area.name,
        "value": figure.value if figure else None,
        "ci_low": figure.ci_low if figure else None,
        "ci_high": figure.ci_high if figure else None,
        "comparison": str(c.comparison),
        "source": figure.source if figure else None,
        "illustrative": figure.illustrative if figure else False,
    }


def measure_json(entry: MeasureEntry, member: bool) -> dict[str, Any]:
    """One measure's entry in the results response; numbers as computed, not rounded."""
    figure = entry.figure
    item = {
        "measure_code": entry.code,
        "title": entry.title,
        "priority": entry.priority,
        "unit": str(entry.unit),
        "polarity": str(entry.polarity),
        "rule": str(entry.rule),
        "result_period": figure.period if figure else None,
        "illustrative": entry.illustrative,
        "source": (figure.source if figure else "") or entry.measure_source,
        "target": entry.target.text,
        **_figures(figure),
        "rating": {
            "status": str(entry.rating.status),
            "label": entry.rating.label,
            "reason": entry.rating.reason,
        },
        "comparators": [_comparator_json(c) for c in entry.comparators],
        "direction": str(entry.direction),
        "previous": (
            {"period": entry.previous.period, "value": entry.previous.value}
            if entry.previous
            else None
        ),
        "design_effect": entry.design_effect,
        "effective_base": entry.effective_base,
        "suppressed": entry.suppressed,
        "revised": (
            {
                "was": entry.revised.was,
                "was_rating": str(entry.revised.was_rating),
                "version": entry.revised.version,
                "published_at": instant(entry.revised.published_at),
            }
            if entry.revised
            else None
        ),
    }
    if member:
        changed = entry.changed
        item["changed_since_publication"] = (
            {
                "published_value": changed.published_value,
                "published_rating": str(changed.published_rating),
            }
            if changed
            else None
        )
        item["withheld_from_public"] = entry.withheld_from_public
    return item


def publication_ref_json(ref: PublicationRef | None, member: bool) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {
        "version": ref.version,
        "latest_version": ref.latest_version,
        "published_at": instant(ref.published_at),
        # the public always reads a version as published: nothing has changed since, for it
        "changed_since": ref.changed_since if member else False,
        "reconstructed": ref.reconstructed,
    }


def results_payload(report: PartnershipReport, point: ReportingPoint) -> dict[str, Any]:
    """The results response (INTERFACES.md section 5) rendered from one report."""
    member = not report.is_public
    return {
        "partnership": report.slug,
        "period": point_json(point),
        "results": [measure_json(e, member) for e in report.measures],
        "publication": publication_ref_json(report.publication, member),
    }


def _dumps(value: Any) -> str:
    """As Flask's jsonify writes it (sorted keys), compact."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def results_text(report: PartnershipReport) -> str:
    """The `results` array of a report as JSON text: what publishing stores for the public."""
    member = not report.is_public
    return _dumps([measure_json(e, member) for e in report.measures])


def compose(slug: str, point: ReportingPoint, results: str, ref: PublicationRef | None) -> str:
    """The public results response from a stored `results` text and the parts that change."""
    head = _dumps({"partnership": slug, "period": point_json(point)})
    tail = _dumps({"publication": publication_ref_json(ref, member=False)})
    return f'{head[:-1]},"results":{results},{tail[1:]}'
