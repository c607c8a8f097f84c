"""bostotte: progress tracking for Danish bostøtte."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

# Every model module is imported here, so metadata (and Alembic autogenerate) sees all tables.
from bostotte import api
from bostotte.admin.views import bp as admin_bp
from bostotte.api import models as _api_models  # noqa: F401
from bostotte.api import problems
from bostotte.api.docs import bp as api_docs_bp
from bostotte.api.views import bp as tokens_bp
from bostotte.audit import models as _audit_models  # noqa: F401
from bostotte.audit.services import forget_reads
from bostotte.audit.views import bp as audit_bp
from bostotte.auth import models as _auth_models  # noqa: F401
from bostotte.auth import oidc
from bostotte.auth.permissions import Denied, menu
from bostotte.auth.views import bp as auth_bp
from bostotte.authority.views import bp as authority_bp
from bostotte.citizens import models as _citizens_models  # noqa: F401
from bostotte.citizens import rhythm_views as _rhythm_routes  # noqa: F401 (on citizens_bp)
from bostotte.citizens.views import bp as citizens_bp
from bostotte.cli import bostotte_cli
from bostotte.common import formatting, guard
from bostotte.common.db import MAX_ID
from bostotte.config import PROJECT_ROOT, load_config
from bostotte.extensions import csrf, db, limiter, login_manager, migrate, retry_after
from bostotte.goals import models as _goals_models  # noqa: F401
from bostotte.goals.views import bp as goals_bp
from bostotte.invitations import models as _invitations_models  # noqa: F401
from bostotte.invitations.views import bp as invitations_bp
from bostotte.ops import logs, production
from bostotte.ops import models as _ops_models  # noqa: F401
from bostotte.ops.views import bp as ops_bp
from bostotte.portal import models as _portal_models  # noqa: F401
from bostotte.portal.views import bp as portal_bp
from bostotte.progress.views import bp as progress_bp
from bostotte.reminders import hooks
from bostotte.reminders import models as _reminders_models  # noqa: F401
from bostotte.reminders.scheduler import start_embedded
from bostotte.reminders.views import bp as reminders_bp
from bostotte.scoring import models as _scoring_models  # noqa: F401
from bostotte.scoring.views import bp as scoring_bp
from bostotte.stats import freshness
from bostotte.stats import models as _stats_models  # noqa: F401
from bostotte.stats.views import bp as stats_bp
from bostotte.tilsyn import models as _tilsyn_models  # noqa: F401
from bostotte.tilsyn.views import bp as tilsyn_bp


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The only app factory. `config` overrides settings (tests pass their database URL)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # JSON in UTF-8: "Kjær", not "Kj\u00e6r"
    if config:
        app.config.update(config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    oidc.init_app(app)
    app.config["BOSTOTTE_CSP"] = content_security_policy(app.config)
    # An id in a URL beyond what an id column holds names no record: 404, not a database
    # error on PostgreSQL (before the blueprints, whose rules take the converter).
    app.url_map.converters["int"] = BoundedInt
    guard.init_app(app)  # NUL bytes in a query or a form: a Danish 400 before any view
    _register_blueprints(app)
    api.init_app(app)
    _register_errors(app)
    app.after_request(_security_headers)
    app.after_request(_commit)
    logs.init_app(app)  # after _commit, so its after_request runs first: the log sees all
    if app.config["BOSTOTTE_PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    production_run = app.config["BOSTOTTE_ENV"] == "production" and not app.testing
    if production_run and (found := production.problems(app.config, os.environ)):
        raise SystemExit("bostotte starter ikke / will not start:\n  " + "\n  ".join(found))
    for warning in production.warnings(app.config, os.environ) if production_run else []:
        app.logger.warning(warning)
    formatting.init_app(app)
    app.add_template_global(menu, "main_menu")
    app.cli.add_command(bostotte_cli)
    _start_reminders(app)
    return app


def _start_reminders(app: Flask) -> None:
    hooks.install()  # recording a scoring resolves its reminder
    freshness.install()  # after the others: a write makes the statistics' snapshots stale
    if app.config.get("BOSTOTTE_SCHEDULER") == "embedded":
        start_embedded(app)


def _register_blueprints(app: Flask) -> None:
    for bp in (
        ops_bp,
        auth_bp,
        citizens_bp,
        goals_bp,
        scoring_bp,
        portal_bp,
        admin_bp,
        audit_bp,
        reminders_bp,
        progress_bp,
        authority_bp,
        invitations_bp,
        stats_bp,
        tilsyn_bp,
        api_docs_bp,
        tokens_bp,
    ):
        app.register_blueprint(bp)


# Everything is served from this origin; no inline script or style is used.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'{providers}; base-uri 'none'; object-src 'none'"
)


def content_security_policy(config: Mapping[str, Any]) -> str:
    """The policy, with the identity providers' origins as form targets: the logout form
    ends at the provider's logout page, and browsers check form-action on redirects too."""
    origins = sorted(
        {
            _origin(config[f"{prefix}_ISSUER"])
            for prefix in oidc.PROVIDERS.values()
            if config[f"{prefix}_ISSUER"]
        }
    )
    return CSP.format(providers="".join(f" {o}" for o in origins))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", current_app.config["BOSTOTTE_CSP"])
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["BOSTOTTE_HSTS"] and request.is_secure:
        # Browsers ignore HSTS over http (RFC 6797); over https: never http again, 2 years.
        response.headers.setdefault("Strict-Transport-Security", "max-age=63072000")
    if response.mimetype == "text/html":
        # Pages hold personal data: never keep them in shared caches or the back button.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _commit(response: Response) -> Response:
    """The request's edge: services only flush, and what a request flushed (an access-log
    row, a login's timestamp) is committed here. A form's action is committed by
    `common.views.submit` before its redirect; then this finds nothing left to do."""
    if response.status_code < 500:
        db.session.commit()
    return response


