"""Extensions, created unbound; `create_app` binds them."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from bostotte.common.time import UTCDateTime, utcnow

# Named constraints so Alembic migrations (and SQLite batch mode) can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def in_values(column: str, values: Iterable[str]) -> str:
    """`column IN ('a', 'b')` for a CheckConstraint, from the label dict the forms validate
    against, so the database and the forms allow the same values. The text matches the
    initial migration's, so the migrated constraints equal the models' (tests/common)."""
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """A record that is edited: every UPDATE names the version it read, so a concurrent save
    fails (StaleDataError) instead of overwriting, and the API's ETag and If-Match rest on
    it. `updated_at` lets an integration fetch what changed since its last sync."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# In-memory counts per process; set RATELIMIT_STORAGE_URI (e.g. redis://) for several workers.
# A moving window: a fixed one lets twice the limit through around a minute's turn.
limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="moving-window")

# Downloads and reports that read a whole history or print a PDF, counted together per user:
# one person clicking again and again (or a script) must not occupy the workers colleagues'
# pages need. Generous for a person: a leader fetching a report per team, a citizen her data.
DOWNLOAD_LIMIT = "10 per minute; 60 per hour"


def per_user() -> str:
    """The limiter's key for logged-in pages: the user, not the address (a whole town hall
    may share one address); the address when nobody is logged in."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def download_limit() -> Any:
    """The decorator for an expensive download: DOWNLOAD_LIMIT, shared by all of them."""
    return limiter.shared_limit(DOWNLOAD_LIMIT, scope="downloads", key_func=per_user)


def commit_before_long_work() -> None:
    """Commit what the request has written so far (her read in the access log, a session's
    last-seen time) before seconds of work (a PDF drawn, a whole history read). On SQLite an
    open write holds the database's only write lock until the request's end: every other
    request that logs a read waits for it and, past the busy timeout, answers 500 (the load
    bench's 4 parallel downloads, bench/README.md)."""
    db.session.commit()


def retry_after() -> dict[str, str]:
    """Retry-After for a 429: when the limit that was hit lets the next request in. (Set
    here rather than by Flask-Limiter's headers, which put it on every response.)"""
    current = limiter.current_limit
    if current is None:
        return {}
    return {"Retry-After": str(max(1, math.ceil(current.reset_at - time.time())))}
