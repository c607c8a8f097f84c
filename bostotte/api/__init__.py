"""/api/v1: JSON for case systems and data warehouses, with an OpenAPI 3.1 document
generated from the marshmallow schemas (flask-smorest). Bearer tokens only; the same
permission rules as the pages (auth.permissions); errors as problem+json."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_smorest import Api

from bostotte.api import auth, openapi
from bostotte.api.resources import citizens, goals, insight, reference, scorings
from bostotte.api.resources import fhir as fhir_resources  # `fhir` is bostotte.api.fhir
from bostotte.extensions import csrf, limiter

PREFIX = "/api/v1"
BLUEPRINTS = (
    reference.blp,
    citizens.blp,
    goals.blp,
    scorings.blp,
    insight.blp,
    fhir_resources.blp,
)

DESCRIPTION = """\
bostøtte's data for a municipality's case system (Nexus, Sensum/Bosted) or data warehouse.

**Tokens.** Send `Authorization: Bearer <token>`. A worker, leader or myndighed makes a
personal token on her account page (*Min konto*); an administrator makes service tokens for
an integration, limited to teams (or `flask bostotte token create`). Each token has scopes:
`read:citizens`, `write:citizens`, `write:goals`, `write:scorings`, `read:stats`. A token
sees exactly what its user sees on the pages, and every read of a citizen is written to her
access log with the token's name.

**Lists** are paginated by cursor (`limit` ≤ 200, then `cursor=<next>`); `updated_since`
(with the previous list's `as_of`) returns what changed.

**Writes** follow the same rules as the forms (at most three active goals, FKO occasions by
role, values on the instrument's scale). Updates need `If-Match` with the ETag from a GET
(412 if someone saved in between; nothing is overwritten). A POST with an
`Idempotency-Key` header can be retried safely.

**Errors** are `application/problem+json` (RFC 9457) with Danish messages and, for bad
input, `errors: [{field, message}]`.

Field descriptions are in Danish, the language of the people who use the data.
"""


class BostotteApi(Api):  # type: ignore[misc]
    ERROR_SCHEMA = openapi.Problem

    def _register_error_handlers(self) -> None:
        """None app-wide: the app's own handlers answer problem+json under /api/ and
        pages elsewhere (bostotte/__init__.py)."""

    def _register_responses(self) -> None:
        """The error responses as they are: problem+json (api/openapi.py)."""
        for name, response in openapi.problem_responses().items():
            self.spec.components.response(name, response, lazy=True)

    def _register_etag_headers(self) -> None:
        self.spec.components.parameter("IF_NONE_MATCH", "header", openapi.IF_NONE_MATCH, lazy=True)
        self.spec.components.parameter("IF_MATCH", "header", openapi.IF_MATCH, lazy=True)
        self.spec.components.header("ETAG", openapi.ETAG, lazy=True)

    def register_blueprint(self, blp: Any, **options: Any) -> None:
        super().register_blueprint(blp, **options)
        tag = self.spec._tags[-1]  # the blueprint's, just added: named as the plugin names it
        tag["name"] = openapi.tag_name(tag["name"], tag.get("description"))
        if tag.get("description", "").rstrip(".") == tag["name"]:
            del tag["description"]


def init_app(app: Flask) -> None:
    app.config.update(
        API_TITLE="bostotte",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": DESCRIPTION,
                "license": {"name": "MPL-2.0", "identifier": "MPL-2.0"},
            },
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        },
    )
    api = BostotteApi(app, spec_kwargs={"extra_plugins": [openapi.ProblemsPlugin(app)]})
    api.ma_plugin.converter.add_attribute_function(openapi.describe)
    for blp in BLUEPRINTS:
        api.register_blueprint(blp, url_prefix=PREFIX)
    app.extensions["bostotte_api"] = api


def _rate() -> str:
    return str(current_app.config["BOSTOTTE_API_RATE_LIMIT"])


# Once per blueprint (not per app: tests make many apps from the same blueprints).
for _blp in BLUEPRINTS:
    _blp.before_request(auth.load_token)
    csrf.exempt(_blp)
    limiter.limit(_rate, key_func=auth.rate_limit_key)(_blp)


def spec(app: Flask) -> dict[str, Any]:
    return app.extensions["bostotte_api"].spec.to_dict()  # type: ignore[no-any-return]
