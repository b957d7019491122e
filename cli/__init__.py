"""The command line (INTERFACES.md section 2): `flask --app app:server COMMAND`.

Each command prints what it did in one line, exits 0 on success, and on failure exits non-zero
with a message on stderr, having changed nothing.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click
from flask import Flask

from cli.backup import backup_command, restore_command
from dashboard.config_file import ConfigError, load_config
from dashboard.exports import to_csv
from dashboard.periods import PeriodLabelError
from dashboard.results_file import ResultsFileError
from data_access import catalogue, db, opendata, schema
from data_access.imports import ImportBusy, ImportRejected, import_results
from data_access.publications import (
    PublishError,
    publish,
    reconstruct_missing,
    refresh_results,
    withdraw,
)
from data_access.results import NotVisible
from data_access.sample import SampleError, load_sample
from data_access.users import UserError, save_user

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def operating_system_user() -> str:
    """Who ran the command: the operating system's name for them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a bare container
        return "unknown"


def actor() -> str:
    """Who the audit log and loaded results name for a command's changes: `cli:<os user>`, so
    they never pass for a signed-in user's e-mail address (INTERFACES.md section 7)."""
    return f"cli:{operating_system_user()}"


def _fail(message: str) -> click.ClickException:
    return click.ClickException(message)


