"""Manage › Upload results: check a file, preview what it would change, then load exactly it.

GET shows the form. POST with `file` checks the file and shows the preview, saving nothing but
the file itself, kept for the confirmation. POST with `token` (the preview's own form) loads
the kept file, checked again at that moment (INTERFACES.md section 7).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import Response, current_app, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from dashboard.results_file import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SAVE_AS_HELP,
    ResultsFileError,
)
from data_access import uploads
from data_access.imports import FIGURES, ImportBusy, RowEffect
from data_access.results import all_partnerships
from manage import actor, blueprint, done, guarded, is_admin, page

logger = logging.getLogger(__name__)

UPLOAD_TYPES = ("csv", "xlsx")
TEMPLATE_NAME = "results-template.csv"
CHOOSE_FILE = "Choose a results file (CSV or XLSX) to check."
WRONG_TYPE = f"The results file must be a CSV or XLSX file. {SAVE_AS_HELP}"
PREVIEW_GONE = (
    "This preview has expired, has been loaded already or is not yours, so nothing was saved. "
    "Upload the file again to check it."
)
DATA_CHANGED = (
    "The results changed after your preview, so nothing was saved. This is what the file "
    "would change now: check it, then confirm again."
)
FILE_CHANGED = "The results changed after your preview, so nothing was saved."
HEADINGS = {
    "insert": "Results to add",
    "replace": "Results to change (old → new)",
    "delete": "Results to delete",
    "unchanged": "Results left unchanged",
}
_SHOWN_TEXT = 60  # characters of a note or source quoted in the preview
_FIGURES = ("value", "numerator", "denominator", "design_effect")
_TEXTS = ("note", "source")


class UploadForm(FlaskForm):
    """The file field; the CSRF token is checked by `guarded`, before the form is read."""

    class Meta:
        csrf = False

    file = FileField(
        "Results file",
        validators=[FileRequired(CHOOSE_FILE), FileAllowed(UPLOAD_TYPES, WRONG_TYPE)],
    )


@dataclass(frozen=True, slots=True)
class ShownRow:
    """One row of a preview table, as the page shows it."""

    line: int
    measure_code: str
    period: str
    area_code: str
    figures: tuple[str, ...]  # "value 61.2", or for a changed result "value: 61.2 → 62"


@dataclass(frozen=True, slots=True)
class ShownKind:
    """The rows of one kind (added, changed, deleted, unchanged) a preview lists."""

    kind: str
    heading: str
    count: int
    rows: tuple[ShownRow, ...]


@blueprint.route("/manage/<slug>/upload", methods=["GET", "POST"])
@guarded()
def upload(slug: str) -> Response:
    if request.method == "GET":
        return _form_page(slug)
    token = request.form.get("token")
    if token is not None:
        return _confirm(slug, token)
    return _preview(slug)


@blueprint.route("/manage/template.csv")
@guarded(partnership=False)
def results_template() -> Response:
    """An empty results file: the header of INTERFACES.md section 3."""
    header = ",".join((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))
    return Response(
        header + "\r\n",
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_NAME}"'},
    )


def _preview(slug: str) -> Response:
    form = UploadForm()
    if not form.validate():
        return _form_page(slug, list(form.file.errors), status=400)
    sent = form.file.data
    upload = uploads.Upload(_filename(sent.filename or ""), sent.read(), slug, actor(), is_admin())
    try:
        preview = uploads.check(upload)
    except ResultsFileError as error:
        return _form_page(slug, [f"{upload.filename}: {error}"], status=400)
    token = uploads.keep(upload, preview) if preview.ok else None
    return _preview_page(slug, preview, token)


def _confirm(slug: str, token: str) -> Response:
    try:
        confirmation = uploads.confirm(token, slug, actor(), is_admin())
    except uploads.PendingNotFound:
        return _form_page(slug, [PREVIEW_GONE], status=404)
    except ImportBusy as busy:
        return _form_page(slug, [str(busy)], status=503, retry_token=token)
    except ResultsFileError as error:  # only if the rules changed since the preview
        return _form_page(slug, [f"{FILE_CHANGED} {error}"], status=409)
    if confirmation.summary is not None:
        message = confirmation.summary.sentence(confirmation.filename)
        logger.info("upload for %s confirmed: %s", slug, message)
        return done(message, f"/manage/{slug}/upload")
    preview = confirmation.preview
    assert preview is not None
    return _preview_page(slug, preview, token if preview.ok else None, DATA_CHANGED, 409)


def _filename(sent: str) -> str:
    """The file's own name, without any folders a browser sent with it."""
    name = re.split(r"[\\/]", sent)[-1].strip()
    return name[-255:] or "results.csv"


