"""Lists: cursor pages within bounds, and `updated_since` returns exactly what changed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bostotte.auth.services import set_setting
from bostotte.scoring.services import edit_scoring
from tests import factories as make
from tests.conftest import TODAY

ORS = {"individuelt": 5, "interpersonelt": 6, "socialt": 7, "generelt": 8}


@pytest.fixture()
def many(w, session):
    """Citizen 1 with 7 ORS scorings."""
    scorings = [
        make.score(session, w.w1, w.c1, "ORS", date(2026, 1, 1) + timedelta(days=i), ORS)
        for i in range(7)
    ]
    session.commit()
    return scorings


def test_pages_follow_the_cursor_to_the_end_without_gaps_or_repeats(w, many, api, token_for):
    token, seen, cursor, pages = token_for(w.w1), [], None, 0
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get("/scorings", token, query_string=query).json
        seen += [s["id"] for s in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == sorted(s.id for s in many) and pages == 3


@pytest.mark.parametrize("limit", [0, -1, 201, "x"])
def test_a_limit_out_of_bounds_is_refused_in_danish(w, api, token_for, limit):
    response = api.get("/scorings", token_for(w.w1), query_string={"limit": limit})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    [error] = response.json["errors"]
    assert error["field"] == "query.limit" and error["message"]


def test_the_largest_page_is_200(w, many, api, token_for):
    response = api.get("/scorings", token_for(w.w1), query_string={"limit": 200})
    assert response.status_code == 200 and len(response.json["items"]) == 7


@pytest.mark.parametrize("cursor", ["???", "aWQ6eA", "Zm9vOjE", "-1"])
def test_a_forged_cursor_is_a_400(w, api, token_for, cursor):
    response = api.get("/scorings", token_for(w.w1), query_string={"cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.json["detail"]


def test_updated_since_returns_exactly_what_changed(w, many, api, token_for, session):
    token = token_for(w.w1)
    first = api.get("/scorings", token, query_string={"limit": 200}).json
    since = first["as_of"]
    # After the first sync: one scoring edited, one new, one goal; nothing else.
    edited = edit_scoring(
        session,
        w.w1,
        many[2],
        {"scored_on": date(2026, 1, 3), "participation": "together"},
        {**ORS, "generelt": 9},
        today=TODAY,
    )
    added = make.score(session, w.w1, w.c1, "ORS", date(2026, 2, 1), ORS)
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    changed = api.get("/scorings", token, query_string={"updated_since": since}).json
    assert [s["id"] for s in changed["items"]] == [edited.id, added.id]
    assert changed["items"][0]["version"] == 2
    goals = api.get("/goals", token, query_string={"updated_since": since}).json["items"]
    assert [g["id"] for g in goals] == [goal.id]
    assert api.get("/citizens", token, query_string={"updated_since": since}).json["items"] == []


def test_a_note_changes_its_delmål_for_the_sync(w, api, token_for, session):
    goal = make.goal(session, w.w1, w.p1)
    subgoal = make.subgoal(session, goal)
    session.commit()
    token = token_for(w.w1)
    since = api.get("/subgoals", token).json["as_of"]
    response = api.post(
        f"/subgoals/{subgoal.id}/notes", token, json={"noted_on": "2026-11-20", "text": "Godt"}
    )
    assert response.status_code == 201
    [changed] = api.get("/subgoals", token, query_string={"updated_since": since}).json["items"]
    assert changed["id"] == subgoal.id and [n["text"] for n in changed["notes"]] == ["Godt"]


def test_updated_since_needs_a_time_zone(w, api, token_for):
    response = api.get(
        "/scorings", token_for(w.w1), query_string={"updated_since": "2026-11-01T10:00:00"}
    )
    assert response.status_code == 422
    assert "tidszone" in response.json["errors"][0]["message"]


def test_filters_by_citizen_team_and_instrument(w, many, api, token_for, session):
    make.score(session, w.w1, w.c1, "SRS", date(2026, 3, 1), make.items("SRS", 9, 9, 9, 9))
    set_setting(session, "leader_reads_records", True)  # a leader reads only when allowed
    session.commit()
    token = token_for(w.leader)
    by_instrument = api.get("/scorings", token, query_string={"instrument": "SRS"}).json
    assert [s["instrument"] for s in by_instrument["items"]] == ["SRS"]
    assert api.get("/scorings", token, query_string={"team": w.t2.id}).json["items"] == []
    mine = api.get("/citizens", token, query_string={"citizen": w.c1.id}).json["items"]
    assert [c["id"] for c in mine] == [w.c1.id]


@pytest.mark.parametrize("path", ["/citizens", "/plans", "/goals", "/subgoals", "/scorings"])
def test_a_page_costs_the_same_queries_for_3_and_for_12_citizens(
    w, api, token_for, session, count_queries, path
):
    """Related rows are loaded per page, and the access-log rows go in one statement."""
    token = token_for(w.w1)
    api.get("/teams", token)  # the token's first use is written once (its last_used_at)

    def grow(by: int) -> int:
        for _ in range(by):
            citizen = make.citizen(session, w.t1)
            goal = make.goal(session, w.w1, make.plan(session, citizen))
            make.subgoal(session, goal)
            make.score(session, w.w1, citizen, "ORS", date(2026, 3, 1), ORS)
        session.commit()
        with count_queries() as statements:
            assert api.get(path, token, query_string={"limit": 200}).status_code == 200
        return len(statements)

    small, large = grow(2), grow(9)
    assert small == large