@click.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the schema to the latest migration (safe to run again)."""
    engine = db.engine()
    before, after = schema.upgrade(engine)
    rebuilt = reconstruct_missing()
    rendered = refresh_results()
    where = engine.url.render_as_string(hide_password=True)
    extra = f"; {rebuilt} published point(s) rebuilt as reconstructed versions" if rebuilt else ""
    if rendered:
        extra += f"; public results of {rendered} version(s) rendered again"
    if before == after:
        click.echo(f"Database {where} is already at the latest revision ({after}){extra}.")
    else:
        click.echo(
            f"Database {where} upgraded from {before or 'empty'} to revision {after}{extra}."
        )


def _require_schema() -> None:
    engine = db.engine()
    if schema.current_revision(engine) != schema.head_revision(engine):
        raise _fail(
            "The database is not at the latest revision: run "
            "`flask --app app:server init-db` first."
        )


@click.command("load-sample")
def load_sample_command() -> None:
    """Load everything in seed_data/ (running it twice changes nothing)."""
    _require_schema()
    try:
        summary = load_sample(actor())
    except ImportRejected as error:
        raise _fail("\n".join([str(error), *map(str, error.problems)])) from error
    except (ConfigError, SampleError, ResultsFileError) as error:
        raise _fail(str(error)) from error
    click.echo(summary.sentence())


@click.command("load-config")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def load_config_command(path: Path) -> None:
    """Create or update areas, measures and partnerships from a TOML file."""
    _require_schema()
    if not path.is_file():
        raise _fail(f"{path}: no such file.")
    try:
        config = load_config(path, *catalogue.known_codes())
    except ConfigError as error:
        raise _fail(str(error)) from error
    changes = catalogue.apply_config(config, actor(), path.name)
    if not changes.total:
        click.echo(
            f"{path.name}: nothing changed ({len(config.areas)} areas, "
            f"{len(config.measures)} measures, {len(config.partnerships)} partnerships)."
        )
    else:
        click.echo(
            f"{path.name}: {changes.areas} areas, {changes.measures} measures and "
            f"{changes.partnerships} partnerships created or updated."
        )


@click.command("import-results")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report without saving anything.")
def import_results_command(path: Path, dry_run: bool) -> None:
    """Load a results file (.csv or .xlsx): all of it, or nothing if any row is bad."""
    _require_schema()
    if not path.is_file():
        raise _fail(f"{path}: no such file.")
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise _fail(f"{path.name}: the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB.")
    try:
        with path.open("rb") as file:  # read as it is checked, never held whole
            summary = import_results(path.name, file, actor(), dry_run=dry_run)
    except ResultsFileError as error:
        raise _fail(f"{path.name}: {error} Nothing was saved.") from error
    except ImportBusy as error:
        raise _fail(f"{path.name}: {error}") from error
    except ImportRejected as error:
        lines = [str(p) for p in error.problems]
        if error.unlisted:
            lines.append(f"... and {error.unlisted:,} more problem(s), not listed")
        found = len(error.problems) + error.unlisted
        raise _fail(
            "\n".join([*lines, f"{path.name}: {found} problem(s); nothing was saved."])
        ) from error
    click.echo(summary.sentence(path.name))


@click.command("export-results")
@click.option("--partnership", "slug", help="Only this partnership (its slug).")
@click.option("--period", help="Only this result period (any accepted spelling).")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def export_results_command(
    slug: str | None, period: str | None, fmt: str, output: Path | None
) -> None:
    """Published public results, exactly as the open data download gives them."""
    _require_schema()
    try:
        rows = opendata.open_data_rows(slug, period)
    except (NotVisible, PeriodLabelError) as error:
        raise _fail(str(error)) from error
    text = to_csv(rows) if fmt == "csv" else json.dumps(opendata.json_rows(rows), indent=1)
    if output is None:
        click.echo(text, nl=False)
        click.echo(f"Exported {len(rows)} rows.", err=True)
    else:
        output.write_text(text, encoding="utf-8", newline="")
        click.echo(f"Exported {len(rows)} rows to {output}.")


@click.command("publish")
@click.argument("slug")
@click.argument("period")
def publish_command(slug: str, period: str) -> None:
    """Publish a reporting point: store a new frozen version the public can then read."""
    _require_schema()
    try:
        point, number = publish(slug, period, actor())
    except (PublishError, PeriodLabelError) as error:
        raise _fail(str(error)) from error
    if number is not None:
        click.echo(
            f"Published {point.label} (as at {point.end:%d %B %Y}) for {slug}: version {number}."
        )
    else:
        click.echo(
            f"{point.label} (as at {point.end:%d %B %Y}) for {slug}: nothing differs from the "
            "latest published version, so no new version was made."
        )


@click.command("withdraw")
@click.argument("slug")
@click.argument("period")
@click.option("--version", "number", type=click.IntRange(min=1), required=True)
@click.option("--reason", required=True, help="Why: kept in the audit log.")
def withdraw_command(slug: str, period: str, number: int, reason: str) -> None:
    """Withdraw a published version: the public then reads the version before it."""
    _require_schema()
    try:
        point = withdraw(slug, period, number, reason, actor())
    except (PublishError, PeriodLabelError) as error:
        raise _fail(str(error)) from error
    click.echo(f"Withdrew version {number} of {point.label} for {slug}.")


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    help="viewer, editor or admin (admins belong to every partnership).",
)
@click.option(
    "--partnership",
    "partnerships",
    multiple=True,
    metavar="SLUG",
    help="A partnership the user belongs to; repeat for several.",
)
@click.option(
    "--password",
    envvar="PASSWORD",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    hidden=True,  # read from PASSWORD or typed at the prompt, never left in shell history
)
def create_user_command(
    email: str, role: str, partnerships: tuple[str, ...], password: str
) -> None:
    """Create a user, or update their password, role and partnerships (password from PASSWORD
    or a hidden prompt)."""
    _require_schema()
    try:
        user, created = save_user(email, password, role, partnerships, actor())
    except UserError as error:
        raise _fail(str(error)) from error
    where = "every partnership" if user.role == "admin" else ", ".join(sorted(user.member_of))
    verb = "Created" if created else "Updated"
    click.echo(f"{verb} {user.role} {user.email}, a member of {where}.")


COMMANDS = (
    init_db_command,
    load_sample_command,
    load_config_command,
    import_results_command,
    export_results_command,
    publish_command,
    withdraw_command,
    create_user_command,
    backup_command,
    restore_command,
)


def init_app(server: Flask) -> None:
    for command in COMMANDS:
        server.cli.add_command(command)
