"""Extensions, created unbound; `create_app` binds them."""

from __future__ import annotations

from collections.abc import Iterable

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

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


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# In-memory counts per process; set RATELIMIT_STORAGE_URI (e.g. redis://) for several workers.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
