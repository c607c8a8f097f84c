"""Logs as JSON lines (python-json-logger): one line per request with its id, the user's id,
the route's pattern (never the path or the query, which may hold a name), the status and
the duration. Never a citizen's name, CPR number, note or scoring value."""

from __future__ import annotations

import logging
import time
import uuid

from flask import Flask, Response, g, request
from flask_login import current_user
from pythonjsonlogger.json import JsonFormatter

from bostotte.api.auth import TOKEN as API_TOKEN

log = logging.getLogger("bostotte.requests")


def init_app(app: Flask) -> None:
    if app.config["BOSTOTTE_LOG_FORMAT"] == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    g.request_started = time.perf_counter()
    # A proxy's request id is kept (so its log and ours can be joined), else one is made.
    g.request_id = (request.headers.get("X-Request-Id") or "")[:64] or uuid.uuid4().hex


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:
        return response
    user_id = current_user.get_id() if current_user and current_user.is_authenticated else None
    if token := request.environ.get(API_TOKEN):  # an API request: its token's user
        user_id = token.user_id
    log.info(
        "request",
        extra={
            "request_id": g.request_id,
            "user_id": int(user_id) if user_id else None,
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else None,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    response.headers["X-Request-Id"] = g.request_id
    return response
