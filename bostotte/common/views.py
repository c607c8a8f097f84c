"""The one way a form post becomes a transaction: validate, run the service, commit or roll
back. This is the request's edge for a form: the services it calls only flush."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash
from marshmallow import Schema
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from bostotte.common.schema import DomainError, Errors, load_form
from bostotte.common.versions import CONFLICT_KEY
from bostotte.extensions import db

T = TypeVar("T")
CONFLICT = "En kollega har gemt ændringer imens. Intet af dit er gemt oven i hendes."


def submit(
    schema: Schema, form: MultiDict[str, str], action: Callable[[dict[str, Any]], T]
) -> tuple[T | None, Errors]:
    """Returns (result, {}) after commit, or (None, errors) with nothing of the action written.

    The action runs in a savepoint, so a refused action leaves what the request did before
    it (the access-log row of the record it opened) to be committed by the request's edge.
    """
    data, errors = load_form(schema, form)
    if errors:
        return None, errors
    savepoint = db.session.begin_nested()
    try:
        result = action(data)
        savepoint.commit()
    except DomainError as exc:
        savepoint.rollback()
        return None, exc.as_errors()
    except StaleDataError:
        # A colleague saved the same record since the form was opened, or in between (its
        # version moved on): hers is not written over it; the view shows the conflict page.
        savepoint.rollback()
        return None, {CONFLICT_KEY: [CONFLICT]}
    db.session.commit()
    return result, {}


def status_for(errors: Errors) -> int:
    """Re-shown forms with errors answer 400 (tests and scripts can tell)."""
    return 400 if errors else 200


def flash_outcome(errors: Errors, done_message: str) -> None:
    """For one-button actions that redirect back: the errors, or that it was done."""
    for messages in errors.values():
        for message in messages:
            flash(message, "error")
    if not errors:
        flash(done_message, "success")


def attachment(body: bytes | str, mimetype: str, name: str) -> Response:
    """A download (a PDF, a CSV) saved as `name`; never kept by a cache, as each holds
    personal data or the municipality's numbers."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
