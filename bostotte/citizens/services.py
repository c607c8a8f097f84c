from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from bostotte.auth.models import Role, Team, User
from bostotte.auth.permissions import CitizenFlags, citizen_flags, citizen_scope
from bostotte.charts.citizen import CitizenCharts, citizen_charts
from bostotte.citizens.models import MONTHS_82B, SESSIONS_82B, Citizen, Plan
from bostotte.common.dates import clamped
from bostotte.common.db import Session
from bostotte.common.schema import DomainError
from bostotte.common.time import add_months
from bostotte.common.versions import expect_version
from bostotte.goals import history
from bostotte.goals.models import (
    MAX_ACTIVE_GOALS,
    OPEN_SUBGOAL_STATUSES,
    Goal,
    SubGoal,
    SubGoalNote,
)
from bostotte.instruments import Instrument
from bostotte.invitations.services import CitizenAccess, citizen_access
from bostotte.portal.services import CitizenVoice, citizen_voice
from bostotte.progress.services import expected_for
from bostotte.reminders.cadence import (
    RULES,
    CitizenFacts,
    Due,
    due_items,
    next_scoring_due,
    reminders_due,
)
from bostotte.reminders.signals import unseen_counts
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import instruments_for, scorings_for


@dataclass(frozen=True)
class CitizenRow:
    citizen: Citizen
    plan: Plan | None
    active_goals: int
    next_due: Due | None
    signals: int = 0  # signals nobody has marked as seen yet


def teams_for(session: Session, user: User) -> list[Team]:
    """Teams a user may put a citizen in: her own, or all for myndighed."""
    if user.role == Role.AUTHORITY:
        return list(session.scalars(select(Team).order_by(Team.name)))
    return sorted(user.teams, key=lambda t: t.name)


# Targets are set once by myndighed; they are not a follow-up, so no cadence counts them.
NOT_A_FOLLOW_UP = "target"


def last_scored_dates(
    session: Session, citizen_ids: list[int]
) -> dict[int, dict[tuple[str, int | None], date]]:
    """Latest scoring date per citizen, instrument and goal: one grouped query."""
    rows = session.execute(
        select(Scoring.citizen_id, Scoring.instrument, Scoring.goal_id, func.max(Scoring.scored_on))
        .where(
            Scoring.citizen_id.in_(citizen_ids),
            func.coalesce(Scoring.occasion, "") != NOT_A_FOLLOW_UP,
        )
        .group_by(Scoring.citizen_id, Scoring.instrument, Scoring.goal_id)
    ).all()
    result: dict[int, dict[tuple[str, int | None], date]] = {}
    for citizen_id, instrument, goal_id, last in rows:
        result.setdefault(citizen_id, {})[(instrument, goal_id)] = last
    return result


def facts_for(
    citizen: Citizen, last: dict[tuple[str, int | None], date], today: date
) -> CitizenFacts:
    plan = citizen.active_plan
    # Clamped: the cadence's date arithmetic must not overflow on a date stored before the
    # domain's window was enforced (common/dates.py).
    return CitizenFacts(
        uses_fko=citizen.uses_fko,
        uses_fit=citizen.uses_fit,
        uses_rem=citizen.uses_rem,
        pakke1=citizen.pakke1,
        legal_basis=citizen.legal_basis,
        start_date=clamped(citizen.start_date),
        plan_start=clamped(plan.start_date) if plan else None,
        plan_end=clamped(plan.end_date) if plan else None,
        active_goals=tuple(
            (g.id, g.target_date and clamped(g.target_date)) for g in plan.active_goals
        )
        if plan
        else (),
        last_scored={key: clamped(day) for key, day in last.items()},
        ended=plan is None and citizen.end_date is not None and citizen.end_date <= today,
        rhythm=citizen.rhythm,
    )


