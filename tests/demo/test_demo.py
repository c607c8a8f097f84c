"""The demo data: what the CLI's `flask bostotte demo` loads."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from bostotte.auth.models import Role, Team, User, user_teams
from bostotte.auth.services import authenticate
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session
from bostotte.common.time import add_months, utcnow
from bostotte.demo.history import FORMER
from bostotte.demo.history import TEAM_NAME as HISTORY_TEAM
from bostotte.demo.services import LOGINS_TEXT, database_state, load_demo
from bostotte.goals.models import THEMES, Goal, SubGoal, SubGoalNote
from bostotte.progress import services as progress
from bostotte.scoring.models import Scoring, ScoringRevision

TODAY = date(2026, 11, 23)
LOGINS = {
    "admin@demo.dk": Role.ADMIN,
    "leder@demo.dk": Role.LEADER,
    "vejleder@demo.dk": Role.WORKER,
    "vejleder2@demo.dk": Role.WORKER,
    "myndighed@demo.dk": Role.AUTHORITY,
    "borger@demo.dk": Role.CITIZEN,
}


def _user(session: Session, email: str) -> User:
    return session.scalars(select(User).where(User.email == email)).one()


def _scorings(session: Session, **where: object) -> list[Scoring]:
    return list(session.scalars(select(Scoring).filter_by(**where)))


def fingerprint(session: Session) -> list[Any]:
    """Everything a user sees, without ids or timestamps."""
    rows: list[Any] = []
    for c in session.scalars(select(Citizen).order_by(Citizen.case_ref)):
        rows.append(
            (
                c.display_name,
                c.case_ref,
                c.birth_year,
                c.gender,
                c.legal_basis,
                c.start_date,
                c.end_date,
                tuple(c.methods),
                c.pakke1,
            )
        )
    rows += session.execute(
        select(Citizen.case_ref, Goal.specific, Goal.status, Goal.created_on, Goal.target_date)
        .join(Goal.citizen)
        .order_by(Citizen.case_ref, Goal.created_on, Goal.specific)
    ).all()
    rows += session.execute(
        select(SubGoal.title, SubGoal.status, SubGoalNote.noted_on, SubGoalNote.text)
        .join(SubGoal.notes)
        .order_by(SubGoalNote.noted_on, SubGoal.title, SubGoalNote.text)
    ).all()
    rows += session.execute(
        select(
            Citizen.case_ref,
            Scoring.instrument,
            Scoring.occasion,
            Scoring.scored_on,
            Scoring.total,
            Scoring.participation,
        )
        .join(Citizen, Scoring.citizen_id == Citizen.id)
        .order_by(
            Citizen.case_ref, Scoring.instrument, Scoring.scored_on, Scoring.occasion, Scoring.total
        )
    ).all()
    return rows


def test_database_state_empty(session):
    assert database_state(session) == "empty"


def test_same_today_gives_the_same_data(session):
    first_summary = load_demo(session, TODAY)
    first = fingerprint(session)
    session.rollback()  # back to an empty database
    assert database_state(session) == "empty"
    assert load_demo(session, TODAY) == first_summary
    assert fingerprint(session) == first
    assert "40 borgere" in first_summary


def test_demo_data(session):
    summary = load_demo(session, TODAY)
    session.commit()
    assert summary.startswith("Demodata er indlæst") and "40 borgere" in summary
    assert database_state(session) == "demo"
    check_history(session, summary)
    check_logins(session)
    check_citizens(session)
    check_plans_and_goals(session)
    check_scorings(session)
    session.add(Team(name="Rigtigt team"))
    session.commit()
    assert database_state(session) == "data"


def check_history(session: Session, summary: str) -> None:
    """The former citizens behind the expected curves: closed, in a team of their own that no
    staff belongs to; enough courses for a curve in the bands the demo's citizens start in.
    Then taken out, so the checks below see the forty citizens of today."""
    team = session.scalar(select(Team).where(Team.name == HISTORY_TEAM))
    assert team is not None and team.is_demo
    assert not session.scalar(
        select(func.count()).select_from(user_teams).where(user_teams.c.team_id == team.id)
    )
    former = list(session.scalars(select(Citizen).where(Citizen.team_id == team.id)))
    assert len(former) == FORMER and f"Desuden {FORMER} tidligere borgere" in summary
    assert all(c.end_date and c.end_date < TODAY for c in former)
    assert not session.scalar(
        select(func.count())
        .select_from(Plan)
        .where(Plan.citizen_id.in_([c.id for c in former]), Plan.status == "active")
    )
    ors = progress.kept.get(session, "ORS", TODAY)
    assert sum(ors.curve(band).shown for band in ors.courses) >= 3
    fko = progress.kept.get(session, "FKO", TODAY)
    assert any(fko.curve(band).shown for band in fko.courses)
    session.execute(delete(Citizen).where(Citizen.team_id == team.id))  # cascades
    session.execute(delete(Team).where(Team.id == team.id))
    session.commit()
    session.expire_all()


def check_logins(session: Session) -> None:
    for email, role in LOGINS.items():
        assert email in LOGINS_TEXT
        user = authenticate(session, email, "demo1234", utcnow())
        assert user is not None and user.role == role and user.is_demo, email
    teams = {t.name: t for t in session.scalars(select(Team))}
    assert set(teams) == {"Team Nord", "Team Syd"}
    assert {t.name for t in _user(session, "leder@demo.dk").teams} == set(teams)
    assert [t.name for t in _user(session, "vejleder@demo.dk").teams] == ["Team Nord"]
    assert [t.name for t in _user(session, "vejleder2@demo.dk").teams] == ["Team Syd"]
    assert _user(session, "admin@demo.dk").teams == []
    borger = _user(session, "borger@demo.dk").citizen
    assert borger is not None and borger.team.name == "Team Nord"
    assert borger.methods == ["FKO", "FIT", "REM"] and len(borger.plans) >= 2


def check_citizens(session: Session) -> None:
    citizens = list(session.scalars(select(Citizen)))
    assert len(citizens) == 40 and all(c.is_demo for c in citizens)
    assert len({c.display_name for c in citizens}) == 40
    assert Counter(c.team.name for c in citizens) == {"Team Nord": 20, "Team Syd": 20}
    ages = [TODAY.year - c.birth_year for c in citizens]
    assert min(ages) >= 18 and max(ages) <= 75
    assert all(
        any(lo <= a <= hi for a in ages) for lo, hi in ((18, 29), (30, 49), (50, 64), (65, 120))
    )
    assert {c.gender for c in citizens} == {"k", "m", "a"}
    authority = _user(session, "myndighed@demo.dk")
    assert sum(c.caseworker_id == authority.id for c in citizens) > 20
    assert len({c.primary_worker_id for c in citizens}) > 2
    assert sum(c.uses_fko for c in citizens) > 30
    assert 15 <= sum(c.uses_fit for c in citizens) <= 25
    assert 10 <= sum(c.uses_rem for c in citizens) <= 16
    assert any(c.pakke1 for c in citizens)
    assert {c.legal_basis for c in citizens} == {"§85", "§82b"}
    assert all(TODAY - timedelta(days=731) <= c.start_date <= TODAY for c in citizens)


def check_plans_and_goals(session: Session) -> None:
    for plan in session.scalars(select(Plan).where(Plan.status == "active")):
        assert 1 <= len(plan.active_goals) <= 3
    for plan in session.scalars(select(Plan).where(Plan.legal_basis == "§82b")):
        assert plan.end_date <= add_months(plan.start_date, 6)
        assert plan.sessions_granted == 10 and 0 <= (plan.sessions_used or 0) <= 10
    # One citizen went from a §82b forløb to §85 with her goals carried over.
    replaced = session.scalars(select(Goal).where(Goal.status == "replaced")).all()
    assert replaced
    new_plan = replaced[0].citizen.active_plan
    assert new_plan is not None and new_plan.legal_basis == "§85"
    assert replaced[0].specific in {g.specific for g in new_plan.goals}
    goals = list(session.scalars(select(Goal)))
    assert {g.theme for g in goals} == set(THEMES)
    assert len({g.specific for g in goals}) >= 25
    assert {g.status for g in goals} >= {"active", "achieved", "partly_achieved", "abandoned"}
    assert all(g.close_reason for g in goals if g.status == "abandoned")
    assert all(g.agreed and (g.measurable or "").startswith("Vi kan se det") for g in goals)
    assert all(1 <= len(g.subgoals) <= 3 for g in goals if g.status != "replaced")
    assert (session.scalar(select(func.max(SubGoalNote.noted_on))) or TODAY) <= TODAY


def check_scorings(session: Session) -> None:
    instruments = set(session.scalars(select(Scoring.instrument).distinct()))
    assert instruments == {"FKO", "ORS", "SRS", "REM"}
    assert (session.scalar(select(func.max(Scoring.scored_on))) or TODAY) <= TODAY
    pakke1 = session.scalars(select(Citizen.id).where(Citizen.pakke1.is_(True))).all()
    assert (
        pakke1
        and not session.scalars(
            select(Scoring).where(Scoring.instrument == "REM", Scoring.citizen_id.in_(pakke1))
        ).all()
    )
    for s in _scorings(session, instrument="FKO", occasion="baseline"):
        assert s.scored_by is not None and s.scored_by.role == Role.AUTHORITY
        assert 2 <= s.total <= 4
    participation = Counter((s.instrument, s.participation) for s in _scorings(session))
    assert participation[("ORS", "worker_draft")] == 1
    assert participation[("ORS", "disagreed")] == 1 and participation[("REM", "disagreed")] == 1
    assert all(s.citizen_values for s in _scorings(session, participation="disagreed"))
    assert (session.scalar(select(func.count()).select_from(ScoringRevision)) or 0) >= 2
    # Overdue quarterly FKO statuses, for the reminders.
    overdue = 0
    for goal in session.scalars(select(Goal).where(Goal.status == "active")):
        last = session.scalar(
            select(func.max(Scoring.scored_on)).where(
                Scoring.goal_id == goal.id, Scoring.occasion.in_(("baseline", "status"))
            )
        )
        overdue += last is not None and (TODAY - last).days > 100
    assert overdue >= 3
    # ORS: most improve, at least one reliably declines.
    changes = []
    for citizen_id in session.scalars(select(Citizen.id).where(Citizen.uses_fit.is_(True))):
        totals = [
            s.total
            for s in sorted(
                _scorings(session, citizen_id=citizen_id, instrument="ORS"),
                key=lambda s: s.scored_on,
            )
        ]
        if len(totals) >= 2:
            changes.append(totals[-1] - totals[0])
    assert any(c <= -5 for c in changes)
    assert sum(c > 0 for c in changes) > len(changes) / 2


def test_cli_loads_once_and_keeps_her_changes(app, session):

    runner = app.test_cli_runner()
    first = runner.invoke(args=["bostotte", "demo", "--if-empty", "--today", "2026-11-23"])
    assert first.exit_code == 0 and "Demodata er indlæst" in first.output
    session.add(Team(name="Hendes eget team"))  # a change of hers: no longer only demo data
    session.commit()
    again = runner.invoke(args=["bostotte", "demo", "--if-empty"])
    assert again.exit_code == 0
    assert "indlæses ikke igen" in again.output and "vejleder@demo.dk" in again.output
    refused = runner.invoke(args=["bostotte", "demo"])
    assert refused.exit_code == 1 and "ikke er demodata" in refused.output
