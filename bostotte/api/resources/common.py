"""What every resource module uses: a write in a savepoint with the form's rules, the
access log of list reads, the caller."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any, TypeVar

from flask import request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import PreconditionFailed, UnprocessableEntity

from bostotte.api import auth
from bostotte.audit.services import log_accesses
from bostotte.auth.permissions import NotFound
from bostotte.common.schema import DomainError
from bostotte.extensions import db

T = TypeVar("T")


def write(action: Callable[[], T], field: Callable[[str], str] = str) -> T:
    """Run a service in a savepoint: a broken rule (DomainError) becomes 422 with its
    Danish message and field (named for the API by `field`), and nothing of it is
    written; a concurrent save in between (the UPDATE found another version) becomes 412."""
    savepoint = db.session.begin_nested()
    try:
        result = action()
        savepoint.commit()
    except DomainError as exc:
        savepoint.rollback()
        error = UnprocessableEntity()
        messages = {field(k): v for k, v in exc.as_errors().items()}
        error.data = {"messages": messages}  # type: ignore[attr-defined]
        raise error from exc
    except StaleDataError as exc:
        savepoint.rollback()
        raise PreconditionFailed("Andre har gemt ændringer imens. Hent den igen.") from exc
    return result


def log_reads(citizen_ids: Iterable[int], what: str) -> None:
    """A list is a read of every citizen on the page: one access-log row each."""
    log_accesses(db.session, auth.user(), citizen_ids, what, request.path)


def owner(model: Any, record_id: int, of: Callable[[Any], int] = attrgetter("citizen_id")) -> int:
    """The citizen a record belongs to, for the permission entry points (which then decide
    404 or 403); a record that does not exist is a 404 like one out of scope."""
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound
    return of(record)


def ids(rows: Iterable[Any], attribute: str = "citizen_id") -> list[int]:
    return [getattr(r, attribute) for r in rows]