def list_citizens(
    session: Session,
    user: User,
    today: date,
    *,
    search: str | None = None,
    team_id: int | None = None,
    only_mine: bool = False,
) -> list[CitizenRow]:
    """The citizens `user` may see, with plan, goals, next scoring due and the number of
    signals not yet seen (a fixed number of queries, pinned in tests/test_query_counts.py)."""
    query = (
        select(Citizen)
        .where(citizen_scope(user))
        .options(selectinload(Citizen.team), selectinload(Citizen.plans).joinedload(Plan.goals))
        .order_by(Citizen.display_name)
    )
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(Citizen.display_name).like(pattern)
            | func.lower(Citizen.case_ref).like(pattern)
        )
    if team_id:
        query = query.where(Citizen.team_id == team_id)
    if only_mine:
        query = query.where(Citizen.primary_worker_id == user.id)
    citizens = list(session.scalars(query))
    last = last_scored_dates(session, [c.id for c in citizens])
    facts = {c.id: facts_for(c, last.get(c.id, {}), today) for c in citizens}
    signals = unseen_counts(session, [c for c in citizens if not facts[c.id].ended])
    rows = []
    for c in citizens:
        plan = c.active_plan
        rows.append(
            CitizenRow(
                c,
                plan,
                len(plan.active_goals) if plan else 0,
                next_scoring_due(facts[c.id]),
                signals.get(c.id, 0),
            )
        )
    return rows


def _check_refs(session: Session, user: User, data: dict[str, Any]) -> None:
    if data["team_id"] not in {t.id for t in teams_for(session, user)}:
        raise DomainError("Vælg et af dine teams.", "team_id")
    for field, role in (("caseworker_id", Role.AUTHORITY), ("primary_worker_id", Role.WORKER)):
        if data.get(field) is not None:
            other = session.get(User, data[field])
            if other is None or other.role != role or not other.active:
                raise DomainError("Vælg en af mulighederne.", field)
    if not (data.get("uses_fko") or data.get("uses_fit") or data.get("uses_rem")):
        raise DomainError("Vælg mindst én metode.", "methods")


def check_external_id(
    session: Session, model: Any, external_id: str | None, record_id: int | None = None
) -> None:
    """The id a municipality's own system gives (the API and import carry it): unique."""
    if external_id and session.scalar(
        select(model.id)
        .where(model.external_id == external_id, model.id != (record_id or 0))
        .limit(1)
    ):
        raise DomainError("Id'et bruges allerede af en anden.", "external_id")


def create_citizen(session: Session, user: User, data: dict[str, Any]) -> Citizen:
    _check_refs(session, user, data)
    check_external_id(session, Citizen, data.get("external_id"))
    citizen = Citizen(**data)
    if user.role == Role.AUTHORITY and citizen.caseworker_id is None:
        citizen.caseworker_id = user.id
    session.add(citizen)
    session.flush()
    return citizen


def update_citizen(
    session: Session,
    user: User,
    citizen: Citizen,
    data: dict[str, Any],
    version: int | None = None,
) -> Citizen:
    """`version`: the one the form was opened at (None: the one this request read)."""
    expect_version(session, citizen, version)
    _check_refs(session, user, data)
    check_external_id(session, Citizen, data.get("external_id"), citizen.id)
    for key, value in data.items():
        setattr(citizen, key, value)
    session.flush()
    return citizen


def create_plan(session: Session, citizen: Citizen, data: dict[str, Any]) -> Plan:
    if citizen.active_plan is not None:
        raise DomainError("Borgeren har allerede en aktiv plan. Afslut den, før du opretter en ny.")
    plan = Plan(citizen=citizen, status="active", **data)
    if plan.legal_basis == "§82b":
        # §82b: up to 10 sessions within 6 months, extendable by 10 more (seed 004).
        if plan.end_date > add_months(plan.start_date, MONTHS_82B):
            raise DomainError(f"Et § 82 b-forløb kan højst vare {MONTHS_82B} måneder.", "end_date")
        plan.sessions_granted = plan.sessions_granted or SESSIONS_82B
        plan.sessions_used = plan.sessions_used or 0
        if plan.sessions_granted > 2 * SESSIONS_82B:
            raise DomainError("Et § 82 b-forløb kan højst have 20 samtaler.", "sessions_granted")
    session.add(plan)
    session.flush()
    return plan


