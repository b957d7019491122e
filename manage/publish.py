"""Manage: publish a reporting point (the partnership's approval); admins withdraw a version.

The page lists every point with its status from the per-point flag; opening one (`?period=`)
builds its live report once, to say what changed since its latest version (or, never published,
what will be) and what the public will see. Publishing goes through the `publish` command's own
code (data_access.publications), so a new version is made only when something differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Response, request
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from dashboard import report as reports
from dashboard.formatting import format_date
from dashboard.model import Role
from dashboard.periods import Period
from dashboard.wording import COUNT_LABELS
from data_access import db
from data_access.publications import (
    Publication,
    PublishError,
    point_of,
    publications,
    publish,
    withdraw,
)
from data_access.reports import live_report, stored_report
from data_access.tables import TEXT_MAX
from manage import actor, blueprint, done, guarded, is_admin, page
from manage.home import point_statuses

Problem = tuple[str, str]  # (the field's id, what is wrong with it)


class PublishForm(FlaskForm):
    class Meta:
        csrf = False  # checked by `guarded`, before the view runs

    period = StringField(validators=[DataRequired("Choose the reporting point to publish.")])
    confirm = BooleanField(
        validators=[DataRequired("Tick the box to confirm the partnership approved this report.")]
    )
    seen = HiddenField()  # the digest of the report the page showed


class WithdrawForm(FlaskForm):
    class Meta:
        csrf = False

    period = StringField(validators=[DataRequired("Choose the reporting point.")])
    version = IntegerField(validators=[InputRequired("Choose the version to withdraw.")])
    reason = TextAreaField(
        validators=[
            DataRequired("Give a reason for withdrawing: it is kept in the audit log."),
            Length(max=TEXT_MAX, message=f"Keep the reason to {TEXT_MAX:,} characters."),
        ]
    )


@dataclass(frozen=True, slots=True)
class PublicPreview:
    """What the public would see of a point if it were published now."""

    measures: int
    counts: list[tuple[str, int]]  # (rating words, how many public measures have it)
    members_only: list[str]  # titles of measures that are not public
    withheld: list[str]  # titles whose latest figure is withheld as a small count


@dataclass(frozen=True, slots=True)
class OpenedPoint:
    point: Period
    latest: int | None  # the latest version not withdrawn
    changes: list[str] | None  # what differs from it; None when never published
    preview: PublicPreview
    seen: str  # digest of the report shown, checked when publishing
    versions: list[Publication]


def public_preview(member: reports.PartnershipReport) -> PublicPreview:
    public = reports.public_view(member)
    codes = {m.code for m in public.measures}
    return PublicPreview(
        measures=len(public.measures),
        counts=[(COUNT_LABELS[s], n) for s, n in public.counts().items()],
        members_only=[m.title for m in member.measures if m.code not in codes],
        withheld=[m.title for m in public.measures if m.suppressed],
    )


def _live(slug: str, point: Period) -> reports.PartnershipReport:
    return live_report(slug, reports.PointRef(point.label, point.start, point.end))


def open_point(slug: str, label: str) -> OpenedPoint:
    """The point `label` names, with what publishing it now would change (PublishError for a
    label that names none of the partnership's points)."""
    with db.session() as session:
        point = point_of(session, slug, label)
    live = _live(slug, point)
    latest = stored_report(slug, point.end, None, "member")
    changes = reports.edits_since(live, latest) if latest is not None else None
    versions = [v for v in publications(slug) if v.period.end == point.end]
    return OpenedPoint(
        point=point,
        latest=latest.publication.version if latest and latest.publication else None,
        changes=changes,
        preview=public_preview(live),
        seen=reports.digest(live),
        versions=versions,
    )


def _address(slug: str, label: str | None = None) -> str:
    query = f"?{urlencode({'period': label})}" if label else ""
    return f"/manage/{slug}/publish{query}"


def _render(
    slug: str, label: str | None, problems: list[Problem] | None = None, **form: Any
) -> Response:
    opened, status = None, 200
    problems = list(problems or [])
    if label:
        try:
            opened = open_point(slug, label)
        except PublishError as error:
            if all(message != str(error) for _, message in problems):
                problems.append(("period-list", str(error)))
    if problems:
        status = 400
        fields = _fields(opened)
        problems = [(f if f in fields else "period-list", m) for f, m in problems]
    return page(
        "manage/publish.html",
        "publish",
        slug,
        status=status,
        statuses=point_statuses(slug),
        opened=opened,
        problems=problems,
        form=form,
        format_date=format_date,
        address=_address,
    )


def _fields(opened: OpenedPoint | None) -> set[str]:
    """The ids of the fields the page shows, for the error summary's links."""
    if opened is None:
        return set()
    standing = {f"reason-v{v.version}" for v in opened.versions if not v.withdrawn}
    return {"confirm", *(standing if is_admin() else ())}


def _problems(form: FlaskForm, ids: dict[str, str]) -> list[Problem]:
    return [(ids.get(name, name), messages[0]) for name, messages in form.errors.items()]


@blueprint.route("/manage/<slug>/publish", methods=["GET"])
@guarded()
def publish_page(slug: str) -> Response:
    return _render(slug, request.args.get("period"))


@blueprint.route("/manage/<slug>/publish", methods=["POST"])
@guarded()
def publish_point(slug: str) -> Response:
    form = PublishForm()
    label = (form.period.data or "").strip()
    if not form.validate():
        return _render(slug, label or None, _problems(form, {"period": "period-list"}))
    try:
        if form.seen.data:
            with db.session() as session:
                point = point_of(session, slug, label)
            if reports.digest(_live(slug, point)) != form.seen.data:
                problem = (
                    "What this point shows changed after you opened it. Nothing was published: "
                    "read the list again, then publish."
                )
                return _render(slug, label, [("confirm", problem)])
        role = "admin" if is_admin() else "editor"
        point, number = publish(slug, label, actor(), role)
    except PublishError as error:
        return _render(slug, label, [("confirm", str(error))])
    if number is None:
        message = (
            f"Nothing differs from the latest published version of {point.label}: "
            "no new version was made."
        )
    else:
        message = f"Published {point.label} as version {number}."
    return done(message, _address(slug, point.label))


@blueprint.route("/manage/<slug>/withdraw", methods=["POST"])
@guarded(role=Role.ADMIN)
def withdraw_version(slug: str) -> Response:
    form = WithdrawForm()
    label = (form.period.data or "").strip()
    field = f"reason-v{form.version.data}" if form.version.data else "period-list"
    if not form.validate():
        return _render(
            slug,
            label or None,
            _problems(form, {"reason": field, "version": field, "period": "period-list"}),
            reason=form.reason.data or "",
            version=form.version.data,
        )
    try:
        point = withdraw(slug, label, form.version.data, form.reason.data, actor())
    except PublishError as error:
        return _render(
            slug, label, [(field, str(error))], reason=form.reason.data, version=form.version.data
        )
    return done(
        f"Withdrew version {form.version.data} of {point.label}: the public now sees the version "
        "before it, if there is one.",
        _address(slug, point.label),
    )
