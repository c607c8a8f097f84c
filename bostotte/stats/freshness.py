"""The data version: one number that every write that can change a statistic raises.

A statistics snapshot (stats.snapshots) keeps the number it was computed at; while the
number is the same, nothing its numbers read has changed, so they are still exact.

The rule errs one way only. Every write raises the number unless its table is known not
to feed any statistic (the access log, logins, reminders, tilsyn …): a write the rule does
not know makes snapshots stale, never wrong. The ORM's flush shows writes of objects;
`do_orm_execute` shows Core and text statements run through the session; a writer that
goes round the session (the import's COPY) calls `changed()` itself. The number is raised
last thing before the commit, in the writer's own transaction, so the rows and the number
become visible together, and the one row is locked only for the moment before the commit.
"""

from __future__ import annotations

import re
from itertools import chain
from typing import Any

from flask_sqlalchemy.session import Session as AppSession
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.sql.elements import TextClause

from bostotte.auth.models import User
from bostotte.common.db import Session, insert_on_conflict
from bostotte.common.time import utcnow
from bostotte.stats.models import StatDataVersion

# Tables whose rows no statistic reads (stats.services, progress.on_track_cells).
UNRELATED = frozenset(
    {
        "access_log",
        "admin_log",
        "api_idempotency_keys",
        "api_tokens",
        "digest_log",
        "heartbeats",
        "identities",
        "invitations",
        "pedagogical_methods",  # names only: the statistics count by a method's code
        "recovery_codes",
        "reminders",
        "scoring_comments",
        "signal_acks",
        "site_settings",
        "stat_data_version",
        "stat_snapshots",
        "stat_targets",  # read with every view, never stored (stats.snapshots)
        "subgoal_notes",
        "user_sessions",
    }
)
UNRELATED_PREFIXES = ("tilsyn_",)
# A login writes to its user's row; only these of her columns reach a statistic (the
# documentation per worker names her; her teams decide whose numbers she is counted in).
USER_ATTRIBUTES = ("name", "role", "active", "teams")

CHANGED = "stats.changed"
_WRITE = re.compile(r"\s*(?:insert\s+into|update|delete\s+from)\s+\"?(\w+)", re.IGNORECASE)


def related(table: str) -> bool:
    return table not in UNRELATED and not table.startswith(UNRELATED_PREFIXES)


def changed(session: Session) -> None:
    """This transaction wrote statistics' data the session cannot see (COPY, a raw
    connection): raise the number when it commits."""
    session.info[CHANGED] = True


def current(session: Session) -> int:
    """The number now (read before computing: a write that commits meanwhile then makes
    the result stale, never fresh)."""
    version = session.scalar(select(StatDataVersion.version).where(StatDataVersion.id == 1))
    return int(version or 0)


def _object_changes(obj: Any) -> bool:
    table = getattr(obj, "__tablename__", None)
    if table is None or not related(table):
        return False
    state = inspect(obj)
    if isinstance(obj, User) and state.persistent:
        return any(state.attrs[a].history.has_changes() for a in USER_ATTRIBUTES)
    return True


def _before_flush(session: Any, _context: Any, _instances: Any) -> None:
    if session.info.get(CHANGED):
        return
    dirty = (o for o in session.dirty if session.is_modified(o))
    if any(_object_changes(o) for o in chain(session.new, session.deleted, dirty)):
        session.info[CHANGED] = True


def _statement_table(state: ORMExecuteState) -> str | None:
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(statement, "table", None)
        return getattr(table, "name", None) or ""
    if isinstance(statement, TextClause) and (match := _WRITE.match(statement.text)):
        return match.group(1)
    return None


def _on_execute(state: ORMExecuteState) -> None:
    table = _statement_table(state)
    if table is not None and related(table):
        state.session.info[CHANGED] = True


def _before_commit(session: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit would flush next; see what it writes first
    if session.info.pop(CHANGED, False):
        _raise(session)


def _raise(session: Any) -> None:
    """version + 1 on the one row, made if it is missing (a database emptied by hand)."""
    statement = insert_on_conflict(session, StatDataVersion).values(
        id=1, version=1, changed_at=utcnow()
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[StatDataVersion.id],
            set_={
                "version": StatDataVersion.version + 1,
                "changed_at": statement.excluded.changed_at,
            },
        )
    )


def _forget(session: Any, *_args: Any) -> None:
    session.info.pop(CHANGED, None)


def install() -> None:
    """Listen on the app's sessions (idempotent). Installed after the other commit hooks,
    so the number is raised after what they write."""
    for name, fn in (
        ("before_flush", _before_flush),
        ("do_orm_execute", _on_execute),
        ("before_commit", _before_commit),
        ("after_rollback", _forget),
    ):
        if not event.contains(AppSession, name, fn):
            event.listen(AppSession, name, fn)
