"""Errors as `application/problem+json` (RFC 9457), with Danish titles and a field list."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Response, request
from werkzeug.exceptions import HTTPException

from bostotte.common.schema import Errors
from bostotte.extensions import retry_after

MEDIA_TYPE = "application/problem+json"
PREFIX = "/api/"

TITLES = {
    400: "Forespørgslen kan ikke læses.",
    401: "Log ind med en gyldig API-nøgle.",
    403: "Du har ikke adgang til dette.",
    404: "Findes ikke.",
    405: "Metoden er ikke tilladt her.",
    406: "Svaret kan kun gives som JSON.",
    409: "En forespørgsel med samme Idempotency-Key er i gang.",
    412: "Ressourcen er ændret, siden du hentede den.",
    413: "Forespørgslen er for stor.",
    415: "Send JSON (Content-Type: application/json).",
    422: "Der er fejl i det indsendte.",
    428: "Send If-Match med ressourcens ETag.",
    429: "For mange forespørgsler. Vent lidt og prøv igen.",
    500: "Der skete en fejl hos os. Prøv igen senere.",
}


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def problem(
    status: int,
    detail: str | None = None,
    errors: Errors | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Fejl."),
        "status": status,
        "instance": request.path,
    }
    errors = dict(errors or {})
    # A rule of the whole request, not one field (the forms' "_form", marshmallow's "_schema").
    general = errors.pop("_form", []) + errors.pop("_schema", [])
    if general:
        detail = " ".join(general)
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = [
            {"field": field, "message": message}
            for field, messages in sorted(errors.items())
            for message in messages
        ]
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


def from_http(error: HTTPException) -> Response:
    """Werkzeug's and flask-smorest's aborts (webargs puts its field messages in `data`)."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = flatten(data.get("messages", {})) if isinstance(data, dict) else {}
    # Allow (405), Retry-After (429) and the like, from the exception itself.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="bostotte"'
    if status == 429:
        headers.update(retry_after())
    detail = None if errors or status >= 500 else _detail(error)
    return problem(status, detail, errors or None, headers)


def _detail(error: HTTPException) -> str | None:
    # Our own aborts carry a Danish description; Werkzeug's English defaults are dropped.
    description = error.description or ""
    return description if description and description != type(error).description else None


def flatten(messages: Any, path: str = "") -> Errors:
    """webargs' {"json": {"values": {"q1": ["…"]}}} → {"values.q1": ["…"]}; the location
    ("json", "query") names a field only when it is not the body."""
    out: Errors = {}
    if isinstance(messages, list):
        out[path or "_form"] = [str(m) for m in messages]
        return out
    for key, value in messages.items():
        key = str(key)
        if not path and key == "json":
            name = ""
        elif not path and key == "query":
            name = "query"
        else:
            name = f"{path}.{key}" if path else key
        out.update(flatten(value, name))
    return out
