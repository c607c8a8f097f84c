"""A delmål's date lies within its plan (w.p1: 1 Jan – 31 Dec 2026): 2020 typed for 2026 is
refused with a Danish message in the form and the API, and nothing is saved."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bostotte.goals.models import SubGoal
from tests import factories as make

FORM = {"title": "Lave en madplan", "method": "praktisk", "status": "in_progress"}
BEFORE = "Måldatoen ligger før planens start (1. jan. 2026)"
AFTER = "Måldatoen ligger efter planens slut (31. dec. 2026)"


def subgoal_count(session) -> int:
    return session.scalar(select(func.count()).select_from(SubGoal))


@pytest.mark.parametrize(
    ("target", "message"),
    [("2020-05-01", BEFORE), ("2025-12-31", BEFORE), ("2027-01-01", AFTER)],
)
def test_a_new_delmaal_outside_the_plan_is_refused(w, login_as, session, target, message):
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/maal/{goal.id}/delmaal/ny", data={**FORM, "target_date": target}
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and message in page
    assert 'value="Lave en madplan' in page or "Lave en madplan</textarea>" in page  # kept
    assert subgoal_count(session) == 0


@pytest.mark.parametrize("target", ["2026-01-01", "2026-12-31"])
def test_the_plans_first_and_last_day_are_within(w, login_as, session, target):
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/maal/{goal.id}/delmaal/ny", data={**FORM, "target_date": target}
    )
    assert r.status_code == 302
    assert session.scalars(select(SubGoal.target_date)).one() == date.fromisoformat(target)


def test_editing_a_delmaals_date_out_of_the_plan_is_refused(w, login_as, session):
    goal = make.goal(session, w.w1, w.p1)
    subgoal = make.subgoal(session, goal, target_date=date(2026, 5, 1))
    session.commit()
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/delmaal/{subgoal.id}/rediger",
        data={**FORM, "target_date": "2020-05-01"},
    )
    assert r.status_code == 400 and BEFORE in r.get_data(as_text=True)
    session.expire_all()
    assert session.get(SubGoal, subgoal.id).target_date == date(2026, 5, 1)
    assert session.get(SubGoal, subgoal.id).title == "Åbne posten om mandagen"


def test_a_date_kept_as_it_was_is_not_checked_again(w, login_as, session):
    """A delmål carried over from an earlier plan keeps its date until she sets a new one:
    changing only its status is not refused."""
    goal = make.goal(session, w.w1, w.p1)
    subgoal = make.subgoal(session, goal)
    subgoal.target_date = date(2025, 11, 1)  # from the plan before
    session.commit()
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/delmaal/{subgoal.id}/rediger",
        data={**FORM, "title": subgoal.title, "target_date": "2025-11-01", "status": "achieved"},
    )
    assert r.status_code == 302
    session.expire_all()
    assert session.get(SubGoal, subgoal.id).status == "achieved"


@pytest.mark.parametrize(("target", "message"), [("2020-05-01", BEFORE), ("2027-02-01", AFTER)])
def test_the_api_refuses_a_date_outside_the_plan(w, session, api, token_for, target, message):
    goal = make.goal(session, w.w1, w.p1)
    subgoal = make.subgoal(session, goal)
    session.commit()
    token = token_for(w.w1)
    new = api.post("/subgoals", token, json={**FORM, "goal_id": goal.id, "target_date": target})
    assert new.status_code == 422, new.json
    assert new.json["errors"][0]["field"] == "target_date"
    assert message in new.json["errors"][0]["message"]
    path = f"/subgoals/{subgoal.id}"
    edit = api.put(
        path,
        token,
        json={**FORM, "target_date": target},
        headers={"If-Match": api.get(path, token).headers["ETag"]},
    )
    assert edit.status_code == 422 and message in edit.json["errors"][0]["message"]
    assert subgoal_count(session) == 1
    session.expire_all()
    assert session.get(SubGoal, subgoal.id).target_date is None
