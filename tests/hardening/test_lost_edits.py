"""No lost edit from the forms: each edit form carries the version it was opened at; a stale
save answers 409 with her values beside the saved ones and writes nothing, and two saves of
one record at the same moment never both succeed (real requests racing, PostgreSQL)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bostotte.citizens.models import Citizen, Plan
from bostotte.goals.models import Goal, GoalRevision, SubGoal, SubGoalNote
from bostotte.scoring.models import Scoring, ScoringRevision
from tests import factories as make
from tests.citizens.test_citizens import citizen_form

GOAL_FORM = {
    "theme": "sundhed",
    "specific": "Jeg vil gå en tur hver dag",
    "measurable": "Jeg har gået 5 dage om ugen i en måned",
    "target_date": "2026-10-01",
}
ORS_FORM = {
    "scored_on": "2026-03-01",
    "participation": "together",
    "v_individuelt": "5",
    "v_interpersonelt": "6,5",
    "v_socialt": "7",
    "v_generelt": "8,1",
}


def version_in(page: str) -> str:
    marker = 'name="version" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def opened(client: FlaskClient, url: str) -> str:
    """Open the edit form as a browser does: the version it carries."""
    r = client.get(url)
    assert r.status_code == 200
    return version_in(r.get_data(as_text=True))


# --- the stale form (both databases) ------------------------------------------------------


def test_a_stale_goal_form_gets_the_conflict_page_and_overwrites_nothing(w, login_as, session):
    g = make.goal(session, w.w1, w.p1, specific="Den oprindelige tekst")
    session.commit()
    url = f"/borgere/{w.c1.id}/maal/{g.id}/rediger"
    her, colleague = login_as(w.w1), login_as(w.w1)
    her_version = opened(her, url)
    colleague_version = opened(colleague, url)
    r = colleague.post(
        url, data={**GOAL_FORM, "specific": "Kollegaens tekst", "version": colleague_version}
    )
    assert r.status_code == 302
    r = her.post(url, data={**GOAL_FORM, "specific": "Min tekst", "version": her_version})
    page = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "En kollega har gemt imens" in page
    assert "Min tekst" in page and "Kollegaens tekst" in page  # hers and the saved one
    session.expire_all()
    assert session.get(Goal, g.id).specific == "Kollegaens tekst"
    # Saving hers on purpose: the conflict page's form carries the version it now knows.
    assert version_in(page) == str(session.get(Goal, g.id).version)
    r = her.post(url, data={**GOAL_FORM, "specific": "Min tekst", "version": version_in(page)})
    assert r.status_code == 302
    session.expire_all()
    assert session.get(Goal, g.id).specific == "Min tekst"
    # Both edits are in the history: nothing was lost on the way.
    changes = [rev.changes.get("specific") for rev in session.scalars(select(GoalRevision))]
    assert ["Den oprindelige tekst", "Kollegaens tekst"] in changes
    assert ["Kollegaens tekst", "Min tekst"] in changes


def test_the_conflict_page_is_for_her_own_team_only(w, login_as, session):
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    url = f"/borgere/{w.c1.id}/maal/{g.id}/rediger"
    assert login_as(w.w2).post(url, data={**GOAL_FORM, "version": "0"}).status_code == 404
    assert login_as(w.borger).post(url, data={**GOAL_FORM, "version": "0"}).status_code == 403


def test_a_version_that_is_no_number_is_refused_as_stale(w, login_as, session):
    g = make.goal(session, w.w1, w.p1, specific="Gemt")
    session.commit()
    url = f"/borgere/{w.c1.id}/maal/{g.id}/rediger"
    for version in ("x", "-1", "9" * 40):
        r = login_as(w.w1).post(url, data={**GOAL_FORM, "version": version})
        assert r.status_code == 409
    session.expire_all()
    assert session.get(Goal, g.id).specific == "Gemt"


def test_a_stale_close_form_gets_the_conflict_page(w, login_as, session):
    g = make.goal(session, w.w1, w.p1, specific="Gemt")
    session.commit()
    her = login_as(w.w1)
    close_url = f"/borgere/{w.c1.id}/maal/{g.id}/afslut"
    her_version = opened(her, close_url)
    edit_url = f"/borgere/{w.c1.id}/maal/{g.id}/rediger"
    other = login_as(w.w1)
    other.post(edit_url, data={**GOAL_FORM, "version": opened(other, edit_url)})
    r = her.post(
        close_url, data={"status": "achieved", "closed_on": "2026-03-01", "version": her_version}
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Opnået" in page and "Aktivt" in page
    session.expire_all()
    assert session.get(Goal, g.id).status == "active"


def test_a_stale_subgoal_form_gets_the_conflict_page(w, login_as, session):
    g = make.goal(session, w.w1, w.p1)
    sg = make.subgoal(session, g, title="Gemt titel")
    session.commit()
    url = f"/borgere/{w.c1.id}/delmaal/{sg.id}/rediger"
    her, other = login_as(w.w1), login_as(w.w1)
    her_version, other_version = opened(her, url), opened(other, url)
    form = {"method": "MI", "status": "in_progress"}
    assert (
        other.post(url, data={**form, "title": "Kollegaens titel", "version": other_version})
    ).status_code == 302
    r = her.post(url, data={**form, "title": "Min titel", "version": her_version})
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Min titel" in page and "Kollegaens titel" in page
    session.expire_all()
    assert session.get(SubGoal, sg.id).title == "Kollegaens titel"


def test_a_note_conflicts_only_when_she_changes_a_status_a_colleague_changed(w, login_as, session):
    g = make.goal(session, w.w1, w.p1)
    sg = make.subgoal(session, g, status="in_progress")
    session.commit()
    url = f"/borgere/{w.c1.id}/delmaal/{sg.id}/note"
    her = login_as(w.w1)
    her_version = opened(her, url)
    other = login_as(w.w1)
    edit = f"/borgere/{w.c1.id}/delmaal/{sg.id}/rediger"
    other.post(
        edit,
        data={
            "title": "Ny titel",
            "method": "MI",
            "status": "dropped",
            "version": opened(other, edit),
        },
    )
    note = {"noted_on": "2026-03-01", "status_was": "in_progress", "version": her_version}
    # Status left as shown: the note is added, the colleague's status stays.
    r = her.post(url, data={**note, "text": "Vi øvede", "status": "in_progress"})
    assert r.status_code == 302
    # Status changed from the one shown, over a colleague's change: 409, nothing written.
    r = her.post(url, data={**note, "text": "Målet er nået", "status": "achieved"})
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Opnået" in page and "Droppet" in page
    session.expire_all()
    assert session.get(SubGoal, sg.id).status == "dropped"
    assert session.scalar(select(func.count()).select_from(SubGoalNote)) == 1


def test_a_stale_scoring_form_gets_the_conflict_page_and_both_edits_are_kept(w, login_as, session):
    s = make.score(
        session,
        w.w1,
        w.c1,
        "ORS",
        date(2026, 3, 1),
        {"individuelt": 5, "interpersonelt": 6.5, "socialt": 7, "generelt": 8.1},
    )
    session.commit()
    url = f"/borgere/{w.c1.id}/scoringer/{s.id}/rediger"
    her, other = login_as(w.w1), login_as(w.w1)
    her_version, other_version = opened(her, url), opened(other, url)
    assert her_version == other_version == "1"
    r = other.post(url, data={**ORS_FORM, "v_socialt": "2", "version": other_version})
    assert r.status_code == 302
    r = her.post(url, data={**ORS_FORM, "v_generelt": "9,5", "version": her_version})
    page = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "9,5" in page and "8,1" in page  # her value and the saved one
    session.expire_all()
    saved = session.get(Scoring, s.id)
    assert saved.version == 2 and saved.values["socialt"] == 2
    # Her edit, saved on purpose from the conflict page, becomes version 3: each version
    # once in the history.
    r = her.post(url, data={**ORS_FORM, "v_generelt": "9,5", "version": version_in(page)})
    assert r.status_code == 302
    session.expire_all()
    saved = session.get(Scoring, s.id)
    assert saved.version == 3 and saved.values["generelt"] == 9.5
    versions = session.scalars(select(ScoringRevision.version)).all()
    assert sorted(versions) == [1, 2]


def test_a_stale_citizen_form_gets_the_conflict_page(w, login_as, session):
    url = f"/borgere/{w.c1.id}/rediger"
    her, other = login_as(w.w1), login_as(w.w1)
    her_version, other_version = opened(her, url), opened(other, url)
    r = other.post(
        url, data={**citizen_form(w, display_name="Kollegaens navn"), "version": other_version}
    )
    assert r.status_code == 302
    r = her.post(
        url,
        data={
            **citizen_form(w, display_name="Mit navn", team_id=str(w.t1.id)),
            "version": her_version,
        },
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Mit navn" in page and "Kollegaens navn" in page
    assert "Team Nord" in page  # a choice is shown by its name, not its id
    session.expire_all()
    assert session.get(Citizen, w.c1.id).display_name == "Kollegaens navn"


def test_a_stale_plan_close_gets_the_conflict_page(w, login_as, session):
    her, other = login_as(w.w1), login_as(w.w1)
    page_url = f"/borgere/{w.c1.id}"
    her_version, other_version = opened(her, page_url), opened(other, page_url)
    url = f"/borgere/{w.c1.id}/plan/{w.p1.id}/afslut"
    r = other.post(url, data={"closed_on": "2026-05-01", "version": other_version})
    assert r.status_code == 302
    r = her.post(url, data={"closed_on": "2026-06-01", "version": her_version})
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "1. jun. 2026" in page and "1. maj 2026" in page
    assert f'href="{page_url}"' in page  # the current values are on her page (no form to GET)
    session.expire_all()
    assert session.get(Plan, w.p1.id).end_date == date(2026, 5, 1)


def test_a_stale_rhythm_form_gets_the_conflict_page(w, login_as, session):
    url = f"/borgere/{w.c1.id}/rytme"
    her, other = login_as(w.w1), login_as(w.w1)
    her_version, other_version = opened(her, url), opened(other, url)
    form = {"fko_status_months": "", "ors_weeks": ""}
    r = other.post(
        url, data={**form, "rhythm_reason": "Kollegaens aftale", "version": other_version}
    )
    assert r.status_code == 302
    r = her.post(url, data={**form, "rhythm_reason": "Min aftale", "version": her_version})
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Min aftale" in page and "Kollegaens aftale" in page
    session.expire_all()
    assert session.get(Citizen, w.c1.id).rhythm_reason == "Kollegaens aftale"


def latest_fields(page: str) -> dict[str, str]:
    """The quarter page's hidden fields: each goal's latest status as the page showed it."""
    return dict(re.findall(r'name="(goal-\d+\.latest)" value="([^"]*)"', page))


def test_a_quarter_status_over_a_colleagues_new_status_is_a_conflict(w, login_as, session):
    g1 = make.goal(session, w.w1, w.p1, specific="Mål nummer 1")
    g2 = make.goal(session, w.w1, w.p1, specific="Mål nummer 2")
    session.commit()
    url = f"/borgere/{w.c1.id}/kvartal"
    her, other = login_as(w.w1), login_as(w.w1)
    her_latest = latest_fields(her.get(url).get_data(as_text=True))
    other_latest = latest_fields(other.get(url).get_data(as_text=True))
    assert her_latest == other_latest == {f"goal-{g1.id}.latest": "0", f"goal-{g2.id}.latest": "0"}
    base = {"scored_on": "2026-08-10", "participation": "together"}
    r = other.post(url, data={**base, **other_latest, f"goal-{g1.id}.value": "3"})
    assert r.status_code == 302
    # She sets a status for both goals, one of which a colleague has just given one.
    mine = {**base, f"goal-{g1.id}.value": "1", f"goal-{g2.id}.value": "2"}
    r = her.post(url, data={**mine, **her_latest})
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Mål nummer 1" in page and "Mål nummer 2" not in page
    statuses = session.scalars(select(Scoring).where(Scoring.occasion == "status")).all()
    assert [(s.goal_id, s.total) for s in statuses] == [(g1.id, 3)]  # nothing of hers saved
    # Saving hers on purpose, from the conflict page: the page's latest statuses go along.
    assert latest_fields(page)[f"goal-{g1.id}.latest"] != "0"
    r = her.post(url, data={**mine, **latest_fields(page)})
    assert r.status_code == 302
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Scoring)) == 3


def test_a_quarter_status_for_goals_a_colleague_left_alone_is_saved(w, login_as, session):
    g1 = make.goal(session, w.w1, w.p1)
    g2 = make.goal(session, w.w1, w.p1)
    session.commit()
    url = f"/borgere/{w.c1.id}/kvartal"
    her, other = login_as(w.w1), login_as(w.w1)
    her_latest = latest_fields(her.get(url).get_data(as_text=True))
    base = {"scored_on": "2026-08-10", "participation": "together"}
    other.post(url, data={**base, **her_latest, f"goal-{g1.id}.value": "3"})
    r = her.post(url, data={**base, **her_latest, f"goal-{g2.id}.value": "2"})
    assert r.status_code == 302  # her goal's status was not touched: no conflict


# --- real requests racing (PostgreSQL) ----------------------------------------------------


@pytest.fixture()
def pg(app):  # type: ignore[no-untyped-def]
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("racing saves is tested on PostgreSQL (SQLite writes one at a time)")
    return app


def saving(client: FlaskClient, url: str, data: dict[str, str]) -> Callable[[], int]:
    return lambda: client.post(url, data=data).status_code


def race(app, posts: list[Callable[[], int]]) -> list[int]:  # type: ignore[no-untyped-def]
    """Send the requests from one thread each, released at the same moment: their statuses."""
    barrier, statuses, errors = threading.Barrier(len(posts)), [], []

    def send(post: Callable[[], int]) -> None:
        try:
            with app.app_context():  # the client's own contexts need one to return to
                barrier.wait(timeout=30)
                statuses.append(post())
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(p,)) for p in posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return sorted(statuses)


ROUNDS = 5


def test_two_saves_of_one_goal_at_once_one_wins_one_gets_the_conflict(pg, w, login_as, session):
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    url = f"/borgere/{w.c1.id}/maal/{g.id}/rediger"
    a, b = login_as(w.w1), login_as(w.w1)
    for n in range(ROUNDS):
        va, vb = opened(a, url), opened(b, url)
        statuses = race(
            pg,
            [
                saving(a, url, {**GOAL_FORM, "specific": f"A{n}", "version": va}),
                saving(b, url, {**GOAL_FORM, "specific": f"B{n}", "version": vb}),
            ],
        )
        assert statuses == [302, 409]
        session.expire_all()
        assert session.get(Goal, g.id).version == int(va) + 1
    # Each winner's edit is one revision: no save went unrecorded.
    assert session.scalar(select(func.count()).select_from(GoalRevision)) == ROUNDS


def test_two_saves_of_one_scoring_at_once_one_wins_one_gets_the_conflict(pg, w, login_as, session):
    s = make.score(
        session,
        w.w1,
        w.c1,
        "ORS",
        date(2026, 3, 1),
        {"individuelt": 5, "interpersonelt": 6.5, "socialt": 7, "generelt": 8.1},
    )
    session.commit()
    url = f"/borgere/{w.c1.id}/scoringer/{s.id}/rediger"
    a, b = login_as(w.w1), login_as(w.w1)
    for _ in range(ROUNDS):
        va, vb = opened(a, url), opened(b, url)
        statuses = race(
            pg,
            [
                saving(a, url, {**ORS_FORM, "v_socialt": "1", "version": va}),
                saving(b, url, {**ORS_FORM, "v_socialt": "2", "version": vb}),
            ],
        )
        assert statuses == [302, 409]
    session.expire_all()
    saved = session.get(Scoring, s.id)
    # One version per winning edit, each earlier version once in the history.
    assert saved.version == ROUNDS + 1
    versions = session.scalars(select(ScoringRevision.version)).all()
    assert sorted(versions) == list(range(1, ROUNDS + 1))


def test_two_quarter_saves_for_one_goal_at_once_one_wins_one_gets_the_conflict(
    pg, w, login_as, session
):
    g = make.goal(session, w.w1, w.p1)
    session.commit()
    url = f"/borgere/{w.c1.id}/kvartal"
    a, b = login_as(w.w1), login_as(w.w1)
    base = {"scored_on": "2026-08-10", "participation": "together"}
    for n in range(ROUNDS):
        la = latest_fields(a.get(url).get_data(as_text=True))
        lb = latest_fields(b.get(url).get_data(as_text=True))
        statuses = race(
            pg,
            [
                saving(a, url, {**base, **la, f"goal-{g.id}.value": str(n % 5)}),
                saving(b, url, {**base, **lb, f"goal-{g.id}.value": str((n + 1) % 5)}),
            ],
        )
        assert statuses == [302, 409]
    # One status per round: no second status made without seeing the first.
    assert session.scalar(select(func.count()).select_from(Scoring)) == ROUNDS
