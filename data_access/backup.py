"""Backing up and restoring the whole database: pg_dump's custom format on PostgreSQL, SQLite's
online backup API on SQLite. A backup file is written whole or not at all; a restore replaces
everything in one transaction, or changes nothing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import URL, Engine

from data_access import db, schema, versions

PG_DUMP_MAGIC = b"PGDMP"  # pg_dump's custom format
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that could not be done; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Restored:
    revision: str | None  # the schema revision the backup was at
    head: str  # the latest revision this code knows

    def sentence(self, path: Path) -> str:
        if self.revision == self.head:
            return f"Restored the database from {path} (revision {self.revision})."
        return (
            f"Restored the database from {path} (revision {self.revision}): run "
            "`flask --app app:server init-db` to upgrade it to the latest revision "
            f"({self.head})."
        )


def backup(path: Path) -> str:
    """Write a backup of the configured database to `path`; returns what kind it is."""
    engine = db.engine()
    if not path.parent.is_dir():
        raise BackupError(f"Could not write {path}: there is no folder {path.parent}.")
    partial = path.with_name(path.name + ".partial")
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(_sqlite_file(engine), partial)
            with closing(sqlite3.connect(partial)) as conn:
                conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
            kind = "SQLite"
        else:
            _run(
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *_schema_option(engine.url),
                f"--file={partial}",
                engine=engine,
            )
            kind = "PostgreSQL"
        partial.replace(path)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"Could not write {path}: {error}.") from error
    finally:
        partial.unlink(missing_ok=True)
    return kind


def restore(path: Path) -> Restored:
    """Replace everything in the configured database with the backup at `path`."""
    engine = db.engine()
    _check_kind(path, engine)
    if engine.dialect.name == "sqlite":
        _sqlite_check(path)
        db.dispose()
        try:
            _sqlite_backup(path, _sqlite_file(engine))
        except sqlite3.Error as error:  # one transaction on the target: nothing was replaced
            raise BackupError(
                f"Could not restore {path}: {error}. Nothing was restored."
            ) from error
    else:
        _run(
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_libpq_url(engine.url)}",
            str(path),
            engine=engine,
        )
        db.dispose()
    with db.transaction() as session:
        # Caches are keyed on the data version: a new one means no worker serves what it had
        versions.bump(session, catalogue=True)
    return Restored(schema.current_revision(engine), schema.head_revision(engine))


def _sqlite_file(engine: Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(name)


def _sqlite_backup(source: Path, target: Path) -> None:
    """Copy page by page with SQLite's online backup API: consistent while others write."""
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)  # all pages in one step: one transaction on the target


def _sqlite_check(path: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite backup ({error}).") from error
    if not ok:
        raise BackupError(f"{path} is damaged (SQLite quick_check failed): nothing was restored.")
    if "alembic_version" not in tables:
        raise BackupError(f"{path} is not a backup of this dashboard: nothing was restored.")


def _check_kind(path: Path, engine: Engine) -> None:
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    kind = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head[:5] == PG_DUMP_MAGIC else None
    if kind is None:
        raise BackupError(
            f"{path} is not a backup made by `backup` (neither a SQLite database nor a "
            "pg_dump custom-format archive): nothing was restored."
        )
    if kind != engine.dialect.name:
        raise BackupError(
            f"{path} is a {kind} backup but DATABASE_URL is a {engine.dialect.name} database: "
            "restore it into the same kind of database it came from. Nothing was restored."
        )


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) and try again."
        )
    return found


def _search_path(url: URL) -> str | None:
    """The schema named by `options=-csearch_path=NAME` in the URL (the scratch schemas of tests
    and benchmarks), or None for the whole database."""
    options = unquote(str(url.query.get("options", "")))
    for part in options.split():
        if part.startswith("-csearch_path="):
            return part.removeprefix("-csearch_path=").split(",")[0]
    return None


def _schema_option(url: URL) -> list[str]:
    name = _search_path(url)
    return [f"--schema={name}"] if name else []


def _libpq_url(url: URL) -> str:
    """The URL as libpq takes it: no driver name and no password (that goes in PGPASSWORD)."""
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False)


def _run(*args: str, engine: Engine) -> None:
    url = engine.url
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    command = list(args)
    if "pg_dump" in Path(args[0]).name:
        command.append(_libpq_url(url))
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise BackupError(
            f"{Path(args[0]).name} failed: {message[-1] if message else 'no message'}. "
            "Nothing was changed."
        )
