"""GET /healthz (the process answers) and GET /readyz (it can serve): for load balancers
and monitoring, with no login and no personal data."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from bostotte.common.time import utcnow
from bostotte.extensions import db, limiter
from bostotte.ops import services

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
@limiter.exempt
def readyz() -> tuple[Response, int]:
    checks = services.readiness(db.session, utcnow(), services.migration_heads())
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503