def _register_errors(app: Flask) -> None:
    """Pages get a Danish page; /api/ gets problem+json (api/problems.py)."""

    def page(code: int):  # type: ignore[no-untyped-def]
        def handler(error: Exception) -> Any:
            if code == 500:
                db.session.rollback()
            if code in (403, 404):
                forget_reads(db.session)
            if problems.is_api_request():
                return problems.from_http(_as_http(error, code))
            headers = retry_after() if code == 429 else {}
            return render_template(f"errors/{code}.html"), code, headers

        return handler

    for code in (400, 403, 404, 429, 500):
        app.register_error_handler(code, page(code))

    @app.errorhandler(HTTPException)
    def other(error: HTTPException) -> Any:
        # 401, 405, 412, 422, 428 …: problem+json under /api/, Werkzeug's page elsewhere.
        return problems.from_http(error) if problems.is_api_request() else error

    @app.errorhandler(Denied)
    def denied(error: Denied) -> Any:
        forget_reads(db.session)  # a 403 or 404 showed nothing of her record
        if problems.is_api_request():
            return problems.problem(error.status, str(error) or None)
        # A 403 may say why (auth.permissions.refusal): shown on the page, in Danish.
        return render_template(f"errors/{error.status}.html", reason=str(error)), error.status

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> tuple[str, int]:
        return render_template("errors/400.html", csrf_expired=True), 400


class BoundedInt(IntegerConverter):
    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _as_http(error: Exception, code: int) -> HTTPException:
    if isinstance(error, HTTPException):
        return error
    return InternalServerError() if code == 500 else HTTPException()


SQLITE_BUSY_TIMEOUT_MS = 30_000


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_takes_the_write_lock(conn: Any, _name: str) -> None:
    """A form's save runs in a savepoint (common.views.submit). On SQLite a SAVEPOINT outside
    a transaction starts a deferred one: its reads take a snapshot, and its first write must
    then upgrade it, which SQLite refuses at once ('database is locked', no busy wait) when
    another request has committed since. The load bench saw scorings and goal edits answer
    500 so. Begin it IMMEDIATE instead: the save waits its turn for the write lock first."""
    dbapi = conn.connection.dbapi_connection
    if isinstance(dbapi, sqlite3.Connection) and not dbapi.in_transaction:
        dbapi.execute("BEGIN IMMEDIATE")


@event.listens_for(Engine, "connect")
def _connection_settings(dbapi_connection: Any, _record: Any) -> None:
    """WAL, foreign keys and a busy timeout on every SQLite connection; no JIT on
    PostgreSQL. (The statistics' index lookups per citizen look expensive to the planner
    though they run in milliseconds: JIT compiled them for longer than they ran.)"""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        dbapi_connection.execute("SET jit = off")
        dbapi_connection.execute("SET work_mem = '32MB'")
        dbapi_connection.commit()
    elif type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # A writer waits for the one before it rather than failing: every page that logs a
        # read writes, and holds SQLite's one write lock until its request ends. 5 s gave
        # 500s ('database is locked') with 40 clients on a busy machine (bench/load.py);
        # 30 s stays under gunicorn's 60 s timeout.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:  # a read-only or in-memory file may refuse WAL
            logging.getLogger(__name__).debug("WAL not available")
        cursor.close()
