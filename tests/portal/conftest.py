"""Two citizens with a plan, goals, delmål, notes and scorings each, and a login each."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bostotte import instruments
from bostotte.auth.models import Role
from bostotte.goals.services import add_note
from bostotte.scoring.services import record_scoring
from tests import factories as make
from tests.conftest import TODAY


def items(instrument_id: str, *values: float) -> dict[str, float]:
    return dict(zip(instruments.get(instrument_id).item_ids, values, strict=True))


def score(session, actor, citizen, instrument, on, values, **meta):  # type: ignore[no-untyped-def]
    return record_scoring(session, actor, citizen, instrument,
                          {"scored_on": on, "participation": "together", **meta}, values,
                          today=TODAY)


def _history(session, world, citizen, plan, worker, tag: str):  # type: ignore[no-untyped-def]
    goal = make.goal(session, worker, plan, specific=f"Mål for {tag}",
                     measurable=f"Målbart for {tag}")
    step = make.subgoal(session, goal, title=f"Skridt for {tag}", status="in_progress",
                        target_date=date(2026, 12, 1))
    make.subgoal(session, goal, title=f"Klaret skridt for {tag}", status="achieved")
    add_note(session, worker, step, {"noted_on": date(2026, 3, 1),
                                     "text": f"Note om {tag}"}, today=TODAY)
    score(session, world["authority"], citizen, "FKO", date(2026, 2, 1), {"value": 3},
          goal_id=goal.id, occasion="baseline")
    score(session, worker, citizen, "ORS", date(2026, 3, 3), items("ORS", 5, 6, 7, 8),
          worker_note=f"Arbejdsnote om {tag}")
    return goal, step


@pytest.fixture()
def w(session):  # type: ignore[no-untyped-def]
    world = make.world(session)
    # Distinct names, so "no other name appears" cannot pass or fail by a shared prefix.
    world["c1"].display_name = world["borger"].name = "Louise Kjær"
    world["c2"].display_name = "Sofie Dam"
    world["p2"] = world["c2"].active_plan
    world["borger2"] = make.user(session, Role.CITIZEN, citizen_id=world["c2"].id,
                                 name=world["c2"].display_name)
    world["g1"], world["sg1"] = _history(session, world, world["c1"], world["p1"], world["w1"],
                                         "en")
    world["g2"], world["sg2"] = _history(session, world, world["c2"], world["p2"], world["w2"],
                                         "to")
    session.commit()
    return world


@pytest.fixture()
def outbox(app, tmp_path: Path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """Mails of a test land in its own folder (never the real instance/outbox)."""
    folder = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "BOSTOTTE_OUTBOX", str(folder))
    monkeypatch.setitem(app.config, "BOSTOTTE_SMTP_HOST", "")
    return folder
