from __future__ import annotations

from flask import has_request_context, request

from bostotte.audit.models import AccessLog
from bostotte.auth.models import User
from bostotte.common.db import Session

VIA = "bostotte.access_via"
WHAT_MAX = AccessLog.__table__.c.what.type.length or 80
PATH_MAX = AccessLog.__table__.c.path.type.length or 300


def log_access(
    session: Session, actor: User, citizen_id: int, what: str, path: str | None = None
) -> AccessLog:
    # Cut to the columns' lengths: a long guessed URL must still be logged, not fail.
    entry = AccessLog(
        actor_id=actor.id,
        actor_role=actor.role,
        citizen_id=citizen_id,
        what=what[:WHAT_MAX],
        path=path[:PATH_MAX] if path else path,
        # The API names its token here (api.auth): "API: <the token's name>".
        via=request.environ.get(VIA) if has_request_context() else None,
    )
    session.add(entry)
    return entry
