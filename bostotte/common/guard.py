"""The request's edge against NUL bytes (common/text.py): no database text can hold one,
and PostgreSQL answers a query holding one with an error. Query parameters and form fields
are read in many views, some without a schema (the login's e-mail, Mine borgere's search):
this refuses them all in one place, before any view runs, with a Danish 400."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue

from bostotte.api import problems
from bostotte.common.text import NUL_MESSAGE, has_nul


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul)


def refuse_nul() -> ResponseReturnValue | None:
    if not _has_nul_input():
        return None
    if problems.is_api_request():
        return problems.problem(400, NUL_MESSAGE)
    return render_template("errors/400.html", message=NUL_MESSAGE), 400


def _has_nul_input() -> bool:
    if has_nul(request.path):
        return True
    for multi in (request.args, request.form):
        for key, values in multi.lists():
            if has_nul(key) or any(has_nul(v) for v in values):
                return True
    return False
