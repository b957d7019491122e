"""`backup PATH` and `restore PATH`: the whole database to one file and back (README: "Running in
production")."""

from __future__ import annotations

from pathlib import Path

import click

from data_access.backup import BackupError, backup, restore


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a backup of the whole database to PATH (pg_dump custom format, or a SQLite file)."""
    try:
        kind = backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the {kind} database to {path} ({path.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace everything in the database with the backup at PATH (all of it, or nothing)."""
    if not yes:
        click.confirm(
            f"Replace everything in the database with {path}? Changes since the backup are lost",
            abort=True,
        )
    try:
        restored = restore(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(restored.sentence(path))
