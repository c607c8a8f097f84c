"""The API's documentation page, /api/v1/docs: Swagger UI (vendored, served from our own
origin) reading the OpenAPI document at /api/v1/openapi.json. Like the document it needs
no token; "Try it out" sends the bearer token the reader enters under "Authorize"."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

bp = Blueprint("api_docs", __name__)


@bp.get("/api/v1/docs")
def docs() -> str:
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))
