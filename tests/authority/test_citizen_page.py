"""Myndighed on the citizen page: she sets the goals and their baseline and target, and no
longer sees the provider's buttons for delmål, notes and § 82 b sessions (issue 20); the
routes behind them refuse her (tests/auth/test_routes.py tries every one)."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories as make

PROVIDERS = ("Tilføj delmål", "Skriv note", "Ret delmål", "Registrér en samtale")
HERS = ("Tilføj mål", "Ret mål", "Afslut mål", "Registrér udgangspunkt")


@pytest.fixture()
def page_world(w, session):
    """Citizen 1 on a § 82 b forløb with a goal and a delmål."""
    w.p1.status = "closed"
    session.flush()
    plan = make.plan(session, w.c1, date(2026, 9, 1), date(2027, 2, 28), legal_basis="§82b")
    goal = make.goal(session, w.w1, plan)
    make.subgoal(session, goal, target_date=date(2026, 12, 1))
    session.commit()
    return w


def _page(client, w) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/borgere/{w.c1.id}")
    assert response.status_code == 200
    return response.data.decode()


def _provider_links(w) -> list[str]:  # type: ignore[no-untyped-def]
    """Where the provider's buttons lead (the goal list and the quick-action bar alike)."""
    plan = w.c1.active_plan
    goal = plan.goals[0]
    subgoal = goal.subgoals[0]
    c = w.c1.id
    return [
        f"/borgere/{c}/maal/{goal.id}/delmaal/ny",
        f"/borgere/{c}/delmaal/{subgoal.id}/note",
        f"/borgere/{c}/delmaal/{subgoal.id}/rediger",
        f"/borgere/{c}/plan/{plan.id}/samtale",
    ]


def test_myndighed_sees_her_buttons_not_the_workers(page_world, login_as):
    html = _page(login_as(page_world.authority), page_world)
    for label in HERS:
        assert label in html, label
    for label in PROVIDERS:
        assert label not in html, label
    for href in _provider_links(page_world):
        assert href not in html, href


def test_the_worker_still_sees_hers(page_world, login_as):
    html = _page(login_as(page_world.w1), page_world)
    for label in PROVIDERS:
        assert label in html, label
    for href in _provider_links(page_world):
        assert href in html, href
    assert "Registrér udgangspunkt" not in html  # myndighed's occasion


def test_myndighed_is_refused_a_delmaal_and_nothing_is_written(page_world, login_as, session):
    goal = page_world.c1.active_plan.goals[0]
    response = login_as(page_world.authority).post(
        f"/borgere/{page_world.c1.id}/maal/{goal.id}/delmaal/ny",
        data={"title": "Købe ind", "method": "MI", "status": "not_started"},
    )
    assert response.status_code == 403
    session.refresh(goal)
    assert len(goal.subgoals) == 1
