"""Schemathesis against the Flask app (WSGI, no server), from the OpenAPI document the app
serves: generated requests to every operation with a worker's token (all her scopes),
valid and invalid ones, must never get a 5xx, and every answer must be one the document
lists, in the shape it gives. Bounded and derandomised, so a run is the same every time."""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from bostotte import create_app
from bostotte.api import spec as api_document
from bostotte.api import tokens
from bostotte.common.time import utcnow
from tests import factories as make

EXAMPLES = 25  # per operation

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class Known:
    """Ids of what exists, by the name a path parameter or body field has."""

    def __init__(self, session: Session) -> None:
        w = make.with_goal(session, make.world(session))
        subgoal = make.subgoal(session, w.g1)
        planless = make.citizen(session, w.t1)  # a new plan can be made for her
        fko = make.score(
            session,
            w.w1,
            w.c1,
            "FKO",
            make.TODAY,
            make.items("FKO", 2),
            goal_id=w.g1.id,
            occasion="status",
        )
        ors = make.score(session, w.w1, w.c1, "ORS", make.TODAY, make.items("ORS", 5, 6, 7, 8))
        session.commit()
        self.ids: dict[str, list[Any]] = {
            "citizen_id": [w.c1.id, planless.id, w.c2.id],  # her own, and one in another team
            "team_id": [w.t1.id, w.t2.id],
            "caseworker_id": [w.authority.id],
            "primary_worker_id": [w.w1.id, w.w2.id],
            "plan_id": [w.p1.id],
            "goal_id": [w.g1.id],
            "subgoal_id": [subgoal.id],
            "scoring_id": [fko.id, ors.id],
            "instrument_id": ["FKO", "ORS", "SRS", "REM"],
        }
        self.worker = self._token(session, w.w1)
        self.leader = self._token(session, w.leader)  # for what no worker may: statistics
        self.worker_scopes = {s.id for s in tokens.scopes_for(w.w1)}
        session.commit()

    @staticmethod
    def _token(session: Session, user: Any) -> str:
        scopes = [s.id for s in tokens.scopes_for(user)]
        return tokens.create_personal(session, user, "Schemathesis", scopes, 1, utcnow())[1]

    def token(self, operation: dict[str, Any]) -> str:
        """The worker's token (all her scopes), or the leader's for a scope she lacks."""
        needed = {s for r in operation.get("security", []) for s in r.get("bearerAuth", [])}
        return self.worker if needed <= self.worker_scopes else self.leader


@pytest.fixture(scope="module")
def cases(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    """Requests by operation and status; their number is shown once the run is over."""
    counter: Counter[str] = Counter()
    yield counter
    statuses = Counter(key.rsplit(" ", 1)[1] for key in counter.elements())
    operations = {key.rsplit(" ", 1)[0] for key in counter}
    line = (
        f"schemathesis: {sum(counter.values())} cases on {len(operations)} operations "
        f"({', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))})"
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\n{line}")


@pytest.fixture()
def known(session: Session) -> Known:
    return Known(session)


def _document() -> dict[str, Any]:
    """The document as the app serves it, read once at collection (no database needed):
    schemathesis makes one test per operation from it. (Its pytest fixture loader,
    `schemathesis.pytest.from_fixture`, does not run under pytest 9.)"""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    with app.app_context():
        return api_document(app)


schema = schemathesis.openapi.from_dict(_document())


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@schema.given(data=st.data())
@schema.parametrize()
def test_the_api_keeps_to_its_document(case, data, app, known, cases):  # type: ignore[no-untyped-def]
    # Now and then an id that exists (else nearly every id in a path is a 404).
    for name, value in list((case.path_parameters or {}).items()):
        if name in known.ids:
            case.path_parameters[name] = data.draw(st.sampled_from([value, *known.ids[name]]))
    if isinstance(case.body, dict):
        for name in set(case.body) & set(known.ids):
            case.body[name] = data.draw(st.sampled_from([case.body[name], *known.ids[name]]))
    operation = case.operation.definition.raw
    response = case.call_and_validate(
        app=app, headers={"Authorization": f"Bearer {known.token(operation)}"}, checks=CHECKS
    )
    # Stricter than status_code_conformance, which any status passes through `default`:
    # each status is one the operation lists by number.
    assert str(response.status_code) in operation["responses"], (
        f"{case.method} {case.path}: {response.status_code} is not documented"
    )
    cases[f"{case.method} {case.path} {response.status_code}"] += 1


TOO_BIG = [2**31, 2**63]  # PostgreSQL's INTEGER ends before the first; SQLite's before the next


@pytest.mark.parametrize("number", TOO_BIG)
def test_a_number_no_id_column_holds_is_refused_not_a_server_error(w, api, token_for, number):  # type: ignore[no-untyped-def]
    """What the run above found (ids past 2**63 in a path: 500 on SQLite) and the same
    family on PostgreSQL, where INTEGER ends at 2**31: in a path a 404, in a query or body a
    422, in a cursor a 400 (every one of these was a 500)."""
    token = token_for(w.w1)
    cursor = base64.urlsafe_b64encode(f"id:{number}".encode()).decode().rstrip("=")
    for path, statuses in (
        (f"/citizens/{number}", {404}),
        (f"/goals/{number}", {404}),
        (f"/fhir/Patient/{number}", {404}),
        (f"/citizens?team={number}", {422}),
        (f"/citizens?citizen={number}", {422}),
        (f"/citizens?cursor={cursor}", {400}),
        (f"/fhir/Observation?patient={number}", {404, 422}),  # 422: longer than an id can be
    ):
        response = api.get(path, token)
        assert response.status_code in statuses, (path, response.json)
        assert response.mimetype == "application/problem+json"
    plan = {"legal_basis": "§85", "start_date": "2026-01-01", "end_date": "2026-06-30"}
    for path, body in (
        ("/plans", {"citizen_id": number, **plan}),
        ("/goals", {"plan_id": number, "theme": "mestring", "specific": "Handle selv"}),
        ("/subgoals", {"goal_id": number, "title": "Post", "method": "MI"}),
    ):
        response = api.post(path, token, json=body)
        assert response.status_code == 422, (path, response.json)
        assert {e["field"] for e in response.json["errors"]} >= {next(iter(body))}
