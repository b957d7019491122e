"""Manage: commentary per measure and reporting point, and the action plan's status.

Commentary is Markdown of up to 5,000 characters, shown everywhere through
`dashboard.markdown_text.to_html` (no raw HTML, sanitised); saving keeps every earlier text, and
saving an empty one removes it. Each change is audited (old → new) and marks the published points
it reaches as changed since publication, so it reaches the public when they are published again.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Response, request
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from dashboard.formatting import format_date
from dashboard.markdown_text import COMMENTARY_MAX, to_html
from dashboard.model import ActionStatus, Partnership
from dashboard.plans import ACTION_STATUS_LABELS, ActionItem
from dashboard.report import OTHER_MEASURES
from data_access import commentary as writes
from data_access.commentary import CommentaryError, CommentaryVersion
from data_access.drilldown import all_action_items
from data_access.publications import PublishError
from data_access.results import all_partnerships
from manage import actor, blueprint, done, guarded, page
from manage.home import point_statuses

Problem = tuple[str, str]  # (the field's id, what is wrong with it)
MEASURES_ANCHOR = "commentary-measures"
ACTIONS_ANCHOR = "action-plan"


class CommentaryForm(FlaskForm):
    class Meta:
        csrf = False  # checked by `guarded`, before the view runs

    measure_code = StringField(validators=[DataRequired("Choose the measure.")])
    period = StringField(validators=[DataRequired("Choose the reporting point.")])
    text = TextAreaField(filters=[writes.normalise])


class ActionForm(FlaskForm):
    class Meta:
        csrf = False

    item = StringField(validators=[DataRequired("Choose the action plan item.")])
    status = StringField(validators=[DataRequired("Choose the item's status.")])


@dataclass(frozen=True, slots=True)
class MeasureCommentary:
    """One measure's commentary at the point: the current text and every earlier one."""

    code: str
    title: str
    rows: list[CommentaryVersion]  # newest first; an empty text is a removal

    @property
    def current(self) -> CommentaryVersion | None:
        return writes.current(self.rows)

    @property
    def earlier(self) -> list[CommentaryVersion]:
        return self.rows[1:] if self.rows else []


@dataclass(frozen=True, slots=True)
class Group:
    title: str
    measures: list[MeasureCommentary] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)


def _partnership(slug: str) -> Partnership:
    return next(p for p in all_partnerships() if p.slug == slug)


def _groups(
    partnership: Partnership, history: Mapping[str, list[CommentaryVersion]]
) -> list[Group]:
    """Measures and action plan items under each priority, then the other measures."""
    items = all_action_items(partnership.slug)
    numbers = {p.number for p in partnership.priorities}
    sections: list[tuple[str, Callable[[int | None], bool]]] = [
        (f"{p.number}. {p.title}", functools.partial(operator.eq, p.number))
        for p in partnership.priorities
    ]
    sections.append((OTHER_MEASURES, lambda number: number not in numbers))
    groups = [
        Group(
            title,
            [
                MeasureCommentary(m.measure.code, m.measure.title, history.get(m.measure.code, []))
                for m in partnership.measures
                if belongs(m.priority)
            ],
            [a for a in items if belongs(a.priority)],
        )
        for title, belongs in sections
    ]
    return [g for g in groups if g.measures or g.actions]


def _markdown(text: str) -> Markup:
    # to_html renders without raw HTML and sanitises: its output is safe to insert as it is
    return Markup(to_html(text))


def _address(slug: str, label: str | None, anchor: str = "") -> str:
    query = f"?{urlencode({'period': label})}" if label else ""
    return f"/manage/{slug}/commentary{query}{'#' + anchor if anchor else ''}"


def _render(
    slug: str,
    label: str | None,
    problems: list[Problem] | None = None,
    drafts: Mapping[str, str] | None = None,
) -> Response:
    problems = list(problems or [])
    statuses = point_statuses(slug)
    point_label = statuses[0].label if statuses else None
    if label:
        try:
            point_label = writes.point(slug, label).label
        except CommentaryError as error:
            if all(message != str(error) for _, message in problems):
                problems.append(("period", str(error)))
    history = writes.history(slug, point_label) if point_label else {}
    partnership = _partnership(slug)
    return page(
        "manage/commentary.html",
        "commentary",
        slug,
        status=400 if problems else 200,
        partnership=partnership,
        statuses=statuses,
        point_label=point_label,
        groups=_groups(partnership, history),
        problems=problems,
        drafts=drafts or {},
        markdown=_markdown,
        format_date=format_date,
        statuses_labels=ACTION_STATUS_LABELS,
        action_statuses=list(ActionStatus),
        commentary_max=COMMENTARY_MAX,
    )


@blueprint.route("/manage/<slug>/commentary", methods=["GET"])
@guarded()
def commentary_page(slug: str) -> Response:
    return _render(slug, request.args.get("period"))


@blueprint.route("/manage/<slug>/commentary", methods=["POST"])
@guarded()
def save_commentary(slug: str) -> Response:
    form = CommentaryForm()
    code = (form.measure_code.data or "").strip()
    label = (form.period.data or "").strip() or None
    known = {m.measure.code for m in _partnership(slug).measures}
    where = f"text-{code}" if code in known else MEASURES_ANCHOR
    if not form.validate():
        problems = [(where, messages[0]) for messages in form.errors.values()]
        return _render(slug, label, problems, {code: form.text.data or ""})
    try:
        message = writes.save_commentary(slug, code, label or "", form.text.data or "", actor())
    except (CommentaryError, PublishError) as error:
        return _render(slug, label, [(where, str(error))], {code: form.text.data or ""})
    return done(message, _address(slug, label, f"measure-{code}"))


@blueprint.route("/manage/<slug>/actions", methods=["POST"])
@guarded()
def save_action(slug: str) -> Response:
    form = ActionForm()
    key = (form.item.data or "").strip()
    label = (request.form.get("period") or "").strip() or None  # the page to return to
    known = {a.key for a in all_action_items(slug)}
    where = f"status-{key}" if key in known else ACTIONS_ANCHOR
    update = request.form.get("update")  # absent: the update text stays as it is
    try:
        if not form.validate():
            raise CommentaryError(next(iter(form.errors.values()))[0])
        message = writes.save_action(slug, key, form.status.data or "", update, actor())
    except (CommentaryError, PublishError) as error:
        return _render(slug, label, [(where, str(error))])
    return done(message, _address(slug, label, f"action-{key}"))
