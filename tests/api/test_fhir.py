"""FHIR R4: FKO scores as Observations coded with KL's FFB støttebehovsniveau, goals as Goals.

Every resource the API produces is validated twice: against the official FHIR R4 JSON schema
(a subset vendored in tests/api/fhir_vendored/, see its README) and with fhir.resources' R4B
models (R4B's Observation, Goal, Patient and Bundle have R4's elements; the models also
check what the schema cannot, such as required primitives and one value[x]). The KL codes
are checked against a copy of KL's guide, not against the module's own constants."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from sqlalchemy import select

from bostotte import instruments
from bostotte.api import fhir
from bostotte.audit.models import AccessLog
from bostotte.goals.services import close_goal
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import edit_scoring
from tests import factories as make

VENDORED = Path(__file__).parent / "fhir_vendored"
SCHEMA = json.loads((VENDORED / "fhir-r4-subset.schema.json").read_text())
KL = json.loads((VENDORED / "kl-term-2.3.0-excerpt.json").read_text())
R4B_MODELS: dict[str, Any] = {
    "Bundle": Bundle,
    "Observation": Observation,
    "Goal": FhirGoal,
    "Patient": Patient,
}
READ = "read:citizens"
LOCAL = fhir.Local.at("http://127.0.0.1:5000")  # the test app's BOSTOTTE_BASE_URL


def schema_errors(resource: dict[str, Any]) -> list[str]:
    """What the FHIR R4 JSON schema finds wrong, for the resource's own type."""
    schema = {
        "$ref": f"#/definitions/{resource['resourceType']}",
        "definitions": SCHEMA["definitions"],
    }
    validator = jsonschema.Draft6Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(resource)]


