"""Two citizens with a plan, goals, delmål, notes and scorings each, and a login each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bostotte.auth.models import Role, User
from bostotte.citizens.models import Plan
from bostotte.goals.models import Goal, SubGoal
from bostotte.goals.services import add_note
from tests import factories as make
from tests.conftest import TODAY


def _history(session, world, citizen, plan, worker, tag: str):  # type: ignore[no-untyped-def]
    goal = make.goal(
        session, worker, plan, specific=f"Mål for {tag}", measurable=f"Målbart for {tag}"
    )
    step = make.subgoal(
        session,
        goal,
        title=f"Skridt for {tag}",
        status="in_progress",
        target_date=date(2026, 12, 1),
    )
    make.subgoal(session, goal, title=f"Klaret skridt for {tag}", status="achieved")
    add_note(
        session, worker, step, {"noted_on": date(2026, 3, 1), "text": f"Note om {tag}"}, today=TODAY
    )
    make.score(
        session,
        world.authority,
        citizen,
        "FKO",
        date(2026, 2, 1),
        {"value": 3},
        goal_id=goal.id,
        occasion="baseline",
    )
    make.score(
        session,
        worker,
        citizen,
        "ORS",
        date(2026, 3, 3),
        make.items("ORS", 5, 6, 7, 8),
        worker_note=f"Arbejdsnote om {tag}",
    )
    return goal, step


@dataclass
class PortalWorld(make.World):
    """Both citizens with a history and a login each."""

    p2: Plan
    borger2: User
    g1: Goal
    sg1: SubGoal
    g2: Goal
    sg2: SubGoal


@pytest.fixture()
def w(w, session):  # type: ignore[no-untyped-def]
    # Distinct names, so "no other name appears" cannot pass or fail by a shared prefix.
    w.c1.display_name = w.borger.name = "Louise Kjær"
    w.c2.display_name = "Sofie Dam"
    p2 = w.c2.active_plan
    borger2 = make.user(session, Role.CITIZEN, citizen_id=w.c2.id, name=w.c2.display_name)
    g1, sg1 = _history(session, w, w.c1, w.p1, w.w1, "en")
    g2, sg2 = _history(session, w, w.c2, p2, w.w2, "to")
    session.commit()
    return PortalWorld(**vars(w), p2=p2, borger2=borger2, g1=g1, sg1=sg1, g2=g2, sg2=sg2)


@pytest.fixture()
def outbox(app, tmp_path: Path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """Mails of a test land in its own folder (never the real instance/outbox)."""
    folder = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "BOSTOTTE_OUTBOX", str(folder))
    monkeypatch.setitem(app.config, "BOSTOTTE_SMTP_HOST", "")
    return folder
