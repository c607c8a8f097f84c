"""Backup and restore of the embedded SQLite database, with SQLite's online backup API: a
consistent copy page by page while the app goes on serving. (PostgreSQL: pg_dump and
pg_restore, README "Drift".)"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from bostotte.common.schema import DomainError


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise DomainError(
            "backup og restore er til SQLite-filen; brug pg_dump og pg_restore "
            "til PostgreSQL (README, Drift)."
        )
    return Path(url.database)


def backup(database_url: str, target: Path) -> int:
    """Copy the live database to `target` (a new file); returns its size in bytes."""
    source_path = sqlite_path(database_url)
    if target.exists():
        raise DomainError(f"{target} findes allerede; vælg et nyt filnavn.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target.stat().st_size


def restore(database_url: str, source: Path) -> None:
    """Replace the database with the backup in `source`, after checking that it is a whole
    bostotte database. Stop the web and scheduler services first."""
    target_path = sqlite_path(database_url)
    if not source.is_file():
        raise DomainError(f"{source} findes ikke.")
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_db:
            ok = backup_db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {
                row[0]
                for row in backup_db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not ok or not {"alembic_version", "citizens", "users"} <= tables:
                raise DomainError(f"{source} er ikke en hel bostotte-database.")
            with sqlite3.connect(target_path) as live:
                backup_db.backup(live)
    except sqlite3.DatabaseError:
        raise DomainError(f"{source} er ikke en SQLite-database.") from None
