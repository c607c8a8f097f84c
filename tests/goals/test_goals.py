from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bostotte.common.schema import DomainError
from bostotte.extensions import db
from bostotte.goals import services
from bostotte.goals.models import Goal, SubGoal, SubGoalNote
from tests import factories as make

GOAL_FORM = {
    "theme": "sundhed",
    "specific": "Jeg vil gå en tur hver dag",
    "measurable": "Jeg har gået 5 dage om ugen i en måned",
    "agreed": "1",
    "agreed_on": "2026-02-01",
    "realistic": "Jeg sover bedre",
    "target_date": "2026-10-01",
}


def goal_count(session, plan_id):
    return session.scalar(select(func.count()).select_from(Goal).where(Goal.plan_id == plan_id))


def test_add_goal_through_the_form(w, login_as, session):
    r = login_as(w.w1).post(f"/borgere/{w.c1.id}/maal/ny", data=GOAL_FORM)
    assert r.status_code == 302
    goal = session.scalars(select(Goal)).one()
    assert (goal.theme, goal.specific, goal.agreed, goal.agreed_on, goal.target_date) == (
        "sundhed",
        "Jeg vil gå en tur hver dag",
        True,
        date(2026, 2, 1),
        date(2026, 10, 1),
    )
    page = login_as(w.w1).get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    assert "Jeg vil gå en tur hver dag" in page and "Sundhed" in page


def test_a_fourth_active_goal_is_refused_and_nothing_saved(w, login_as, session):
    for _ in range(3):
        make.goal(session, w.w1, w.p1)
    session.commit()
    r = login_as(w.w1).post(f"/borgere/{w.c1.id}/maal/ny", data=GOAL_FORM)
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "højst være 3" in page
    assert "Jeg vil gå en tur hver dag" in page  # what she typed is kept
    assert goal_count(session, w.p1.id) == 3


def test_three_goal_rule_in_the_service(w, session):
    for _ in range(3):
        make.goal(session, w.w1, w.p1)
    with pytest.raises(DomainError, match="højst være 3"):
        make.goal(session, w.w1, w.p1)


def test_closed_goals_do_not_count_and_reopening_respects_the_limit(w, session):
    goals = [make.goal(session, w.w1, w.p1) for _ in range(3)]
    services.close_goal(
        session, w.w1, goals[0], {"status": "achieved", "closed_on": date(2026, 3, 1)}
    )
    fourth = make.goal(session, w.w1, w.p1)
    assert fourth.status == "active"
    with pytest.raises(DomainError, match="højst være 3"):
        services.reopen_goal(session, w.w1, goals[0])


def test_goal_form_bad_input_is_shown_next_to_the_fields(w, login_as, session):
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/maal/ny",
        data={
            "theme": "ukendt",
            "specific": "",
            "measurable": "x",
            "agreed": "1",
            "target_date": "31-02-2026",
        },
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Vælg en af mulighederne." in page
    assert "Udfyld feltet." in page
    assert "Skriv datoen, hvor borgeren sagde ja til målet." in page
    assert "Skriv en gyldig dato" in page
    assert 'aria-invalid="true"' in page
    assert goal_count(session, w.p1.id) == 0


def test_target_date_before_plan_start_is_refused(w, login_as, session):
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/maal/ny", data={**GOAL_FORM, "target_date": "2025-01-01"}
    )
    assert r.status_code == 400
    assert "før planens start" in r.get_data(as_text=True)


