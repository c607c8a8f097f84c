"""The administrator's access-log viewer (bostotte/audit/viewer.py)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte.audit import viewer
from bostotte.auth.permissions import Action, requires
from bostotte.common.paging import page_number
from bostotte.common.schema import Errors, load_form
from bostotte.common.time import local_today
from bostotte.common.views import attachment
from bostotte.extensions import db, download_limit

bp = Blueprint("audit", __name__, url_prefix="/admin/adgangslog")


def _filter() -> tuple[viewer.LogFilter, Errors]:
    data, errors = load_form(viewer.LogFilterSchema(), request.args)
    where = viewer.LogFilter.from_form(data)
    if where.start and where.end and where.start > where.end:
        errors = {"til": ["Slutdatoen ligger før startdatoen."]}
    return where, errors


def _page(where: viewer.LogFilter, errors: Errors) -> tuple[str, int]:
    # A filter with errors shows nothing (and logs nothing) but the form and its messages.
    shown = (
        None
        if errors
        else viewer.view(
            db.session, current_user, where, page_number(request.args.get("side")), request.path
        )
    )
    return render_template(
        "audit/log.html", where=where, form=request.args, errors=errors, shown=shown
    ), (400 if errors else 200)


@bp.get("")
@requires(Action.ADMIN)
def index() -> tuple[str, int]:
    return _page(*_filter())


@bp.get("/adgangslog.csv")
@requires(Action.ADMIN)
@download_limit()
def export_csv() -> tuple[str, int] | Response:
    where, errors = _filter()
    if errors:
        return _page(where, errors)
    body = viewer.to_csv(db.session, current_user, where, request.path)
    return attachment(body, "text/csv", f"adgangslog-{local_today().isoformat()}.csv")
