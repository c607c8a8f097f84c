"""A goal and its delmål keep their history: every write path (the forms, the API, closing,
carrying over, the four-file import) keeps who changed what, when, from what to what, and
the goal's history page shows it; anonymisation takes it away with her words."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bostotte.audit.models import AccessLog
from bostotte.auth.services import set_setting
from bostotte.citizens.services import carry_over_goals, close_plan
from bostotte.goals import services
from bostotte.goals.models import Goal, GoalRevision, SubGoal
from bostotte.retention.services import anonymise
from tests import factories as make
from tests.goals.test_goals import GOAL_FORM
from tests.imports.test_import import CITIZENS, GOALS, TEAMS, run, write

# GOAL_FORM's goal, as the service takes it
GOAL = {
    "theme": "sundhed",
    "specific": "Jeg vil gå en tur hver dag",
    "measurable": "Jeg har gået 5 dage om ugen i en måned",
    "realistic": "Jeg sover bedre",
    "target_date": date(2026, 10, 1),
}
SUBGOAL_FORM = {"title": "Åbne posten om mandagen", "method": "MI", "status": "in_progress"}


def revisions(session, goal_id: int) -> list[GoalRevision]:
    return list(
        session.scalars(
            select(GoalRevision).where(GoalRevision.goal_id == goal_id).order_by(GoalRevision.id)
        )
    )


def history_page(client, citizen_id: int, goal_id: int) -> str:
    response = client.get(f"/borgere/{citizen_id}/maal/{goal_id}/historik")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_editing_a_goal_in_the_form_keeps_the_earlier_version_and_shows_it(w, login_as, session):
    goal = make.goal(session, w.w1, w.p1, **GOAL)
    session.commit()
    client = login_as(w.w1)
    edited = {**GOAL_FORM, "specific": "Jeg vil gå en tur hver morgen", "target_date": "2026-12-01"}
    response = client.post(f"/borgere/{w.c1.id}/maal/{goal.id}/rediger", data=edited)
    assert response.status_code == 302

    (revision,) = revisions(session, goal.id)
    assert revision.subgoal_id is None and revision.replaced_by_id == w.w1.id
    assert revision.version == 1 and session.get(Goal, goal.id).version == 2
    assert revision.changes == {
        "specific": ["Jeg vil gå en tur hver dag", "Jeg vil gå en tur hver morgen"],
        "agreed": [False, True],
        "agreed_on": [None, "2026-02-01"],
        "target_date": ["2026-10-01", "2026-12-01"],
    }
    page = history_page(client, w.c1.id, goal.id)
    assert "Målet blev ændret" in page and w.w1.name in page
    assert "fra «Jeg vil gå en tur hver dag» til «Jeg vil gå en tur hver morgen»" in page
    assert "<strong>Måldato</strong>: fra «1. okt. 2026» til «1. dec. 2026»" in page
    assert "<strong>Aftalt med borgeren</strong>: fra «Nej» til «Ja»" in page
    # made on the day it was set (the factory's 1 Feb), by whom
    assert f"<strong>1. feb. 2026</strong> · {w.w1.name}</p>" in page
    assert "Målet blev oprettet." in page


def test_saving_a_form_unchanged_writes_no_history(w, login_as, session):
    goal = make.goal(session, w.w1, w.p1, **GOAL, agreed=True, agreed_on=date(2026, 2, 1))
    session.commit()
    version = goal.version
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/maal/{goal.id}/rediger",
        data={**GOAL_FORM, "target_date": "2026-10-01"},
    )
    assert r.status_code == 302
    assert revisions(session, goal.id) == []
    session.expire_all()
    assert session.get(Goal, goal.id).version == version


def test_closing_and_reopening_are_in_the_history(w, login_as, session):
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    client = login_as(w.w1)
    closed = client.post(
        f"/borgere/{w.c1.id}/maal/{goal.id}/afslut",
        data={"status": "abandoned", "closed_on": "2026-06-01", "close_reason": "Flyttet"},
    )
    assert closed.status_code == 302
    assert client.post(f"/borgere/{w.c1.id}/maal/{goal.id}/genaabn").status_code == 302
    close, reopen = revisions(session, goal.id)
    assert close.changes == {
        "status": ["active", "abandoned"],
        "closed_on": [None, "2026-06-01"],
        "close_reason": [None, "Flyttet"],
    }
    assert reopen.changes == {
        "status": ["abandoned", "active"],
        "closed_on": ["2026-06-01", None],
        "close_reason": ["Flyttet", None],
    }
    assert (close.version, reopen.version) == (1, 2)
    page = history_page(client, w.c1.id, goal.id)
    assert "<strong>Status</strong>: fra «Aktivt» til «Opgivet»" in page
    assert "<strong>Status</strong>: fra «Opgivet» til «Aktivt»" in page
    assert "<strong>Begrundelse</strong>: fra «–» til «Flyttet»" in page
    # newest first: the reopening above the closing, the creation last
    assert page.index("fra «Opgivet» til «Aktivt»") < page.index("fra «Aktivt» til «Opgivet»")
    assert page.index("fra «Aktivt» til «Opgivet»") < page.index("Målet blev oprettet")


def test_editing_a_delmaal_is_in_its_goals_history(w, login_as, session):
    goal = make.goal(session, w.w1, w.p1)
    subgoal = make.subgoal(session, goal, **SUBGOAL_FORM)
    session.commit()
    client = login_as(w.w1)
    r = client.post(
        f"/borgere/{w.c1.id}/delmaal/{subgoal.id}/rediger",
        data={**SUBGOAL_FORM, "method": "praktisk", "status": "achieved"},
    )
    assert r.status_code == 302
    (revision,) = revisions(session, goal.id)
    assert revision.subgoal_id == subgoal.id and revision.replaced_by_id == w.w1.id
    assert revision.changes == {
        "method": ["MI", "praktisk"],
        "status": ["in_progress", "achieved"],
    }
    page = history_page(client, w.c1.id, goal.id)
    assert "Delmålet «Åbne posten om mandagen» blev ændret" in page
    assert "<strong>Metode</strong>: fra «Motivationssamtalen (MI)» til «Praktisk træning»" in page
    assert "<strong>Status</strong>: fra «I gang» til «Opnået»" in page
    assert "Delmålet «Åbne posten om mandagen» blev oprettet" in page


def test_the_api_keeps_the_history_with_the_tokens_user(w, session, api, token_for):
    goal = make.goal(session, w.w1, w.p1)
    subgoal = make.subgoal(session, goal)
    session.commit()
    token = token_for(w.w1)
    path = f"/goals/{goal.id}"
    body = {
        "theme": "sundhed",
        "specific": goal.specific,
        "measurable": goal.measurable,
        "target_date": "2026-11-01",
    }
    put = api.put(
        path, token, json=body, headers={"If-Match": api.get(path, token).headers["ETag"]}
    )
    assert put.status_code == 200, put.json
    sub_path = f"/subgoals/{subgoal.id}"
    sub = api.put(
        sub_path,
        token,
        json={"title": "Åbne posten hver dag", "method": "MI", "status": "in_progress"},
        headers={"If-Match": api.get(sub_path, token).headers["ETag"]},
    )
    assert sub.status_code == 200, sub.json
    close = api.post(
        f"{path}/close",
        token,
        json={"status": "achieved", "closed_on": "2026-11-01"},
        headers={"If-Match": api.get(path, token).headers["ETag"]},
    )
    assert close.status_code == 200, close.json
    edit, sub_edit, closing = revisions(session, goal.id)
    assert edit.changes == {
        "theme": ["mestring", "sundhed"],
        "target_date": ["2026-12-01", "2026-11-01"],
    }
    assert sub_edit.subgoal_id == subgoal.id
    assert sub_edit.changes == {"title": ["Åbne posten om mandagen", "Åbne posten hver dag"]}
    assert closing.changes["status"] == ["active", "achieved"]
    assert {r.replaced_by_id for r in (edit, sub_edit, closing)} == {w.w1.id}


def test_a_refused_edit_writes_no_history(w, login_as, session):
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    r = login_as(w.w1).post(
        f"/borgere/{w.c1.id}/maal/{goal.id}/rediger",
        data={**GOAL_FORM, "target_date": "2025-01-01"},
    )
    assert r.status_code == 400
    assert revisions(session, goal.id) == []


def test_carrying_goals_over_to_a_new_plan_closes_them_with_history(w, session):
    goal = make.goal(session, w.w1, w.p1)
    close_plan(session, w.p1, date(2026, 6, 30))
    new = make.plan(session, w.c1, start=date(2026, 7, 1), end=date(2027, 6, 30))
    carry_over_goals(session, w.p1, new, date(2026, 7, 1), w.w1)
    (revision,) = revisions(session, goal.id)
    assert revision.replaced_by_id == w.w1.id
    assert revision.changes == {
        "status": ["active", "replaced"],
        "closed_on": [None, "2026-07-01"],
        "close_reason": [None, "Videreført i ny plan"],
    }


def test_the_four_file_import_keeps_the_history_of_a_goal_it_changes(app, session, tmp_path):
    folder = write(tmp_path / "in", teams=TEAMS, citizens=CITIZENS, goals=GOALS)
    assert run(app, "import", str(folder)).exit_code == 0
    write(folder, goals=GOALS.replace("2025-12-01,active", "2026-03-01,achieved"))
    result = run(app, "import", str(folder))
    assert result.exit_code == 0, result.output
    goal = session.scalars(select(Goal).where(Goal.external_id == "G1")).one()
    (revision,) = revisions(session, goal.id)
    assert (revision.version, revision.replaced_by_id, goal.version) == (1, None, 2)
    assert revision.changes == {
        "target_date": ["2025-12-01", "2026-03-01"],
        "status": ["active", "achieved"],
    }
    assert run(app, "import", str(folder)).exit_code == 0  # again: nothing changes
    assert len(revisions(session, goal.id)) == 1


def test_anonymising_her_takes_the_history_with_her_words(w, session):
    goal = make.goal(session, w.w1, w.p1)
    subgoal = make.subgoal(session, goal)
    services.update_goal(session, w.w1, goal, {"specific": "Hemmelig tekst"})
    services.update_subgoal(session, w.w1, subgoal, {"title": "Hemmeligt delmål"})
    other = make.goal(session, w.w2, w.c2.active_plan)
    services.update_goal(session, w.w2, other, {"specific": "Bliver"})
    anonymise(session, w.c1.id, datetime(2026, 11, 23, tzinfo=UTC))
    assert revisions(session, goal.id) == []
    assert len(revisions(session, other.id)) == 1


def test_the_history_page_is_access_logged_and_guarded(w, login_as, session):
    goal = make.goal(session, w.w1, w.p1)
    set_setting(session, "leader_reads_records", True)  # a leader reads only when allowed
    session.commit()
    for reader in (w.w1, w.leader, w.authority):
        assert (
            login_as(reader).get(f"/borgere/{w.c1.id}/maal/{goal.id}/historik").status_code == 200
        )
    logged = session.scalar(
        select(func.count())
        .select_from(AccessLog)
        .where(AccessLog.citizen_id == w.c1.id, AccessLog.what == "målets historik")
    )
    assert logged == 3
    assert login_as(w.w2).get(f"/borgere/{w.c1.id}/maal/{goal.id}/historik").status_code == 404
    other_goal = make.goal(session, w.w2, w.c2.active_plan)
    session.commit()
    # her citizen id with another citizen's goal
    assert (
        login_as(w.w1).get(f"/borgere/{w.c1.id}/maal/{other_goal.id}/historik").status_code == 404
    )
    assert login_as(w.borger).get(f"/borgere/{w.c1.id}/maal/{goal.id}/historik").status_code == 403
    assert login_as(w.admin).get(f"/borgere/{w.c1.id}/maal/{goal.id}/historik").status_code == 403


def test_the_goal_links_to_its_history(w, login_as, session):
    goal = make.goal(session, w.w1, w.p1)
    session.commit()
    page = login_as(w.w1).get(f"/borgere/{w.c1.id}").get_data(as_text=True)
    assert f'href="/borgere/{w.c1.id}/maal/{goal.id}/historik"' in page


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/maal/ny", GOAL_FORM),
        ("/maal/{g}/rediger", {**GOAL_FORM, "specific": "Andet"}),
        ("/maal/{g}/afslut", {"status": "achieved", "closed_on": "2026-06-01"}),
        ("/maal/{g}/delmaal/ny", SUBGOAL_FORM),
        ("/delmaal/{s}/rediger", {**SUBGOAL_FORM, "title": "Andet"}),
        ("/delmaal/{s}/note", {"noted_on": "2026-03-02", "text": "Godt"}),
    ],
)
def test_after_a_save_the_citizen_page_opens_at_the_top(w, login_as, session, url, data):
    """No #anchor: the confirmation at the top of the page is in view."""
    goal = make.goal(session, w.w1, w.p1)
    subgoal = make.subgoal(session, goal)
    session.commit()
    path = f"/borgere/{w.c1.id}" + url.format(g=goal.id, s=subgoal.id)
    r = login_as(w.w1).post(path, data=data)
    assert r.status_code == 302, r.get_data(as_text=True)
    assert r.headers["Location"] == f"/borgere/{w.c1.id}"
    assert session.scalar(select(func.count()).select_from(SubGoal)) >= 1


def test_the_history_page_sends_the_same_queries_however_long_the_history(
    w, login_as, session, count_queries
):
    def queries(goal: Goal) -> int:
        client = login_as(w.w1)
        url = f"/borgere/{w.c1.id}/maal/{goal.id}/historik"
        client.get(url)  # warm up: the login
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    short = make.goal(session, w.w1, w.p1)
    make.subgoal(session, short)
    # by a colleague (a login not loaded already by the request), as in the long one
    services.update_goal(session, w.w2, short, {"specific": "Kort historik"})
    long = make.goal(session, w.w1, w.p1)
    for n in range(3):
        subgoal = make.subgoal(session, long)
        for k in range(4):
            services.update_goal(session, w.w2, long, {"specific": f"Udgave {n}.{k}"})
            services.update_subgoal(session, w.w1, subgoal, {"title": f"Skridt {n}.{k}"})
    session.commit()
    assert queries(short) == queries(long)
