"""The session type services accept, and keeping the query planner informed."""

from typing import Any, TypeAlias

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import scoped_session

Session: TypeAlias = OrmSession | scoped_session[Any]

# Ids are INTEGER columns: 32 bits on PostgreSQL, where a larger number in a query is an
# error, not a miss. No record has a larger id (URLs: bostotte/__init__.py's `int`).
MAX_ID = 2**31 - 1


def form_id(raw: object) -> int | None:
    """An id a form sent (a select's value, a hidden field, one typed): its digits as a
    number, else None. Nine digits at most, so it fits an INTEGER column (MAX_ID)."""
    text = "" if raw is None else str(raw)
    return int(text) if text.isdigit() and len(text) < 10 else None


def insert_on_conflict(session: Session, model: type[Any]) -> Any:
    """INSERT with the dialect's ON CONFLICT support (SQLite and PostgreSQL: both have
    on_conflict_do_nothing and on_conflict_do_update); with RETURNING, only the rows
    actually inserted come back (rowcount is not reliable)."""
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


def analyze(session: Session) -> None:
    """Refresh the planner's statistics after bulk writes (an import, the demo data) and
    daily. SQLite has none until ANALYZE runs, and without them it may join the statistics'
    subqueries row by row (seconds instead of milliseconds). PostgreSQL's autovacuum would
    get there too, later, and meanwhile compete with the first statistics; VACUUM now also
    marks the new rows all-visible, so index lookups need not visit the table.

    Runs on a connection of its own, so the caller commits its writes first: this never
    commits (or waits on) the caller's transaction."""
    engine = session.get_bind().engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(
            "VACUUM (ANALYZE)" if engine.dialect.name == "postgresql" else "ANALYZE"
        )
