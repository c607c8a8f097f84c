"""The OpenAPI document at /api/v1/openapi.json: valid OpenAPI 3.1, every error an
operation can give documented as problem+json, Danish field descriptions; and the
documentation page at /api/v1/docs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from bostotte.api import problems

METHODS = ("get", "put", "post", "patch", "delete")
# The schemas a client reads and writes (not the pages' wrappers or the errors).
MAIN = (
    "CitizenOut",
    "CitizenIn",
    "PlanOut",
    "PlanIn",
    "GoalOut",
    "GoalIn",
    "GoalUpdate",
    "GoalClose",
    "SubGoalOut",
    "SubGoalIn",
    "SubGoalUpdate",
    "NoteOut",
    "NoteIn",
    "ScoringOut",
    "ScoringIn",
    "ScoringUpdate",
    "ReminderOut",
    "AccessOut",
    "TeamOut",
    "StaffOut",
    "InstrumentOut",
    "Problem",
)
# What flask-smorest and apispec write when nobody described a thing.
ENGLISH_DEFAULTS = {"Tag to check against", "Tag for the returned entry", "Error message"}


@pytest.fixture()
def spec(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json  # type: ignore[no-any-return]


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def resolve(spec: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in obj:
        _, section, name = obj["$ref"].removeprefix("#/").split("/")
        obj = spec["components"][section][name]
    return obj


def parameters(spec: dict[str, Any], path: str, operation: dict[str, Any]) -> list[dict[str, Any]]:
    shared = spec["paths"][path].get("parameters", [])
    return [resolve(spec, p) for p in shared + operation.get("parameters", [])]


def test_the_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # picks the validator by the version …
    errors = list(OpenAPIV31SpecValidator(spec).iter_errors())  # … and 3.1 by name
    assert errors == []


def test_the_document_and_its_page_need_no_token(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


def test_every_path_is_under_api_v1(spec):
    assert spec["paths"]
    assert [p for p in spec["paths"] if not p.startswith("/api/v1/")] == []
    assert "servers" not in spec  # the paths are absolute: the document's own origin


def test_every_operation_documents_its_errors_as_problem_json(spec):
    for method, path, operation in operations(spec):
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        params = parameters(spec, path, operation)
        query = {p["name"] for p in params if p["in"] == "query"}
        body = "requestBody" in operation

        expected = {"401", "429"}
        if operation.get("security"):  # a scoped operation: the scope or the role can refuse
            expected.add("403")
        if "{" in path:
            expected.add("404")
        if body or query:
            expected.add("422")
        if body or "cursor" in query:
            expected.add("400")
        if method == "put":
            expected |= {"412", "428"}
        missing = expected - set(responses)
        assert not missing, f"{where} does not document {sorted(missing)}"

        for code, response in responses.items():
            if code == "default" or int(code) >= 400:
                content = resolve(spec, response)["content"]
                assert list(content) == [problems.MEDIA_TYPE], f"{where} {code}"
                assert content[problems.MEDIA_TYPE]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }


def test_a_scoped_operation_names_its_scope(spec):
    scopes = {
        (method.upper(), path): operation["security"][0]["bearerAuth"]
        for method, path, operation in operations(spec)
        if "security" in operation
    }
    assert scopes[("GET", "/api/v1/citizens")] == ["read:citizens"]
    assert scopes[("POST", "/api/v1/scorings")] == ["write:scorings"]
    assert scopes[("GET", "/api/v1/statistics")] == ["read:stats"]
    # The instruments are the same for everyone: any valid token reads them.
    assert ("GET", "/api/v1/instruments") not in scopes
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_updates_need_if_match_and_creations_take_an_idempotency_key(spec):
    for method, path, operation in operations(spec):
        names = {p["name"] for p in parameters(spec, path, operation)}
        if method == "put" or path.endswith("/close"):
            assert "If-Match" in names, f"{method} {path}"
            assert {"412", "428"} <= set(operation["responses"]), f"{method} {path}"
            assert "ETag" in operation["responses"]["200"]["headers"], f"{method} {path}"
        if method == "post" and not path.endswith("/close"):
            assert "Idempotency-Key" in names, f"{method} {path}"
            assert "409" in operation["responses"], f"{method} {path}"


def test_a_missing_parent_in_the_body_is_documented_as_404(spec):
    paths = spec["paths"]
    for path in ("/api/v1/plans", "/api/v1/goals", "/api/v1/subgoals", "/api/v1/scorings"):
        assert "404" in paths[path]["post"]["responses"], path
    # A new citizen names a team, which is checked as input (422), not looked up.
    assert "404" not in paths["/api/v1/citizens"]["post"]["responses"]


def test_the_error_responses_have_the_danish_titles(spec):
    responses = spec["components"]["responses"]
    for name, status in (("UNAUTHORIZED", 401), ("UNPROCESSABLE_ENTITY", 422)):
        assert responses[name]["description"] == problems.TITLES[status]
        example = responses[name]["content"][problems.MEDIA_TYPE]["example"]
        assert example["status"] == status
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"title", "status"}
    assert "Error" not in spec["components"]["schemas"]  # flask-smorest's, never sent


def test_the_main_schemas_describe_every_field_in_danish(spec):
    schemas = spec["components"]["schemas"]
    for name in MAIN:
        for field, prop in schemas[name]["properties"].items():
            description = prop.get("description", "")
            assert description, f"{name}.{field} has no description"
            assert description not in ENGLISH_DEFAULTS, f"{name}.{field}: {description}"
    # A few by their words: Danish, and the field's own where the name is shared.
    assert schemas["CitizenOut"]["properties"]["birth_year"]["description"] == "Fødselsår."
    assert schemas["ItemOut"]["properties"]["id"]["description"].startswith("Punktets id")
    assert schemas["ScoringIn"]["properties"]["goal_id"]["description"] == (
        "FKO: målet, der scores."
    )


def test_every_parameter_is_described(spec):
    for method, path, operation in operations(spec):
        for parameter in parameters(spec, path, operation):
            description = parameter.get("description", "")
            assert description, f"{method} {path}: {parameter['name']}"
            assert description not in ENGLISH_DEFAULTS, f"{method} {path}: {parameter['name']}"


def test_the_groups_are_named_in_danish(spec):
    names = [tag["name"] for tag in spec["tags"]]
    assert "Borgere, planer og adgangslog" in names
    assert "Scoringer" in names
    assert not [n for n in names if n.startswith("api_")]
    used = {t for _, _, operation in operations(spec) for t in operation["tags"]}
    assert used == set(names)


def test_the_docs_page_runs_swagger_ui_from_our_origin_without_inline_code(client):
    response = client.get("/api/v1/docs")
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    # The app's policy, not a relaxed one of its own.
    assert response.headers["Content-Security-Policy"] == client.application.config["BOSTOTTE_CSP"]
    assert '<html lang="da">' in html
    assert "<title>API-dokumentation – Bostøtte</title>" in html
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/static/' in s for s in scripts), scripts
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/js/api-docs.js" in html
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"https?://", re.sub(r"<!--.*?-->", "", html, flags=re.S))
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"):
        assert client.get(f"/static/vendor/swagger-ui/{asset}").status_code == 200
