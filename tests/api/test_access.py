"""Every API route, attacked the same ways as the pages (tests/auth/test_routes.py): no
token 401; a token without the route's scope 403; a role that may never do this 403; a
citizen outside the token's scope, or one that does not exist, 404. A route added without a
line here fails `test_every_api_route_is_listed`."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

import pytest
from sqlalchemy import select

from bostotte.api import tokens
from bostotte.audit.models import AccessLog
from tests.auth.test_routes import RouteWorld
from tests.auth.test_routes import w as w  # the page matrix's records, as fixture `w`

ORS = {"individuelt": 5, "interpersonelt": 6, "socialt": 7, "generelt": 8}
NOBODY = 999_999


class Route(NamedTuple):
    method: str
    path: str  # {c} the citizen, {p} {g} {s} {sc}: her plan, goal, delmål, scoring
    scope: str | None  # None: any valid token
    may: frozenset[str]  # the personal tokens' users who may (the others: 403)
    body: Any = None  # {c} {p} {g} in strings are filled in like the path

    def fill(self, w: RouteWorld, *, other: bool = False, missing: bool = False) -> Any:
        n = "2" if other else "1"
        ids = {
            "c": (w.c2 if other else w.c1).id,
            "p": (w.c2.active_plan if other else w.p1).id,
            "g": getattr(w, "g" + n).id,
            "s": getattr(w, "s" + n).id,
            "sc": getattr(w, "sc" + n).id,
        }
        if missing:
            ids = dict.fromkeys(ids, NOBODY)
        ids["team"] = w.t1.id  # a team, not a citizen's record: always her own

        def sub(value: Any) -> Any:
            if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
                return ids[value[1:-1]]
            if isinstance(value, dict):
                return {k: sub(v) for k, v in value.items()}
            return value

        return self.path.format(**ids), sub(self.body)

    @property
    def bound(self) -> bool:
        """Names a citizen's record (in its path or body)."""
        return "{" in self.path or "'{" in repr(self.body).replace("'{team}'", "")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


READ = "read:citizens"
ALL = frozenset({"w1", "leader", "authority"})
# A leader holds read:citizens only when the municipality lets leaders read their teams'
# records (off by default; tests/auth/test_leader_access.py tries it on and off).
READERS = frozenset({"w1", "authority"})
EDITORS = frozenset({"w1", "authority"})
WORKER = frozenset({"w1"})
GOAL = {
    "plan_id": "{p}",
    "theme": "sundhed",
    "specific": "Gå en tur hver dag",
    "measurable": "Fem ture om ugen",
    "target_date": "2026-12-20",
}
ROUTES = [
    Route("GET", "/teams", READ, READERS),
    Route("GET", "/staff", READ, READERS),
    Route("GET", "/instruments", None, ALL),
    Route("GET", "/instruments/ORS", None, ALL),
    Route("GET", "/citizens", READ, READERS),
    Route("GET", "/citizens/{c}", READ, READERS),
    Route("GET", "/citizens/{c}/access-log", READ, READERS),
    Route("GET", "/plans", READ, READERS),
    Route("GET", "/plans/{p}", READ, READERS),
    Route("GET", "/goals", READ, READERS),
    Route("GET", "/goals/{g}", READ, READERS),
    Route("GET", "/subgoals", READ, READERS),
    Route("GET", "/subgoals/{s}", READ, READERS),
    Route("GET", "/scorings", READ, READERS),
    Route("GET", "/scorings/{sc}", READ, READERS),
    Route("GET", "/reminders", READ, READERS),
    Route("GET", "/statistics", "read:stats", frozenset({"leader", "authority"})),
    Route(
        "POST",
        "/citizens",
        "write:citizens",
        EDITORS,
        {
            "display_name": "Ny borger",
            "birth_year": 1990,
            "gender": "m",
            "team_id": "{team}",
            "legal_basis": "§85",
            "start_date": "2026-11-01",
            "uses_fko": True,
        },
    ),
    Route(
        "PUT",
        "/citizens/{c}",
        "write:citizens",
        EDITORS,
        {
            "display_name": "Rettet navn",
            "birth_year": 1990,
            "gender": "m",
            "team_id": "{team}",
            "legal_basis": "§85",
            "start_date": "2026-01-01",
            "uses_fko": True,
        },
    ),
    Route("POST", "/plans/{p}/close", "write:citizens", EDITORS, {"closed_on": "2026-11-01"}),
    Route(
        "POST",
        "/plans",
        "write:citizens",
        EDITORS,
        {
            "citizen_id": "{c}",
            "legal_basis": "§85",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
        },
    ),
    Route("POST", "/goals", "write:goals", EDITORS, GOAL),
    Route(
        "PUT",
        "/goals/{g}",
        "write:goals",
        EDITORS,
        {k: v for k, v in GOAL.items() if k != "plan_id"},
    ),
    Route(
        "POST",
        "/goals/{g}/close",
        "write:goals",
        EDITORS,
        {"status": "achieved", "closed_on": "2026-11-01"},
    ),
    Route(
        "POST",
        "/subgoals",
        "write:goals",
        WORKER,
        {"goal_id": "{g}", "title": "Købe ind", "method": "MI"},
    ),
    Route(
        "PUT",
        "/subgoals/{s}",
        "write:goals",
        WORKER,
        {"title": "Købe ind selv", "method": "MI", "status": "in_progress"},
    ),
    Route(
        "POST",
        "/subgoals/{s}/notes",
        "write:goals",
        WORKER,
        {"noted_on": "2026-11-01", "text": "Gik godt"},
    ),
    Route(
        "POST",
        "/scorings",
        "write:scorings",
        WORKER,
        {"citizen_id": "{c}", "instrument": "ORS", "scored_on": "2026-11-01", "values": ORS},
    ),
    Route(
        "PUT",
        "/scorings/{sc}",
        "write:scorings",
        WORKER,
        {"scored_on": "2026-11-02", "values": ORS},
    ),
]
USERS = ("w1", "leader", "authority")
# Tried the same ways in tests/api/test_fhir.py (401, 403 by scope, 404 outside her scope).
FHIR_ROUTES = {
    ("GET", "/fhir/Observation"),
    ("GET", "/fhir/Observation/<int:scoring_id>"),
    ("GET", "/fhir/Goal"),
    ("GET", "/fhir/Goal/<int:goal_id>"),
    ("GET", "/fhir/Patient/<int:citizen_id>"),
}