def _form_page(
    slug: str, errors: Sequence[str] = (), status: int = 200, retry_token: str | None = None
) -> Response:
    return page(
        "manage/upload.html",
        "upload",
        slug,
        status=status,
        partnership_name=_partnership_name(slug),
        errors=errors,
        retry_token=retry_token,
        max_megabytes=current_app.config["MAX_CONTENT_LENGTH"] // 2**20,
        template_name=TEMPLATE_NAME,
    )


def _preview_page(
    slug: str,
    preview: uploads.Preview,
    token: str | None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    return page(
        "manage/upload_preview.html",
        "upload",
        slug,
        status=status,
        partnership_name=_partnership_name(slug),
        preview=preview,
        token=token,
        message=message,
        summary=_summary(preview),
        problem_summary=_problem_summary(preview),
        kinds=[_shown_kind(preview, kind) for kind in uploads.KINDS],
        max_megabytes=current_app.config["MAX_CONTENT_LENGTH"] // 2**20,
        template_name=TEMPLATE_NAME,
        shown_rows=uploads.SHOWN_ROWS,
    )


def _partnership_name(slug: str) -> str:
    return next((p.name for p in all_partnerships() if p.slug == slug), slug)


def _summary(preview: uploads.Preview) -> str:
    """What loading the file would do, in one sentence."""
    counts = preview.counts
    parts = [
        f"add {_results(counts.get('insert', 0))}",
        f"change {counts.get('replace', 0):,}",
        f"delete {counts.get('delete', 0):,}",
    ]
    return (
        f"Loading {preview.filename} would {', '.join(parts)} "
        f"and leave {counts.get('unchanged', 0):,} unchanged."
    )


def _problem_summary(preview: uploads.Preview) -> str:
    found = len(preview.problems) + preview.unlisted
    if found == 1:
        return (
            f"{preview.filename} has 1 problem, so nothing can be loaded from it. "
            "Correct it and upload the file again."
        )
    return (
        f"{preview.filename} has {found:,} problems, so nothing can be loaded from it. "
        "Correct them and upload the file again."
    )


def _results(count: int) -> str:
    return f"{count:,} result" if count == 1 else f"{count:,} results"


def _shown_kind(preview: uploads.Preview, kind: str) -> ShownKind:
    rows = tuple(_shown_row(effect) for effect in preview.shown.get(kind, ()))
    return ShownKind(kind, HEADINGS[kind], preview.counts.get(kind, 0), rows)


def _shown_row(effect: RowEffect) -> ShownRow:
    row = effect.row
    old = dict(zip(FIGURES, effect.old or (), strict=False))
    new = dict(zip(FIGURES, effect.new or (), strict=False))
    figures = _differences(old, new) if effect.kind == "replace" else _figures(new or old)
    return ShownRow(row.line, row.measure_code, row.period.label, row.area_code, figures)


def _figures(values: Mapping[str, object]) -> tuple[str, ...]:
    shown = [f"{name} {_shown(values[name])}" for name in _FIGURES if values[name] is not None]
    shown += [f"{name} {_shown(values[name])}" for name in _TEXTS if values[name]]
    return tuple(shown)


def _differences(old: Mapping[str, object], new: Mapping[str, object]) -> tuple[str, ...]:
    return tuple(
        f"{name}: {_shown(old[name])} → {_shown(new[name])}"
        for name in (*_FIGURES, *_TEXTS, "illustrative")
        if old[name] != new[name]
    )


def _shown(value: object) -> str:
    """A stored figure or text as the preview quotes it."""
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.10g}"
    text = str(value)
    if not text:
        return "blank"
    return f"“{text[:_SHOWN_TEXT]}…”" if len(text) > _SHOWN_TEXT else f"“{text}”"