def register_session(session: Session, plan: Plan) -> Plan:
    """One more §82b conversation used."""
    if plan.sessions_granted is None or plan.status != "active":
        raise DomainError("Samtaler tælles kun i et aktivt § 82 b-forløb.")
    if (plan.sessions_used or 0) >= plan.sessions_granted:
        raise DomainError(
            "Alle bevilgede samtaler er brugt. Forlæng forløbet med "
            f"{SESSIONS_82B} samtaler, eller afslut det."
        )
    plan.sessions_used = (plan.sessions_used or 0) + 1
    session.flush()
    return plan


def extend_82b(session: Session, plan: Plan) -> Plan:
    """A §82b forløb can be extended once by 10 more sessions (seed 004, l. 836-842)."""
    if plan.sessions_granted is None or plan.status != "active":
        raise DomainError("Kun et aktivt § 82 b-forløb kan forlænges.")
    if plan.sessions_granted >= 2 * SESSIONS_82B:
        raise DomainError("Forløbet er allerede forlænget. Det kan kun forlænges én gang.")
    plan.sessions_granted += SESSIONS_82B
    session.flush()
    return plan


def close_plan(session: Session, plan: Plan, closed_on: date, version: int | None = None) -> None:
    """`version`: the plan's, as the form was opened at (None: as this request read it)."""
    expect_version(session, plan, version)
    if plan.status != "active":
        raise DomainError("Planen er allerede afsluttet.")
    if closed_on < plan.start_date:
        raise DomainError("Afslutningsdatoen ligger før planens start.", "closed_on")
    plan.status = "closed"
    plan.end_date = closed_on
    session.flush()


def carry_over_goals(
    session: Session, old: Plan, new: Plan, today: date, actor: User | None = None
) -> list[Goal]:
    """§82b → §85: the active goals and their open delmål continue in the new plan; the old
    goals are marked 'replaced'. Target dates are kept: the worker revises them with the
    citizen in the new plan."""
    carried = []
    for goal in old.active_goals[:MAX_ACTIVE_GOALS]:
        clone = Goal(
            plan=new,
            citizen_id=new.citizen_id,
            theme=goal.theme,
            specific=goal.specific,
            measurable=goal.measurable,
            agreed=goal.agreed,
            agreed_on=goal.agreed_on,
            realistic=goal.realistic,
            target_date=goal.target_date,
            created_on=today,
            created_by=actor,
            subgoals=[
                SubGoal(
                    title=sg.title,
                    method=sg.method,
                    approach=sg.approach,
                    target_date=sg.target_date,
                    status=sg.status,
                    created_on=today,
                )
                for sg in goal.subgoals
                if sg.status in OPEN_SUBGOAL_STATUSES
            ],
        )
        session.add(clone)
        history.change(  # closed as any goal is: kept in its history
            session,
            actor,
            goal,
            {"status": "replaced", "closed_on": today, "close_reason": "Videreført i ny plan"},
        )
        carried.append(clone)
    session.flush()
    return carried


@dataclass(frozen=True)
class DueLine:
    """One thing falling due for the citizen (the cadence rules Mine opgaver follows too)."""

    due: Due
    task: str  # what to do, in Danish
    goal: Goal | None
    subgoal: SubGoal | None
    days: int  # days until the due date: negative when overdue, 0 today


@dataclass(frozen=True)
class CitizenPage:
    """Everything the worker's citizen page shows, read in one call."""

    citizen: Citizen
    plan: Plan | None
    closed_plans: list[Plan]
    instruments: list[Instrument]
    by_instrument: dict[str, list[Scoring]]  # newest first
    charts: CitizenCharts
    voice: CitizenVoice
    access: CitizenAccess | None  # only for those who may invite her
    flags: CitizenFlags
    due: list[DueLine]  # what shows in Mine opgaver today, overdue first
    next_due: DueLine | None  # when nothing is due yet: the nearest date
    # The quick-action bar's choices, empty when she may not use them: the open delmål a
    # note can go to (the nearest target date first) and the goals a delmål can be added to.
    note_targets: list[SubGoal]
    subgoal_goals: list[Goal]
    max_goals: int = MAX_ACTIVE_GOALS
    open_subgoal_statuses: tuple[str, ...] = OPEN_SUBGOAL_STATUSES  # shown first; others fold


