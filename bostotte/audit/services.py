from __future__ import annotations

from sqlalchemy import select

from bostotte.audit.models import AccessLog
from bostotte.auth.models import User
from bostotte.common.db import Session


def log_access(session: Session, actor: User, citizen_id: int, what: str,
               path: str | None = None) -> AccessLog:
    entry = AccessLog(actor_id=actor.id, actor_role=actor.role, citizen_id=citizen_id,
                      what=what, path=path)
    session.add(entry)
    return entry


def access_entries(session: Session, citizen_id: int) -> list[AccessLog]:
    return list(session.scalars(
        select(AccessLog).where(AccessLog.citizen_id == citizen_id)
        .order_by(AccessLog.at.desc(), AccessLog.id.desc())
    ))
