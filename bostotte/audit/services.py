from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import has_request_context, request
from sqlalchemy import insert

from bostotte.audit.models import AccessLog
from bostotte.auth.models import User
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
    entry = AccessLog(**_row(actor, citizen_id, what, path))
    session.add(entry)
    return entry


def log_accesses(
    session: Session, actor: User | None, citizen_ids: Iterable[int], what: str, path: str | None
) -> None:
    """A list read many citizens' records: one row each, in one statement (`actor` None: the
    system, e.g. the export)."""
    now = utcnow()
    rows = [{**_row(actor, c, what, path), "at": now} for c in sorted(set(citizen_ids))]
    if rows:
        session.execute(insert(AccessLog), rows)
