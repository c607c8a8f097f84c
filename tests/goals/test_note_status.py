"""The note form sets the delmål's status too: one POST writes the note and, if she changed
it, the status (kept in the goal's history); a status left as shown changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from bostotte.goals.models import GoalRevision, SubGoal, SubGoalNote
from tests import factories as make


def notes(session) -> list[str]:
    return list(session.scalars(select(SubGoalNote.text).order_by(SubGoalNote.id)))


def revision_count(session) -> int:
    return session.scalar(select(func.count()).select_from(GoalRevision))


def _url(w, subgoal) -> str:
    return f"/borgere/{w.c1.id}/delmaal/{subgoal.id}/note"


def test_the_form_shows_the_status_it_has(w, login_as, session):
    subgoal = make.subgoal(session, make.goal(session, w.w1, w.p1), status="in_progress")
    session.commit()
    page = login_as(w.w1).get(_url(w, subgoal)).get_data(as_text=True)
    assert "Delmålets status" in page
    assert 'name="status_was" value="in_progress"' in page
    assert 'value="in_progress" class="form-radio" checked' in page


def test_one_post_writes_the_note_and_the_new_status(w, login_as, session):
    subgoal = make.subgoal(session, make.goal(session, w.w1, w.p1), status="in_progress")
    session.commit()
    r = login_as(w.w1).post(
        _url(w, subgoal),
        data={
            "noted_on": "2026-03-02",
            "text": "Posten er åbnet hver mandag i en måned.",
            "status": "achieved",
            "status_was": "in_progress",
        },
    )
    assert r.status_code == 302
    assert notes(session) == ["Posten er åbnet hver mandag i en måned."]
    session.expire_all()
    assert session.get(SubGoal, subgoal.id).status == "achieved"
    revision = session.scalars(select(GoalRevision)).one()
    assert revision.subgoal_id == subgoal.id and revision.replaced_by_id == w.w1.id
    assert revision.changes == {"status": ["in_progress", "achieved"]}


def test_a_status_left_as_shown_writes_only_the_note(w, login_as, session):
    subgoal = make.subgoal(session, make.goal(session, w.w1, w.p1), status="in_progress")
    session.commit()
    version = subgoal.version
    r = login_as(w.w1).post(
        _url(w, subgoal),
        data={
            "noted_on": "2026-03-02",
            "text": "Godt",
            "status": "in_progress",
            "status_was": "in_progress",
        },
    )
    assert r.status_code == 302 and notes(session) == ["Godt"]
    session.expire_all()
    assert session.get(SubGoal, subgoal.id).version == version  # the delmål's row untouched
    assert revision_count(session) == 0


def test_a_colleagues_status_change_meanwhile_is_not_undone(w, login_as, session):
    subgoal = make.subgoal(session, make.goal(session, w.w1, w.p1), status="in_progress")
    session.commit()
    client = login_as(w.w1)
    client.get(_url(w, subgoal))  # she opens the form: "I gang"
    subgoal.status = "achieved"  # a colleague marks it reached
    session.commit()
    r = client.post(
        _url(w, subgoal),
        data={
            "noted_on": "2026-03-02",
            "text": "Godt",
            "status": "in_progress",
            "status_was": "in_progress",
        },
    )
    assert r.status_code == 302
    session.expire_all()
    assert session.get(SubGoal, subgoal.id).status == "achieved"


def test_a_bad_status_saves_nothing_and_keeps_the_text(w, login_as, session):
    subgoal = make.subgoal(session, make.goal(session, w.w1, w.p1), status="in_progress")
    session.commit()
    r = login_as(w.w1).post(
        _url(w, subgoal),
        data={"noted_on": "2026-03-02", "text": "Min lange note", "status": "hokus"},
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "Vælg en af mulighederne." in page
    assert "Min lange note" in page
    assert notes(session) == [] and revision_count(session) == 0


def test_a_note_in_the_future_changes_no_status(w, login_as, session):
    subgoal = make.subgoal(session, make.goal(session, w.w1, w.p1), status="in_progress")
    session.commit()
    r = login_as(w.w1).post(
        _url(w, subgoal),
        data={
            "noted_on": "2099-01-01",
            "text": "x",
            "status": "achieved",
            "status_was": "in_progress",
        },
    )
    assert r.status_code == 400 and "fremtiden" in r.get_data(as_text=True)
    session.expire_all()
    assert session.get(SubGoal, subgoal.id).status == "in_progress"
    assert notes(session) == [] and revision_count(session) == 0


def test_the_api_note_can_set_the_status(w, session, api, token_for):
    subgoal = make.subgoal(session, make.goal(session, w.w1, w.p1), status="in_progress")
    session.commit()
    r = api.post(
        f"/subgoals/{subgoal.id}/notes",
        token_for(w.w1),
        json={"noted_on": "2026-03-02", "text": "Nået", "status": "achieved"},
    )
    assert r.status_code == 201, r.json
    session.expire_all()
    assert session.get(SubGoal, subgoal.id).status == "achieved"
    assert session.scalars(select(GoalRevision)).one().changes == {
        "status": ["in_progress", "achieved"]
    }
