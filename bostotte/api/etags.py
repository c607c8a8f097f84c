"""If-Match on updates: the ETag a GET gave (flask-smorest's `@blp.etag`, a hash of the
resource as the API shows it) must still be the resource's, or nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, request
from flask_smorest import Blueprint
from marshmallow import Schema

F = TypeVar("F", bound=Callable[..., Any])


def required(view: F) -> F:
    """Marks a view that calls `require_match`, so the document lists If-Match, 412 and
    428 for it (api/openapi.py)."""
    view.api_if_match = True  # type: ignore[attr-defined]
    return view


def of(obj: Any, schema: type[Schema]) -> str:
    """The ETag GET gives for `obj` (the same hash flask-smorest computes)."""
    return str(Blueprint._generate_etag(schema().dump(obj)))


def require_match(obj: Any, schema: type[Schema]) -> None:
    """Called after the permission check (a record out of scope stays a 404): 428 without
    If-Match, 412 when it names another version than the current one."""
    if not request.if_match:
        abort(428, "Send If-Match med den ETag, du fik, da du hentede ressourcen.")
    if of(obj, schema) not in request.if_match:
        abort(412, "Andre har ændret ressourcen, siden du hentede den. Hent den igen.")


def header(obj: Any, schema: type[Schema]) -> dict[str, str]:
    """The new state's ETag, for the response to an update."""
    return {"ETag": f'"{of(obj, schema)}"'}
