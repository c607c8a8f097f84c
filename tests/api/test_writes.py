"""Writes follow the forms' rules, answer problem+json, never overwrite a newer version, and
can be retried with an Idempotency-Key."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bostotte.extensions import db
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring, ScoringRevision
from tests import factories as make

ORS = {"individuelt": 5, "interpersonelt": 6, "socialt": 7, "generelt": 8}


def _ors(w, **extra):
    return {
        "citizen_id": w.c1.id,
        "instrument": "ORS",
        "scored_on": "2026-11-01",
        "values": ORS,
        **extra,
    }


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


# ------------------------------------------------------------------------ problem+json


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"bogus": 1}, "bogus", "Ukendt felt."),
        ({"scored_on": "2026-13-45"}, "scored_on", "Skriv en gyldig dato"),
        ({"scored_on": "2099-01-01"}, "scored_on", "fremtiden"),
        ({"values": {**ORS, "generelt": 11}}, "values.generelt", "mellem 0 og 10"),
        ({"values": {**ORS, "generelt": True}}, "values.generelt", "Skriv et tal"),
        ({"values": {**ORS, "extra": 1}}, "values.extra", "har ikke punktet"),
        ({"participation": "maybe"}, "participation", "Vælg en af mulighederne."),
        ({"instrument": "XYZ"}, "instrument", "Ukendt instrument"),
    ],
)
def test_bad_input_gets_a_field_and_a_danish_message(
    w, api, token_for, session, body, field, message
):
    response = api.post("/scorings", token_for(w.w1), json=_ors(w, **body))
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["status"] == 422 and problem["title"] == "Der er fejl i det indsendte."
    assert any(e["field"] == field and message in e["message"] for e in problem["errors"]), problem
    assert _count(session, Scoring) == 0


@pytest.mark.parametrize("data", ["[1, 2]", "42", '"tekst"'])
def test_a_body_that_is_not_an_object_is_refused(w, api, token_for, data):
    response = api.post(
        "/scorings", token_for(w.w1), data=data, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422 and response.json["detail"] == "Send et JSON-objekt."


def test_broken_json_is_a_400(w, api, token_for):
    response = api.post(
        "/scorings", token_for(w.w1), data="{", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


# ------------------------------------------------------------------------ domain rules


def test_fko_occasions_follow_the_role(w, api, token_for, session):
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    fko = {"citizen_id": w.c1.id, "instrument": "FKO", "goal_id": goal.id, "values": {"value": 3}}
    worker, authority = token_for(w.w1), token_for(w.authority)
    baseline = {**fko, "occasion": "baseline", "scored_on": "2026-02-01"}
    assert api.post("/scorings", worker, json=baseline).status_code == 403
    assert api.post("/scorings", authority, json=baseline).status_code == 201
    again = api.post("/scorings", authority, json=baseline)
    assert again.status_code == 422 and again.json["errors"][0]["field"] == "occasion"
    status = {**fko, "occasion": "status", "scored_on": "2026-05-01", "values": {"value": 2}}
    assert api.post("/scorings", worker, json=status).status_code == 201
    unknown = api.post("/scorings", worker, json={**status, "occasion": "sometimes"})
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "occasion"
    # The goal carries its history of support need.
    history = api.get(f"/goals/{goal.id}", worker).json["history"]
    assert [(h["occasion"], h["scored_on"], h["value"]) for h in history] == [
        ("baseline", "2026-02-01", 3.0),
        ("status", "2026-05-01", 2.0),
    ]
    listed = api.get("/goals", worker).json["items"]
    assert [len(g["history"]) for g in listed] == [2]


def test_a_fourth_active_goal_is_refused(w, api, token_for, session):
    for _ in range(3):
        make.goal(session, w.w1, w.p1)
    session.commit()
    body = {
        "plan_id": w.p1.id,
        "theme": "sundhed",
        "specific": "Spise morgenmad",
        "measurable": "Hver dag",
        "target_date": "2026-12-01",
    }
    response = api.post("/goals", token_for(w.w1), json=body)
    assert response.status_code == 422
    assert "Der kan højst være 3" in response.json["detail"]
    assert _count(session, Goal) == 3


def test_a_created_resource_has_a_location_that_answers(w, api, token_for):
    token = token_for(w.w1)
    created = api.post("/scorings", token, json=_ors(w))
    assert created.status_code == 201
    fetched = api.client.get(
        created.headers["Location"], headers={"Authorization": f"Bearer {token}"}
    )
    assert fetched.status_code == 200 and fetched.json == created.json


# ------------------------------------------------------------------------ ETag, If-Match


def test_a_stale_if_match_gets_412_and_nothing_is_overwritten(w, api, token_for, session):
    token = token_for(w.w1)
    scoring = api.post("/scorings", token, json=_ors(w)).json
    path = f"/scorings/{scoring['id']}"
    etag = api.get(path, token).headers["ETag"]
    first = api.put(
        path, token, json={"scored_on": "2026-11-02", "values": ORS}, headers={"If-Match": etag}
    )
    assert first.status_code == 200 and first.json["version"] == 2
    assert first.headers["ETag"] == api.get(path, token).headers["ETag"] != etag
    # A colleague's client still holds the first ETag.
    stale = api.put(
        path,
        token,
        json={"scored_on": "2026-11-03", "values": {**ORS, "generelt": 1}},
        headers={"If-Match": etag},
    )
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    now = api.get(path, token).json
    assert now["scored_on"] == "2026-11-02" and now["values"]["generelt"] == 8
    assert _count(session, ScoringRevision) == 1


def test_an_update_without_if_match_gets_428(w, api, token_for):
    token = token_for(w.w1)
    scoring = api.post("/scorings", token, json=_ors(w)).json
    response = api.put(
        f"/scorings/{scoring['id']}", token, json={"scored_on": "2026-11-02", "values": ORS}
    )
    assert response.status_code == 428 and "If-Match" in response.json["detail"]


def test_a_goal_closes_with_its_etag_and_a_conditional_get_answers_304(w, api, token_for, session):
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    token, path = token_for(w.w1), f"/goals/{goal.id}"
    etag = api.get(path, token).headers["ETag"]
    assert api.get(path, token, headers={"If-None-Match": etag}).status_code == 304
    closed = api.post(
        path + "/close",
        token,
        json={"status": "achieved", "closed_on": "2026-11-01"},
        headers={"If-Match": etag},
    )
    assert closed.status_code == 200 and closed.json["status"] == "achieved"
    again = api.post(
        path + "/close",
        token,
        json={"status": "achieved", "closed_on": "2026-11-01"},
        headers={"If-Match": etag},
    )
    assert again.status_code == 412


def test_two_saves_of_the_same_version_cannot_both_win(app, w, session):
    """The version column under the ETag: two sessions read version 1 and both save; the
    second UPDATE names version 1, finds none, and fails instead of overwriting."""
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    with Session(db.engine) as one, Session(db.engine) as two:
        a, b = one.get(Goal, goal.id), two.get(Goal, goal.id)
        a.specific, b.specific = "Første", "Anden"
        one.commit()
        with pytest.raises(StaleDataError):
            two.commit()
    session.expire_all()
    assert session.get(Goal, goal.id).specific == "Første"


# ------------------------------------------------------------------------ Idempotency-Key


def test_a_retried_post_makes_one_scoring(w, api, token_for, session):
    token = token_for(w.w1)
    key = {"Idempotency-Key": "ors-2026-11-01-c1"}
    first = api.post("/scorings", token, json=_ors(w), headers=key)
    retry = api.post("/scorings", token, json=_ors(w), headers=key)
    assert first.status_code == retry.status_code == 201
    assert retry.json == first.json and retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert _count(session, Scoring) == 1


def test_the_same_key_with_another_body_is_refused(w, api, token_for, session):
    token = token_for(w.w1)
    key = {"Idempotency-Key": "k1"}
    assert api.post("/scorings", token, json=_ors(w), headers=key).status_code == 201
    other = api.post("/scorings", token, json=_ors(w, scored_on="2026-11-02"), headers=key)
    assert other.status_code == 422 and "Idempotency-Key" in other.json["detail"]
    assert _count(session, Scoring) == 1


def test_a_refused_request_does_not_use_up_its_key(w, api, token_for, session):
    token = token_for(w.w1)
    key = {"Idempotency-Key": "k2"}
    bad = api.post("/scorings", token, json=_ors(w, values={**ORS, "generelt": 99}), headers=key)
    assert bad.status_code == 422
    good = api.post("/scorings", token, json=_ors(w), headers=key)
    assert good.status_code == 201 and _count(session, Scoring) == 1


def test_keys_belong_to_their_token(w, api, token_for, session):
    key = {"Idempotency-Key": "same"}
    assert api.post("/scorings", token_for(w.w1), json=_ors(w), headers=key).status_code == 201
    assert api.post("/scorings", token_for(w.w1), json=_ors(w), headers=key).status_code == 201
    assert _count(session, Scoring) == 2


@pytest.mark.parametrize("key", ["", " ", "x" * 201])
def test_a_bad_key_is_a_400(w, api, token_for, key):
    response = api.post(
        "/scorings", token_for(w.w1), json=_ors(w), headers={"Idempotency-Key": key}
    )
    assert response.status_code == 400


def test_a_citizens_indsats_ends_and_her_plan_closes(w, api, token_for, session):
    token, path = token_for(w.w1), f"/citizens/{w.c1.id}"
    citizen = api.get(path, token)
    body = {
        k: citizen.json[k]
        for k in ("display_name", "birth_year", "gender", "team_id", "legal_basis", "start_date")
    } | {"uses_fko": True, "uses_fit": True, "end_date": "2026-11-30", "external_id": "N-1"}
    updated = api.put(path, token, json=body, headers={"If-Match": citizen.headers["ETag"]})
    assert updated.status_code == 200 and updated.json["end_date"] == "2026-11-30"
    assert updated.json["methods"] == ["FKO", "FIT"] and updated.json["version"] == 2
    # Another citizen cannot take her external id.
    other = api.get(f"/citizens/{w.c2.id}", token_for(w.w2))
    taken = api.put(
        f"/citizens/{w.c2.id}",
        token_for(w.w2),
        json=body | {"team_id": w.t2.id, "end_date": None},
        headers={"If-Match": other.headers["ETag"]},
    )
    assert taken.status_code == 422 and taken.json["errors"][0]["field"] == "external_id"
    plan = api.get(f"/plans/{w.p1.id}", token)
    closed = api.post(
        f"/plans/{w.p1.id}/close",
        token,
        json={"closed_on": "2026-11-30"},
        headers={"If-Match": plan.headers["ETag"]},
    )
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    again = api.post(
        f"/plans/{w.p1.id}/close",
        token,
        json={"closed_on": "2026-11-30"},
        headers={"If-Match": closed.headers["ETag"]},
    )
    assert again.status_code == 422 and "allerede afsluttet" in again.json["detail"]