def _last_scored(scorings: list[Scoring]) -> dict[tuple[str, int | None], date]:
    """last_scored_dates for one citizen from her scorings already loaded (newest first)."""
    last: dict[tuple[str, int | None], date] = {}
    for s in scorings:
        if s.occasion != NOT_A_FOLLOW_UP:
            last.setdefault((s.instrument, s.goal_id), s.scored_on)
    return last


def _due_lines(
    citizen: Citizen, scorings: list[Scoring], today: date
) -> tuple[list[DueLine], DueLine | None]:
    # reminders.sync imports this module; its facts add the open delmål the page has loaded.
    from bostotte.reminders.sync import citizen_facts  # noqa: PLC0415

    facts = citizen_facts(citizen, _last_scored(scorings), today)
    plan = citizen.active_plan
    goals = {g.id: g for g in plan.goals} if plan else {}
    subgoals = {sg.id: sg for g in goals.values() for sg in g.subgoals}

    def line(d: Due) -> DueLine:
        return DueLine(
            d,
            RULES[d.rule].task,
            goals.get(d.goal_id) if d.goal_id else None,
            subgoals.get(d.subgoal_id) if d.subgoal_id else None,
            (d.due - today).days,
        )

    due = [line(d) for d in reminders_due(facts, today)]
    upcoming = due_items(facts)
    return due, (line(upcoming[0]) if upcoming and not due else None)


def _quick_choices(plan: Plan | None, flags: CitizenFlags) -> tuple[list[SubGoal], list[Goal]]:
    if plan is None or not (flags.can_edit and flags.can_edit_subgoals):
        return [], []
    goals = plan.active_goals
    open_subgoals = [sg for g in goals for sg in g.subgoals if sg.status in OPEN_SUBGOAL_STATUSES]
    open_subgoals.sort(key=lambda sg: (sg.target_date is None, sg.target_date or date.min))
    return open_subgoals, list(goals)


def citizen_page(
    session: Session, user: User, citizen: Citizen, *, today: date, now: datetime
) -> CitizenPage:
    """The citizen page's data; `citizen` comes from `auth.permissions.citizen_for`.

    A fixed number of queries whatever her history: the plans with their goals, delmål,
    notes and authors are loaded in one go, the scorings with theirs."""
    plans = list(
        session.scalars(
            select(Plan)
            .where(Plan.citizen_id == citizen.id)
            .order_by(Plan.start_date.desc())
            .options(
                selectinload(Plan.goals)
                .selectinload(Goal.subgoals)
                .selectinload(SubGoal.notes)
                .selectinload(SubGoalNote.author)
            )
        )
    )
    set_committed_value(citizen, "plans", plans)  # citizen.active_plan needs no query
    scorings = scorings_for(session, citizen.id)
    by_instrument: dict[str, list[Scoring]] = {}
    for s in scorings:
        by_instrument.setdefault(s.instrument, []).append(s)
    used = instruments_for(citizen)
    flags = citizen_flags(user, citizen, [i.id for i in used])
    due, next_due = _due_lines(citizen, scorings, today)
    note_targets, subgoal_goals = _quick_choices(citizen.active_plan, flags)
    return CitizenPage(
        citizen=citizen,
        plan=citizen.active_plan,
        closed_plans=[p for p in plans if p.status != "active"],
        instruments=used,
        by_instrument=by_instrument,
        charts=citizen_charts(
            citizen,
            scorings,
            today=today,
            goals=[g for p in plans for g in p.goals],
            expected=expected_for(session, citizen, scorings, today),
        ),
        voice=citizen_voice(session, citizen.id),
        access=citizen_access(session, citizen.id, now) if flags.can_invite else None,
        flags=flags,
        due=due,
        next_due=next_due,
        note_targets=note_targets,
        subgoal_goals=subgoal_goals,
    )
