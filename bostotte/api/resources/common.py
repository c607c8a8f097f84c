"""What every resource module uses: a write in a savepoint with the form's rules, the
access log of list reads, the caller."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from operator import attrgetter
from typing import Any, TypeVar

from flask import request
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import PreconditionFailed, UnprocessableEntity

from bostotte.api import auth
from bostotte.api.paging import page
from bostotte.audit.services import log_accesses
from bostotte.auth.permissions import NotFound, citizen_scope
from bostotte.citizens.models import Citizen
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


def citizens_page(
    query: Select[Any],
    args: dict[str, Any],
    *,
    id_column: Any,
    citizen_id: Any,
    changed: Callable[[datetime], ColumnElement[bool]],
    what: str,
    citizen_of: Callable[[Any], int] = attrgetter("citizen_id"),
) -> dict[str, Any]:
    """One page of a list of records of the token's citizens (`query` joins Citizen): her
    scope, the `team`, `citizen` and `updated_since` filters, and the access log."""
    query = query.where(citizen_scope(auth.user()))
    if args.get("team") is not None:
        query = query.where(Citizen.team_id == args["team"])
    if args.get("citizen") is not None:
        query = query.where(citizen_id == args["citizen"])
    if args.get("updated_since") is not None:
        query = query.where(changed(args["updated_since"]))
    result = page(db.session, query, id_column, args)
    log_reads([citizen_of(r) for r in result["items"]], what)
    return result


def owner(model: Any, record_id: int, of: Callable[[Any], int] = attrgetter("citizen_id")) -> int:
    """The citizen a record belongs to, for the permission entry points (which then decide
    404 or 403); a record that does not exist is a 404 like one out of scope."""
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound
    return of(record)
