"""Retention: a citizen whose indsats ended more than five years ago is anonymised (her
words and names gone, her numbers kept), the statistics of her years do not change, and
old access-log rows are deleted; a dry run changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bostotte.api import tokens
from bostotte.api.models import IdempotencyKey
from bostotte.audit.models import AccessLog
from bostotte.auth.models import Role, User
from bostotte.citizens.models import Citizen
from bostotte.citizens.services import close_plan
from bostotte.goals.models import Goal, SubGoal, SubGoalNote
from bostotte.goals.services import add_note
from bostotte.invitations.models import Invitation
from bostotte.invitations.services import invite
from bostotte.reminders.models import Reminder
from bostotte.retention import services
from bostotte.scoring.models import Scoring, ScoringRevision
from bostotte.scoring.services import edit_scoring
from bostotte.stats.queries import Period
from bostotte.stats.services import BREAKDOWNS, compute
from tests import factories as make
from tests.stats.helpers import fko, ors_total

TODAY = date(2026, 11, 23)  # the cutoff for five years: 23 Nov 2021


def _citizen(session, team, worker, name, start, end, *, close=True):  # type: ignore[no-untyped-def]
    citizen = make.citizen(
        session,
        team,
        display_name=name,
        case_ref=f"SAG-{name}",
        start_date=start,
        primary_worker_id=worker.id,
    )
    plan = make.plan(session, citizen, start=start, end=end)
    goal = make.goal(
        session, worker, plan, specific=f"{name} vil klare sin post selv", target_date=end
    )
    subgoal = make.subgoal(session, goal, title=f"{name} åbner posten")
    add_note(
        session, worker, subgoal, {"noted_on": start, "text": f"{name} havde en god dag"}, today=end
    )
    fko(session, goal, "baseline", start, 3)
    fko(session, goal, "target", start, 1)
    fko(session, goal, "status", end, 2)
    first = ors_total(session, citizen, start, 18.0)
    first.citizen_comment = f"{name} siger: det går bedre"
    ors_total(session, citizen, end, 28.0)
    if close:
        close_plan(session, plan, end)
    session.flush()
    return citizen


@pytest.fixture()
def cast(session, w):  # type: ignore[no-untyped-def]
    gone = _citizen(session, w.t1, w.w1, "Gammel", date(2019, 1, 1), date(2020, 12, 31))
    recent = _citizen(session, w.t1, w.w1, "Nyere", date(2022, 1, 1), date(2023, 6, 30))
    active = _citizen(
        session, w.t1, w.w1, "Aktiv", date(2026, 1, 1), date(2026, 12, 31), close=False
    )
    login = make.user(
        session, Role.CITIZEN, citizen_id=gone.id, name="Gammel", email="gammel@test.dk"
    )
    invite(session, w.w1, gone, login.email, now=datetime(2020, 6, 1, tzinfo=UTC))
    scoring = session.scalars(
        select(Scoring).where(Scoring.citizen_id == gone.id, Scoring.instrument == "ORS")
    ).first()
    edit_scoring(
        session,
        w.w1,
        scoring,
        {
            "scored_on": scoring.scored_on,
            "participation": "together",
            "worker_note": "Gammel var træt",
        },
        {item.item: item.value for item in scoring.items},
        today=TODAY,
    )
    session.add(Reminder(citizen_id=gone.id, rule="ors", due_date=date(2021, 1, 1)))
    for at in (datetime(2020, 5, 1, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC)):
        session.add(
            AccessLog(
                actor_id=w.w1.id,
                actor_role="mestringsvejleder",
                citizen_id=gone.id,
                what="borgerside",
                at=at,
            )
        )
    session.commit()
    return gone, recent, active


def _texts(session, citizen_id: int) -> str:
    """Every text stored about her, in one string to search."""
    parts: list[str | None] = [
        session.get(Citizen, citizen_id).display_name,
        session.get(Citizen, citizen_id).case_ref,
    ]
    for goal in session.scalars(select(Goal).where(Goal.citizen_id == citizen_id)):
        parts += [goal.specific, goal.measurable, goal.realistic]
        for subgoal in goal.subgoals:
            parts += [subgoal.title, subgoal.approach, *(n.text for n in subgoal.notes)]
    for scoring in session.scalars(select(Scoring).where(Scoring.citizen_id == citizen_id)):
        parts += [scoring.citizen_comment, scoring.worker_note]
    parts += [u.name for u in session.scalars(select(User).where(User.citizen_id == citizen_id))]
    return " ".join(p for p in parts if p)


def test_only_citizens_gone_more_than_five_years_are_due(session, cast):
    gone, _recent, _active = cast
    assert [d.citizen_id for d in services.due(session, TODAY, 5)] == [gone.id]
    assert [d.ended for d in services.due(session, TODAY, 5)] == [date(2020, 12, 31)]
    assert len(services.due(session, TODAY, 2)) == 2  # the active one never


def test_anonymised_she_counts_the_same_and_nothing_names_her(session, cast):
    gone, recent, _active = cast
    year = Period(date(2020, 1, 1), date(2020, 12, 31))

    def numbers():  # type: ignore[no-untyped-def]
        return [
            compute(session, year, by=by, today=TODAY, min_cell=1) for by in (None, *BREAKDOWNS)
        ]

    before = numbers()
    assert before[0] != compute(
        session, Period(date(2010, 1, 1), date(2010, 12, 31)), today=TODAY, min_cell=1
    )  # she and the others count in 2020
    assert "Gammel" in _texts(session, gone.id)

    result = services.apply(session, TODAY, datetime(2026, 11, 23, 5, tzinfo=UTC), 5, 5)
    session.commit()
    session.expire_all()
    assert (result.anonymised, result.log_rows) == (1, 1)
    assert "Gammel" not in _texts(session, gone.id) and "SAG-" not in _texts(session, gone.id)
    assert (
        session.scalar(
            select(func.count())
            .select_from(SubGoalNote)
            .join(SubGoal)
            .join(Goal)
            .where(Goal.citizen_id == gone.id)
        )
        == 0
    )
    assert session.scalars(select(ScoringRevision)).all() == []
    assert session.scalars(select(Invitation)).all() == []
    assert session.scalars(select(Reminder)).all() == []
    login = session.scalars(select(User).where(User.citizen_id == gone.id)).one()
    assert not login.active and login.password_hash is None and "gammel" not in login.email
    assert numbers() == before
    assert "Nyere" in _texts(session, recent.id)  # within five years: untouched
    assert [a.at.year for a in session.scalars(select(AccessLog))] == [2025]
    assert services.due(session, TODAY, 5) == []  # done once


def test_the_dry_run_lists_ids_and_changes_nothing(app, session, cast):
    gone, _recent, _active = cast
    runner = app.test_cli_runner()
    app.config["BOSTOTTE_RETENTION_YEARS"] = 5
    result = runner.invoke(args=["bostotte", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"borger {gone.id} (Team Nord), afsluttet 2020-12-31" in result.output
    assert "Gammel" not in result.output and "Intet er ændret" in result.output
    session.expire_all()
    assert "Gammel" in _texts(session, gone.id)
    result = runner.invoke(args=["bostotte", "retention", "--apply"])
    assert result.exit_code == 0 and "1 borgere anonymiseret" in result.output
    session.expire_all()
    assert "Gammel" not in _texts(session, gone.id)


NOW = datetime(2026, 11, 23, 5, tzinfo=UTC)


def test_api_retry_keys_older_than_a_week_go(session, w):
    secret_holder, _ = tokens.create_personal(session, w.w1, "x", ["read:citizens"], 30, NOW)
    for key, age in (("old", timedelta(days=8)), ("recent", timedelta(days=6))):
        session.add(
            IdempotencyKey(
                token_id=secret_holder.id, key=key, request_hash="h", created_at=NOW - age
            )
        )
    session.commit()
    result = services.apply(session, TODAY, NOW, 5, 5)
    assert result.idempotency_keys == 1
    assert session.scalars(select(IdempotencyKey.key)).all() == ["recent"]
