"""The pedagogical methods are a list the municipality keeps (goals.methods): the
administrator adds, renames and hides; the delmål form offers what is shown; a delmål keeps
a hidden method and its new name; statistics count by code."""

from __future__ import annotations

from sqlalchemy import func, select

from bostotte.admin.models import AdminLog
from bostotte.goals import methods
from bostotte.goals.models import SUBGOAL_METHODS, SubGoal
from bostotte.stats import report
from tests import factories as make

NEW = "/admin/metoder"


def _subgoal_form(client, w, goal) -> str:
    return client.get(f"/borgere/{w.c1.id}/maal/{goal.id}/delmaal/ny").get_data(as_text=True)


def _add_subgoal(client, w, goal, method: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/borgere/{w.c1.id}/maal/{goal.id}/delmaal/ny",
        data={"title": "Lave en madplan", "method": method, "target_date": "2026-05-01"},
    )


def test_the_built_in_list_without_changes(session):
    assert methods.methods(session) == SUBGOAL_METHODS


def test_the_administrator_adds_one_and_workers_can_choose_it(w, login_as, session):
    admin = login_as(w.admin)
    response = admin.post(NEW, data={"label": "Low Arousal"})
    assert response.status_code == 302
    assert methods.methods(session)["low-arousal"] == "Low Arousal"
    assert session.scalar(select(AdminLog.detail).where(AdminLog.action == "add_method"))
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    worker = login_as(w.w1)
    assert 'value="low-arousal"' in _subgoal_form(worker, w, goal)
    assert _add_subgoal(worker, w, goal, "low-arousal").status_code == 302
    subgoal = session.scalars(select(SubGoal)).one()
    assert subgoal.method == "low-arousal" and subgoal.method_label == "Low Arousal"


def test_a_name_taken_or_empty_is_refused_in_danish(w, login_as, session):
    admin = login_as(w.admin)
    taken = admin.post(NEW, data={"label": "neuropædagogik"})
    assert taken.status_code == 400
    assert "Der findes allerede en metode med det navn." in taken.get_data(as_text=True)
    empty = admin.post(NEW, data={"label": "  "})
    assert empty.status_code == 400 and "Udfyld feltet" in empty.get_data(as_text=True)
    assert methods.methods(session) == SUBGOAL_METHODS


def test_a_hidden_method_is_not_offered_but_kept(w, login_as, session):
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    worker = login_as(w.w1)
    assert _add_subgoal(worker, w, goal, "ICM").status_code == 302
    admin = login_as(w.admin)
    assert admin.post("/admin/metoder/ICM/skjul").status_code == 302
    assert "ICM" not in methods.methods(session)
    assert 'value="ICM"' not in _subgoal_form(worker, w, goal)
    subgoal = session.scalars(select(SubGoal)).one()
    # her delmål keeps it: its form offers it, and saving it unchanged is accepted
    edit = worker.get(f"/borgere/{w.c1.id}/delmaal/{subgoal.id}/rediger").get_data(as_text=True)
    assert 'value="ICM" selected' in edit or 'value="ICM"' in edit
    assert admin.post("/admin/metoder/ICM/vis").status_code == 302
    assert "ICM" in methods.methods(session)


def test_renaming_changes_the_name_not_the_code(w, login_as, session):
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    _add_subgoal(login_as(w.w1), w, goal, "MI")
    admin = login_as(w.admin)
    page = admin.get("/admin/metoder/MI/navn")
    assert page.status_code == 200 and "Motivationssamtalen (MI)" in page.get_data(as_text=True)
    assert (
        admin.post("/admin/metoder/MI/navn", data={"label": "Motiverende samtale"}).status_code
        == 302
    )
    subgoal = session.scalars(select(SubGoal)).one()
    assert subgoal.method == "MI"
    session.expire_all()
    assert methods.method_label("MI") == "Motiverende samtale"
    assert report.group_label("pedagogy", "MI") == "Motiverende samtale"
    listing = admin.get(NEW).get_data(as_text=True)
    assert "Motiverende samtale" in listing and "Motivationssamtalen" not in listing


def test_the_last_shown_method_cannot_be_hidden(session):
    for code in list(SUBGOAL_METHODS)[:-1]:
        methods.set_hidden(session, code, True)
    last = list(SUBGOAL_METHODS)[-1]
    try:
        methods.set_hidden(session, last, True)
    except Exception as exc:  # noqa: BLE001
        assert "Mindst én metode" in str(getattr(exc, "message", exc))
    else:
        raise AssertionError("the last method was hidden")


def test_only_the_administrator_keeps_the_list(w, login_as, session):
    for who in (w.w1, w.leader, w.authority, w.borger):
        client = login_as(who)
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, data={"label": "X"}).status_code == 403
        assert client.post("/admin/metoder/MI/skjul").status_code == 403
    assert login_as(w.admin).post("/admin/metoder/findes-ikke/skjul").status_code == 404
    assert session.scalar(select(func.count()).select_from(AdminLog)) == 0


def test_codes_are_ascii_and_unique(session):
    first = methods.add(session, "Åben dialog")
    second = methods.add(session, "Aaben dialog!")
    assert first.code == "aaben-dialog" and second.code == "aaben-dialog-2"
