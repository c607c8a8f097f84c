"""`Idempotency-Key` on POST: a retried request gets the first answer, and creates nothing
twice (after the IETF draft "The Idempotency-Key HTTP Header Field")."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, abort, make_response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bostotte.api import auth
from bostotte.api.models import IdempotencyKey
from bostotte.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
MAX_KEY = 200


def idempotent(view: F) -> F:
    """Outermost on a POST view (it sees the finished response). Only a success is kept: a
    refused request may be corrected and sent again with the same key."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY:
            abort(400, f"{HEADER} skal være 1–{MAX_KEY} tegn.")
        token_id = auth.token().id
        digest = hashlib.sha256(
            request.method.encode() + request.path.encode() + request.get_data()
        ).hexdigest()
        stored = db.session.scalar(
            select(IdempotencyKey).where(
                IdempotencyKey.token_id == token_id, IdempotencyKey.key == key
            )
        )
        if stored is not None:
            return _replay(stored, digest)
        # The key is taken first, in the request's transaction: a second request with the
        # same key waits on it (PostgreSQL) or fails on the unique key, and never runs twice.
        record = IdempotencyKey(token_id=token_id, key=key, request_hash=digest)
        savepoint = db.session.begin_nested()
        db.session.add(record)
        try:
            savepoint.commit()
        except IntegrityError:
            db.session.rollback()
            abort(409, "Den samme Idempotency-Key bruges af en anden forespørgsel lige nu.")
        try:
            response = make_response(view(*args, **kwargs))
        except Exception:
            db.session.delete(record)  # refused: the key may be used again
            db.session.flush()
            raise
        if 200 <= response.status_code < 300:
            record.status = response.status_code
            record.location = response.headers.get("Location")
            record.body = response.get_data()
        else:
            db.session.delete(record)
        db.session.flush()
        return response

    wrapped.api_idempotent = True  # type: ignore[attr-defined]  # for the document (api/openapi.py)
    return wrapped  # type: ignore[return-value]


def _replay(stored: IdempotencyKey, digest: str) -> Response:
    if stored.request_hash != digest:
        abort(422, f"Denne {HEADER} er brugt til en anden forespørgsel. Brug en ny nøgle.")
    if stored.status is None:  # pragma: no cover - only while the first is still running
        abort(409, "Den samme Idempotency-Key bruges af en anden forespørgsel lige nu.")
    response = Response(stored.body, status=stored.status, mimetype="application/json")
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers["Idempotent-Replayed"] = "true"
    return response