def valid(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource, once it passed the R4 schema and the R4B models (entries too)."""
    assert schema_errors(resource) == []
    assert jsonschema.Draft6Validator(SCHEMA).is_valid(resource)  # the schema's own root
    R4B_MODELS[resource["resourceType"]].model_validate(resource)
    for entry in resource.get("entry", []):
        valid(entry["resource"])
    return resource


def fko(session: Any, actor: Any, citizen: Any, goal: Any, occasion: str, value: int, on: date):
    return make.score(
        session, actor, citizen, "FKO", on, {"value": value}, goal_id=goal.id, occasion=occasion
    )


def levels() -> dict[str, str]:
    """KL's støttebehovsniveauer from the guide's copy: code → display."""
    (parent,) = KL["CodeSystem-FFB"]["concept"]
    assert parent["display"] == "Støttebehovsniveau"
    return {c["code"]: c["display"] for c in parent["concept"]}


def search(api: Any, resource_type: str, token: str | None, **query: Any) -> Any:
    return api.get(f"/fhir/{resource_type}", token, query_string=query)


def resources(bundle: dict[str, Any], mode: str = "match") -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode]


@pytest.fixture()
def scored(w, session):
    """c1's goal with a baseline 3 and target 1 (myndighed), statuses 2 and 2 and a final 1
    (her worker)."""
    g = make.goal(session, w.w1, w.p1)
    fko(session, w.authority, w.c1, g, "baseline", 3, date(2026, 2, 1))
    fko(session, w.authority, w.c1, g, "target", 1, date(2026, 2, 1))
    fko(session, w.w1, w.c1, g, "status", 2, date(2026, 5, 1))
    fko(session, w.w1, w.c1, g, "status", 2, date(2026, 8, 1))
    fko(session, w.w1, w.c1, g, "final", 1, date(2026, 11, 1))
    session.commit()
    return g


# ------------------------------------------------------------------------ the terminology


def test_the_levels_are_kls_published_codes_and_fkos_labels():
    published = levels()
    not_assessed = [code for code, display in published.items() if display == "Ikke vurderet"]
    assert [fhir.NOT_ASSESSED[0]] == not_assessed
    ours = dict(fhir.SUPPORT_NEED_LEVELS.values())
    assert ours == {c: d for c, d in published.items() if c not in not_assessed}
    # FKO's labels (fko.json) name the same levels, in the same order of need.
    labels = instruments.get("FKO").scale_labels
    for value, (_, display) in fhir.SUPPORT_NEED_LEVELS.items():
        assert display == f"{labels[str(value)]} støttebehov"
    assert KL["CodeSystem-FFB"]["url"] == fhir.FFB
    assert fhir.SUPPORT_NEED_PARENT in KL["ValueSet-KLNeedsAssessmentCodesFFB"]["fsh"]
    assert KL["ValueSet-KLNeedsAssessmentCodesFFB"]["url"] == fhir.NEEDS_ASSESSMENT_VALUE_SET


def test_the_observation_code_and_goal_category_are_kls():
    care = KL["CodeSystem-CareSocialCodes"]
    assert care["url"] == fhir.CARE_SOCIAL_CODES
    published = {c["code"]: c["display"] for parent in care["concept"] for c in parent["concept"]}
    for code, display in (fhir.SUPPORT_NEED_ASSESSMENT, fhir.FFB_INTERVENTION_GOAL):
        assert published[code] == display


def test_every_fko_value_maps_to_one_level_and_nothing_else_does():
    for value in range(5):
        concept = fhir.support_need(value)
        (coding,) = concept["coding"]
        assert coding["system"] == fhir.FFB
        assert levels()[coding["code"]] == coding["display"]
        assert coding["extension"] == [{"url": fhir.ORDINAL_VALUE, "valueDecimal": value}]
    assert fhir.support_need(2.0) == fhir.support_need(2)
    for wrong in (-1, 2.5, 5):
        with pytest.raises(ValueError, match="outside 0–4"):
            fhir.support_need(wrong)


# -------------------------------------------------------------------------- Observations


def test_fko_scores_are_valid_r4_observations(w, scored, api, token_for):
    response = search(api, "Observation", token_for(w.w1, READ), patient=w.c1.id)
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    bundle = valid(response.json)
    assert bundle["type"] == "searchset"
    assert bundle["total"] == 4  # baseline, 2 statuses, final: the target is on the Goal
    observations = resources(bundle)
    assert [o["effectiveDateTime"] for o in observations] == [
        "2026-02-01",
        "2026-05-01",
        "2026-08-01",
        "2026-11-01",
    ]
    occasions = [o["method"]["coding"][0]["code"] for o in observations]
    assert occasions == ["baseline", "status", "status", "final"]
    values = [o["valueCodeableConcept"]["coding"][0] for o in observations]
    assert [v["display"] for v in values] == [
        "Højt støttebehov",
        "Moderat støttebehov",
        "Moderat støttebehov",
        "Let støttebehov",
    ]
    assert [v["code"] for v in values] == [
        "b99a0790-4d70-4152-b149-3fe58b745583",
        "401a397b-b3aa-4ca3-8b23-bd8f99dd3f76",
        "401a397b-b3aa-4ca3-8b23-bd8f99dd3f76",
        "dd628e73-d6c9-4837-a2b8-aa62d73bd6ae",
    ]
    assert [v["extension"][0]["valueDecimal"] for v in values] == [3, 2, 2, 1]
    first = observations[0]
    assert first["status"] == "final"
    assert first["code"] == {
        "coding": [
            {
                "system": "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes",
                "code": "effe55c7-572c-4a99-8fb4-2a9dda2f6572",
                "display": "FFB støttebehovsvurdering",
            }
        ]
    }
    assert first["subject"]["reference"] == f"Patient/{w.c1.id}"
    assert first["subject"]["identifier"] == {
        "system": LOCAL.sid("citizen"),
        "value": str(w.c1.id),
    }
    assert first["focus"] == [{"reference": f"Goal/{scored.id}", "type": "Goal"}]
    assert first["performer"][0]["identifier"]["value"] == str(w.authority.id)
    assert observations[1]["performer"][0]["identifier"]["value"] == str(w.w1.id)
    assert first["method"]["text"] == "Udgangspunkt (baseline)"
    # No names, no free text.
    assert w.c1.display_name not in response.text
    assert w.w1.name not in response.text


def test_the_citizen_comes_along_so_references_resolve(w, scored, session, api, token_for):
    w.c1.external_id = "NEXUS-4711"
    session.commit()
    bundle = valid(search(api, "Observation", token_for(w.w1), patient=w.c1.id).json)
    (patient,) = resources(bundle, "include")
    assert patient == {
        "resourceType": "Patient",
        "id": str(w.c1.id),
        "meta": patient["meta"],
        "identifier": [
            {"system": LOCAL.sid("citizen"), "value": str(w.c1.id)},
            {"system": LOCAL.sid("citizen-external-id"), "value": "NEXUS-4711"},
        ],
    }
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    assert f"http://localhost/api/v1/fhir/Patient/{w.c1.id}" in full_urls
    for observation in resources(bundle):
        reference = observation["subject"]["reference"]
        assert f"http://localhost/api/v1/fhir/{reference}" in full_urls


def test_an_edited_score_is_amended(w, scored, session, api, token_for):
    status = session.scalars(
        select(Scoring).where(Scoring.occasion == "status").order_by(Scoring.id)
    ).first()
    edit_scoring(
        session,
        w.w1,
        status,
        {"scored_on": status.scored_on, "participation": "together"},
        {"value": 3},
        today=make.TODAY,
    )
    session.commit()
    bundle = valid(search(api, "Observation", token_for(w.w1), patient=w.c1.id).json)
    amended = [o for o in resources(bundle) if o["status"] == "amended"]
    assert [o["id"] for o in amended] == [str(status.id)]
    assert amended[0]["meta"]["versionId"] == "2"
    assert amended[0]["valueCodeableConcept"]["coding"][0]["display"] == "Højt støttebehov"


def test_only_fko_scores_of_goals_are_observations(w, scored, session, api, token_for):
    ors = {"individuelt": 5, "interpersonelt": 6, "socialt": 7, "generelt": 8}
    make.score(session, w.w1, w.c1, "ORS", date(2026, 10, 1), ors)
    session.commit()
    bundle = valid(search(api, "Observation", token_for(w.w1), patient=w.c1.id).json)
    assert bundle["total"] == 4
    assert {o["code"]["coding"][0]["code"] for o in resources(bundle)} == {
        fhir.SUPPORT_NEED_ASSESSMENT[0]
    }


def test_a_citizen_without_scores_gets_an_empty_searchset(w, api, token_for):
    bundle = valid(search(api, "Observation", token_for(w.w1), patient=w.c1.id).json)
    assert bundle["total"] == 0
    assert "entry" not in bundle


def test_one_observation_by_id(w, scored, session, api, token_for):
    token = token_for(w.w1)
    rows = session.scalars(select(Scoring).order_by(Scoring.id)).all()
    baseline, target = rows[0], rows[1]
    response = api.get(f"/fhir/Observation/{baseline.id}", token)
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert valid(response.json)["id"] == str(baseline.id)
    assert api.get(f"/fhir/Observation/{target.id}", token).status_code == 404


# ---------------------------------------------------------------------------------- Goals


def test_goals_are_valid_r4_goals_with_the_fko_target(w, scored, api, token_for):
    response = search(api, "Goal", token_for(w.w1, READ), patient=f"Patient/{w.c1.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    bundle = valid(response.json)
    (goal,) = resources(bundle)
    assert bundle["total"] == 1
    assert goal["id"] == str(scored.id)
    assert goal["description"] == {"text": scored.specific}
    assert goal["lifecycleStatus"] == "active"
    assert goal["achievementStatus"]["coding"][0]["code"] == "in-progress"
    assert goal["startDate"] == scored.created_on.isoformat()
    assert goal["subject"]["reference"] == f"Patient/{w.c1.id}"
    assert goal["category"][0]["coding"] == [
        {
            "system": "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes",
            "code": "0bb3daef-538d-45dc-b444-abdbcb63f6bc",
            "display": "FFB indsatsmål",
        }
    ]
    assert goal["category"][1]["coding"][0]["code"] == "mestring"
    (target,) = goal["target"]
    assert target["dueDate"] == "2026-12-01"
    assert target["measure"]["coding"][0]["code"] == fhir.SUPPORT_NEED_ASSESSMENT[0]
    (level,) = target["detailCodeableConcept"]["coding"]
    assert (level["code"], level["display"]) == (
        "dd628e73-d6c9-4837-a2b8-aa62d73bd6ae",
        "Let støttebehov",
    )
    assert level["extension"][0]["valueDecimal"] == 1
    assert "statusDate" not in goal


@pytest.mark.parametrize(
    ("status", "lifecycle", "achievement"),
    [
        ("achieved", "completed", "achieved"),
        ("partly_achieved", "completed", "not-achieved"),
        ("abandoned", "cancelled", "not-achieved"),
        ("replaced", "cancelled", None),
    ],
)
def test_a_closed_goal_says_how_it_ended(
    status, lifecycle, achievement, w, session, api, token_for
):
    g = make.goal(session, w.w1, w.p1, target_date=None, external_id="SAG-1-MAAL-2")
    close_goal(session, w.w1, g, {"status": status, "closed_on": date(2026, 10, 1)})
    session.commit()
    bundle = valid(search(api, "Goal", token_for(w.w1), patient=w.c1.id).json)
    (goal,) = resources(bundle)
    assert goal["lifecycleStatus"] == lifecycle
    codings = goal["achievementStatus"]["coding"]
    standard = [c["code"] for c in codings if c["system"] == fhir.GOAL_ACHIEVEMENT]
    assert standard == ([achievement] if achievement else [])
    assert codings[-1]["system"] == LOCAL.code_system("goal-status")
    assert codings[-1]["code"] == status
    assert goal["statusDate"] == "2026-10-01"
    assert "target" not in goal  # no FKO target and no target date
    assert goal["identifier"][1] == {
        "system": LOCAL.sid("goal-external-id"),
        "value": "SAG-1-MAAL-2",
    }


def test_one_goal_by_id(w, scored, api, token_for):
    response = api.get(f"/fhir/Goal/{scored.id}", token_for(w.w1))
    assert response.status_code == 200
    goal = valid(response.json)
    assert goal["target"][0]["detailCodeableConcept"]["coding"][0]["display"] == "Let støttebehov"


def test_one_patient_by_id(w, api, token_for):
    response = api.get(f"/fhir/Patient/{w.c1.id}", token_for(w.w1))
    assert response.status_code == 200
    assert valid(response.json)["identifier"] == [
        {"system": LOCAL.sid("citizen"), "value": str(w.c1.id)}
    ]


# ------------------------------------------------------------------------------- paging


def test_pages_follow_the_next_link(w, session, api, token_for):
    g = make.goal(session, w.w1, w.p1)
    fko(session, w.authority, w.c1, g, "baseline", 4, date(2026, 2, 1))
    for month in (3, 4, 5, 6):
        fko(session, w.w1, w.c1, g, "status", 3, date(2026, month, 1))
    session.commit()
    token = token_for(w.w1)
    seen: list[str] = []
    query: dict[str, Any] = {"patient": w.c1.id, "_count": 2}
    pages = 0
    while True:
        bundle = valid(search(api, "Observation", token, **query).json)
        pages += 1
        assert bundle["total"] == 5
        page = resources(bundle)
        assert len(page) <= 2
        seen += [o["id"] for o in page]
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        assert parse_qs(urlsplit(links["self"]).query)["_count"] == ["2"]
        if "next" not in links:
            break
        next_url = urlsplit(links["next"])
        assert next_url.path == "/api/v1/fhir/Observation"
        query = {k: v[0] for k, v in parse_qs(next_url.query).items()}
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen, key=int)


@pytest.mark.parametrize("count", [0, 201, "x"])
def test_count_outside_1_to_200_is_422(count, w, api, token_for):
    response = search(api, "Observation", token_for(w.w1), patient=w.c1.id, _count=count)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["field"] == "query._count"


@pytest.mark.parametrize("count", [1, 200])
def test_count_at_its_bounds_is_fine(count, w, scored, api, token_for):
    bundle = search(api, "Goal", token_for(w.w1), patient=w.c1.id, _count=count).json
    assert len(resources(valid(bundle))) == 1


def test_a_bad_cursor_is_400(w, api, token_for):
    response = search(api, "Goal", token_for(w.w1), patient=w.c1.id, cursor="nonsense!")
    assert response.status_code == 400


@pytest.mark.parametrize("patient", [None, "", "abc", "Practitioner/1", "Patient/"])
def test_the_patient_must_be_named(patient, w, api, token_for):
    query = {} if patient is None else {"patient": patient}
    response = search(api, "Observation", token_for(w.w1), **query)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "query.patient"


# ------------------------------------------------------------------------- who may read


FHIR_PATHS = ("/fhir/Observation", "/fhir/Goal")


def test_no_token_is_401(w, api):
    for path in FHIR_PATHS:
        response = api.get(path, None, query_string={"patient": w.c1.id})
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"


def test_a_stats_only_token_is_403(w, scored, api, token_for, service_token, session):
    tokens = (
        token_for(w.leader, "read:stats"),
        service_token(w.admin, [w.t1], "read:stats", name="Datavarehus"),
    )
    for token in tokens:
        for path in FHIR_PATHS:
            response = api.get(path, token, query_string={"patient": w.c1.id})
            assert response.status_code == 403
            assert "read:citizens" in response.json["detail"]
        for path in (f"/fhir/Goal/{scored.id}", f"/fhir/Patient/{w.c1.id}"):
            assert api.get(path, token).status_code == 403
    assert session.scalar(select(AccessLog.id)) is None


def test_another_teams_citizen_or_none_is_404(w, session, api, token_for):
    g2 = make.goal(session, w.w2, w.c2.active_plan)
    score = fko(session, w.w2, w.c2, g2, "status", 2, date(2026, 5, 1))
    session.commit()
    token = token_for(w.w1)
    for patient in (w.c2.id, 999_999):
        for path in FHIR_PATHS:
            response = api.get(path, token, query_string={"patient": patient})
            assert response.status_code == 404
            assert response.mimetype == "application/problem+json"
    for path in (
        f"/fhir/Observation/{score.id}",
        f"/fhir/Goal/{g2.id}",
        f"/fhir/Patient/{w.c2.id}",
    ):
        assert api.get(path, token).status_code == 404
    assert session.scalar(select(AccessLog.id)) is None
    # Her own worker reads her.
    other = token_for(w.w2)
    assert len(resources(search(api, "Observation", other, patient=w.c2.id).json)) == 1


def test_every_read_is_in_the_access_log_with_the_tokens_name(
    w, scored, session, api, token_for, service_token
):
    personal = token_for(w.w1, READ)
    service = service_token(w.admin, [w.t1], READ, name="Datavarehus")
    baseline = session.scalars(select(Scoring).order_by(Scoring.id)).first()
    for token in (personal, service):
        search(api, "Observation", token, patient=w.c1.id)
        search(api, "Goal", token, patient=w.c1.id)
        api.get(f"/fhir/Observation/{baseline.id}", token)
        api.get(f"/fhir/Goal/{scored.id}", token)
        api.get(f"/fhir/Patient/{w.c1.id}", token)
    rows = session.scalars(select(AccessLog).order_by(AccessLog.id)).all()
    assert [(r.citizen_id, r.what, r.via) for r in rows] == [
        (w.c1.id, "API: FHIR", "API: Test")
    ] * 5 + [(w.c1.id, "API: FHIR", "API: Datavarehus")] * 5
    assert [r.path for r in rows[:2]] == ["/api/v1/fhir/Observation", "/api/v1/fhir/Goal"]
    assert {r.actor_id for r in rows[:5]} == {w.w1.id}


def test_the_openapi_document_names_the_fhir_media_type(app, api):
    spec = api.client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/fhir/Observation", "/api/v1/fhir/Goal"):
        get = spec["paths"][path]["get"]
        assert "application/fhir+json" in get["responses"]["200"]["content"]
        assert {p["name"] for p in get["parameters"]} >= {"patient", "_count", "cursor"}


# ---------------------------------------------------------------------- the schema itself


def test_the_vendored_schema_is_not_a_rubber_stamp(w, scored, api, token_for):
    """The validation above would catch a wrong resource."""
    bundle = search(api, "Observation", token_for(w.w1), patient=w.c1.id).json
    observation = resources(bundle)[0]
    broken = [
        {**observation, "status": "done"},  # not an observation-status
        {**observation, "effectiveDateTime": "1.2.2026"},  # not a FHIR dateTime
        {**observation, "valueInteger": 3},  # a field of another type beside value[x]
        {**observation, "score": 3},  # no such element
    ]
    for resource in broken[:2] + broken[3:]:
        assert schema_errors(resource), resource
    with pytest.raises(ValueError, match="value"):
        Observation.model_validate(broken[2])
    assert schema_errors({**bundle, "type": "list"})