def _send(api: Any, route: Route, token: str | None, w: RouteWorld, **kw: Any) -> Any:
    path, body = route.fill(w, **kw)
    return api.call(route.method, path, token, json=body)


def test_every_api_route_is_listed(app):
    documented = {"/api/v1/openapi.json", "/api/v1/docs"}
    found = {
        (method, rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule not in documented
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {
        (
            r.method,
            r.path.replace("{c}", "<int:citizen_id>")
            .replace("{p}", "<int:plan_id>")
            .replace("{g}", "<int:goal_id>")
            .replace("{sc}", "<int:scoring_id>")
            .replace("{s}", "<int:subgoal_id>")
            .replace("/instruments/ORS", "/instruments/<instrument_id>"),
        )
        for r in ROUTES
    }
    assert found == listed | FHIR_ROUTES


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_no_token_or_a_bad_one_gets_401(route, w, api):
    for token in (None, "bst_not-a-token", "garbage"):
        response = _send(api, route, token, w)
        assert response.status_code == 401, token
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("route", [r for r in ROUTES if r.scope], ids=str)
def test_a_token_without_the_scope_gets_403(route, w, api, token_for):
    user = w.authority if route.scope == "read:stats" else w.w1
    others = [s.id for s in tokens.scopes_for(user) if s.id != route.scope]
    response = _send(api, route, token_for(user, *others), w)
    assert response.status_code == 403
    assert route.scope in response.json["detail"]


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("who", USERS)
def test_a_role_that_may_not_gets_403_and_one_that_may_gets_in(route, who, w, api, token_for):
    status = _send(api, route, token_for(getattr(w, who)), w).status_code
    if who in route.may:
        # Data, a creation, or the rules' answers: 422 (c1 has a plan already), 428 (no If-Match).
        assert status in (200, 201, 422, 428), status
    else:
        assert status == 403


@pytest.mark.parametrize("route", [r for r in ROUTES if r.bound], ids=str)
def test_a_citizen_outside_her_scope_or_missing_gets_404(route, w, api, token_for):
    token = token_for(w.w1)
    assert _send(api, route, token, w, other=True).status_code == 404
    assert _send(api, route, token, w, missing=True).status_code == 404


def test_lists_hold_only_her_citizens(w, api, token_for):
    token = token_for(w.w1)
    for path in ("/citizens", "/plans", "/goals", "/subgoals", "/scorings"):
        items = api.get(path, token).json["items"]
        owners = {
            i.get("citizen_id", i.get("id"))
            for i in items
            if "goal_id" not in i or "citizen_id" in i
        }
        assert items and w.c2.id not in owners, path
    subgoals = api.get("/subgoals", token).json["items"]
    assert {s["goal_id"] for s in subgoals} == {w.g1.id}


def test_myndighed_sees_the_citizens_she_referred(w, api, token_for):
    items = api.get("/citizens", token_for(w.authority)).json["items"]
    assert [c["id"] for c in items] == [w.c1.id]


def test_every_read_is_in_the_access_log_with_the_tokens_name(w, api, session, token_for):
    token = token_for(w.w1, READ)
    api.get(f"/citizens/{w.c1.id}", token)
    api.get("/scorings", token)
    rows = session.scalars(select(AccessLog).order_by(AccessLog.id)).all()
    assert [(r.citizen_id, r.what, r.via, r.actor_id) for r in rows] == [
        (w.c1.id, "API: borger", "API: Test", w.w1.id),
        (w.c1.id, "API: scoring", "API: Test", w.w1.id),
    ]


def test_a_stats_token_sees_numbers_and_never_a_citizen(w, api, service_token, session):
    token = service_token(w.admin, [w.t1, w.t2], "read:stats", name="Datavarehus")
    for route in ROUTES:
        if route.scope not in (None, "read:stats"):
            assert _send(api, route, token, w).status_code == 403, route
    response = api.get(
        "/statistics", token, query_string={"from": "2026-01-01", "to": "2026-12-31"}
    )
    assert response.status_code == 200
    for citizen in (w.c1, w.c2):
        assert citizen.display_name not in response.text
    assert session.scalar(select(AccessLog.id)) is None


def test_a_service_token_sees_its_teams_only(w, api, service_token):
    token = service_token(w.admin, [w.t2], READ, "write:scorings")
    assert [c["id"] for c in api.get("/citizens", token).json["items"]] == [w.c2.id]
    assert api.get(f"/citizens/{w.c1.id}", token).status_code == 404
    body = {"citizen_id": w.c2.id, "instrument": "ORS", "scored_on": "2026-11-01", "values": ORS}
    created = api.post("/scorings", token, json=body)
    assert created.status_code == 201
    assert created.json["scored_by_id"] is not None
    assert date.fromisoformat(created.json["scored_on"]) == date(2026, 11, 1)


def test_cors_is_off(w, api, token_for):
    """No browser on another origin may read the API with a user's token."""
    response = api.get("/citizens", token_for(w.w1), headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    assert not any(h.lower().startswith("access-control-") for h, _ in response.headers.items())
