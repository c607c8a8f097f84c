from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import ColumnElement, event, func, insert, select
from sqlalchemy.orm import Session as SASession

from bostotte.audit.models import AccessLog
from bostotte.auth.models import User
from bostotte.common import paging
from bostotte.common.db import Session
from bostotte.common.time import utcnow

VIA = "bostotte.access_via"
WHAT_MAX = AccessLog.__table__.c.what.type.length or 80
PATH_MAX = AccessLog.__table__.c.path.type.length or 300


# The actor of a read by no user: a command on the server (`flask bostotte export`).
SYSTEM = "system"


def _row(actor: User | None, citizen_id: int, what: str, path: str | None) -> dict[str, Any]:
    # Cut to the columns' lengths: a long guessed URL must still be logged, not fail.
    return {
        "actor_id": actor.id if actor else None,
        "actor_role": actor.role if actor else SYSTEM,
        "citizen_id": citizen_id,
        "what": what[:WHAT_MAX],
        "path": path[:PATH_MAX] if path else path,
        # The API names its token here (api.auth): "API: <the token's name>".
        "via": request.environ.get(VIA) if has_request_context() else None,
    }


def log_access(
    session: Session, actor: User, citizen_id: int, what: str, path: str | None = None
) -> AccessLog:
    entry = AccessLog(**_row(actor, citizen_id, what, path), at=utcnow())
    if has_request_context():
        # Written when the request commits (_add_reads), not now: a pending insert would be
        # flushed by the next query and, on SQLite, hold the database's one write lock for
        # the rest of the page, so every page that logs a read would run one at a time.
        g.setdefault(_PENDING, []).append(entry)
    else:
        session.add(entry)
    return entry


_PENDING = "bostotte.pending_reads"


@event.listens_for(SASession, "before_commit")
def _add_reads(session: SASession) -> None:
    # Committed reads stay: a form saved before a later refusal did read her record.
    if has_request_context() and (pending := g.pop(_PENDING, None)):
        session.add_all(pending)


def forget_reads(session: Session) -> None:
    """A request that ends in 403 or 404 showed nothing of her record: the reads it logged
    and has not committed yet are taken back (the app's 403 and 404 handlers call this). The
    entry points log once the whole path resolved; this covers a view's own refusal after
    them (an instrument her record does not use, a decline that is not hers, an occasion
    that is not hers to record)."""
    g.pop(_PENDING, None)


def log_accesses(
    session: Session, actor: User | None, citizen_ids: Iterable[int], what: str, path: str | None
) -> None:
    """A list read many citizens' records: one row each, in one statement (`actor` None: the
    system, e.g. the export)."""
    now = utcnow()
    rows = [{**_row(actor, c, what, path), "at": now} for c in sorted(set(citizen_ids))]
    if rows:
        session.execute(insert(AccessLog), rows)


# ----------------------------------------------------------------- reading the log, by pages

PER_PAGE = 50


@dataclass(frozen=True)
class LogPage:
    """One page of access-log rows, newest first."""

    entries: list[AccessLog]
    page: int
    pages: int
    total: int

    @property
    def page_links(self) -> list[int | None]:
        return paging.page_links(self.page, self.pages)


def log_page(
    session: Session, where: Sequence[ColumnElement[bool]], page: int, per_page: int = PER_PAGE
) -> LogPage:
    """The rows matching `where`, newest first, `per_page` to a page (a page beyond the last
    shows the last)."""
    total = session.scalar(select(func.count()).select_from(AccessLog).where(*where)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    entries = list(
        session.scalars(
            select(AccessLog)
            .where(*where)
            .order_by(AccessLog.at.desc(), AccessLog.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return LogPage(entries, page, pages, total)