def test_edit_goal(w, login_as, session):
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/maal/{g.id}/rediger", data={**GOAL_FORM, "specific": "Nyt ordvalg"}
    )
    assert r.status_code == 302
    assert session.get(Goal, g.id).specific == "Nyt ordvalg"


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"status": "achieved", "closed_on": "2026-06-01"}, "achieved", None),
        ({"status": "partly_achieved", "closed_on": "2026-06-01"}, "partly_achieved", None),
        (
            {"status": "abandoned", "closed_on": "2026-06-01", "close_reason": "Flyttet"},
            "abandoned",
            None,
        ),
        ({"status": "abandoned", "closed_on": "2026-06-01"}, "active", "Skriv en begrundelse."),
        ({"closed_on": "2026-06-01"}, "active", "Udfyld feltet."),
    ],
)
def test_close_goal(w, login_as, session, form, status, error):
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    r = login_as(w.w1).post(f"/borgere/{w.c1.id}/maal/{g.id}/afslut", data=form)
    assert session.get(Goal, g.id).status == status
    if error:
        assert r.status_code == 400 and error in r.get_data(as_text=True)
    else:
        assert r.status_code == 302


def test_subgoal_and_notes(w, login_as, session):
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    client = login_as(w.w1)
    r = client.post(
        f"/borgere/{w.c1.id}/maal/{g.id}/delmaal/ny",
        data={
            "title": "Lave en madplan",
            "method": "praktisk",
            "approach": "Sammen om mandagen",
            "target_date": "2026-05-01",
            "status": "in_progress",
        },
    )
    assert r.status_code == 302
    sg = session.scalars(select(SubGoal)).one()
    assert (sg.title, sg.method, sg.status) == ("Lave en madplan", "praktisk", "in_progress")
    r = client.post(
        f"/borgere/{w.c1.id}/delmaal/{sg.id}/note",
        data={"noted_on": "2026-03-02", "text": "Første madplan lavet."},
    )
    assert r.status_code == 302
    r = client.post(
        f"/borgere/{w.c1.id}/delmaal/{sg.id}/rediger",
        data={"title": "Lave en madplan", "method": "praktisk", "status": "achieved"},
    )
    assert r.status_code == 302 and session.get(SubGoal, sg.id).status == "achieved"
    page = client.get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    assert "Første madplan lavet." in page and "Praktisk træning" in page
    assert "2. mar. 2026" in page  # Danish date format


def test_subgoal_bad_input(w, login_as, session):
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/maal/{g.id}/delmaal/ny", data={"title": "", "method": "hokus"}
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "Udfyld feltet." in page and "Vælg en af" in page
    assert session.scalar(select(func.count()).select_from(SubGoal)) == 0


def test_note_in_the_future_is_refused(w, session):
    g = make.goal(session, w.w1, w.p1)
    sg = make.subgoal(session, g)
    with pytest.raises(DomainError, match="fremtiden"):
        services.add_note(
            session, w.w1, sg, {"noted_on": date(2026, 3, 2), "text": "x"}, today=date(2026, 3, 1)
        )
    assert session.scalar(select(func.count()).select_from(SubGoalNote)) == 0


def test_myndighed_sets_goal_then_baseline(w, login_as, session):
    r = login_as(w.authority).post(f"/borgere/{w.c1.id}/maal/ny", data=GOAL_FORM)
    assert r.status_code == 302
    assert "instrument=FKO" not in r.headers["Location"]  # path form
    assert "/scoringer/FKO/ny" in r.headers["Location"]
    assert "occasion=baseline" in r.headers["Location"]


def test_a_colleagues_save_in_between_is_not_overwritten(w, login_as, session, monkeypatch):
    """She opened the goal; a colleague saved it meanwhile (its version moved on): her save
    is refused with the conflict page, and the colleague's text stays."""
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite writes one at a time: no colleague can save inside her save")
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    update = services.update_goal

    def colleague_first(db_session, user, goal, data, version):  # type: ignore[no-untyped-def]
        with Session(db.engine) as other:
            other.get(Goal, goal.id).specific = "Kollegaens tekst"
            other.commit()
        return update(db_session, user, goal, data, version)

    monkeypatch.setattr(services, "update_goal", colleague_first)
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/maal/{g.id}/rediger", data={**GOAL_FORM, "specific": "Min tekst"}
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "En kollega har gemt imens" in page and "Min tekst" in page
    session.expire_all()
    assert session.get(Goal, g.id).specific == "Kollegaens tekst"
