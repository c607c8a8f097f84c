"""Readiness and heartbeats."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from pathlib import Path

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bostotte.common.db import Session
from bostotte.config import PROJECT_ROOT
from bostotte.ops.models import Heartbeat

SCHEDULER = "scheduler"
# The daily job runs at 06:00; a day and two hours of slack before /readyz says it stopped.
HEARTBEAT_MAX_AGE = timedelta(hours=26)


def beat(session: Session, name: str, now: datetime) -> None:
    row = session.get(Heartbeat, name)
    if row is None:
        session.add(Heartbeat(name=name, at=now))
    else:
        row.at = now
    session.flush()


@functools.cache
def migration_heads(directory: Path = PROJECT_ROOT / "migrations") -> frozenset[str]:
    """The heads this code expects the database to be at (read once per process)."""
    config = Config()
    config.set_main_option("script_location", str(directory))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def readiness(session: Session, now: datetime, expected_heads: frozenset[str]) -> dict[str, str]:
    """Each check "ok" or why not (no personal data: this answers without a login)."""
    try:
        session.execute(text("SELECT 1"))
        connection = session.connection()
    except SQLAlchemyError:
        session.rollback()
        return {"database": "unreachable", "migrations": "unknown", "scheduler": "unknown"}
    current = set(MigrationContext.configure(connection).get_current_heads())
    beat_row = session.get(Heartbeat, SCHEDULER)
    if beat_row is None:
        scheduler = "never ran"
    elif now - beat_row.at > HEARTBEAT_MAX_AGE:
        scheduler = f"last ran {beat_row.at.isoformat(timespec='minutes')}"
    else:
        scheduler = "ok"
    return {
        "database": "ok",
        "migrations": "ok" if current == expected_heads else "not at head",
        "scheduler": scheduler,
    }
