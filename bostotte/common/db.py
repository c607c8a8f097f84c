"""The session type services accept: a plain Session or Flask-SQLAlchemy's scoped one."""

from typing import Any, TypeAlias

from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import scoped_session

Session: TypeAlias = OrmSession | scoped_session[Any]
