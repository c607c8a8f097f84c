"""Who may see and do what with which citizen: the one place these rules live.

Every view, the CLI and (later) the API go through the entry points below: `requires` for a
page that is not about one citizen, and `citizen_for`, `plan_for`, `goal_for`, `subgoal_for`
and `scoring_for` for one that is. They raise a `Denied` error that the app maps to a page
once (`bostotte/__init__.py`), and each writes the access-log row of a read once the whole
path (citizen, then her record) resolved: their own 404 or 403 is no read.

The answers, the same everywhere:

- not logged in: the login page (Flask-Login);
- 403 when the role may never do this kind of thing (a citizen on a worker's page, a leader on
  an edit form, the administrator on any record). It is decided before any lookup, so it says
  nothing about whether the citizen exists;
- 404 when the citizen (or her plan, goal, delmål or scoring) does not exist or is outside the
  user's scope: a worker or leader sees the citizens of her teams, myndighed the citizens she
  referred, a citizen only herself. Never a hint that the record exists;
- 403 when she may read the record but this action on it is not hers (e.g. an FKO occasion
  that myndighed records, opened by a worker).

A leader reads her teams' records (the list of citizens, a citizen's pages) only when the
municipality's administrator allows it (the setting `leader_reads_records`, off by default:
issue 24). Otherwise she sees the aggregates (statistics, documentation on time, tasks over
the deadline) and every record route answers 403 with a page that says why. `may` decides it
for the web, the API and the menu alike; `citizen_scope` and `can_view` select no citizen for
her then, so no list built on them can show one either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from operator import attrgetter
from typing import Any, TypeVar

from flask import current_app, has_request_context, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, false, select

from bostotte import instruments
from bostotte.audit.services import log_access
from bostotte.auth.models import Role, User, user_teams
from bostotte.auth.services import setting
from bostotte.citizens.models import SESSIONS_82B, Citizen, Plan
from bostotte.common.db import Session
from bostotte.extensions import db
from bostotte.goals.models import MAX_ACTIVE_GOALS, Goal, SubGoal
from bostotte.scoring.models import Scoring
from bostotte.stats.queries import Scope

F = TypeVar("F", bound=Callable[..., Any])


class Action(StrEnum):
    """What a user wants to do; each maps to the roles that may ever do it."""

    READ = "read"  # the staff pages of a citizen's record
    EDIT = "edit"  # citizen details, plan, goals (indsatsmål)
    SUPPORT = "support"  # the provider's work: delmål, their notes, § 82 b sessions
    SCORE = "score"  # the staff scoring form (the occasion decides further)
    INVITE = "invite"  # the citizen's login to her own pages
    OWN = "own"  # the citizen's own pages (/mig)
    LIST = "list"  # the list of citizens
    CREATE = "create"  # a new citizen
    TASKS = "tasks"  # Mine opgaver and signals
    OVERVIEW = "overview"  # the leader's reminders overview
    STATS = "stats"  # the statistics (aggregates only)
    LEAD = "lead"  # the leader's part of them: targets, the report, documentation per worker
    WORKLIST = "worklist"  # myndighed's worklist of her referred citizens
    ADMIN = "admin"  # teams and staff logins
    KEEP_ALIVE = "keep_alive"  # a long staff form keeps her login alive while she types
    TILSYN = "tilsyn"  # /tilsyn: the leader's visits; a worker's handleplan actions


STAFF = frozenset({Role.WORKER, Role.LEADER, Role.AUTHORITY})
EDITORS = frozenset({Role.WORKER, Role.AUTHORITY})
# An integration (a service token's user, API only) reads and writes what a worker of its
# teams may, and reads its teams' statistics; its token's scopes narrow it further.
SERVICE = frozenset({Role.SERVICE})

ROLES: dict[Action, frozenset[Role]] = {
    Action.READ: STAFF | SERVICE,
    Action.EDIT: EDITORS | SERVICE,
    # Myndighed sets the indsatsmål; the steps towards them are the provider's (issue 20).
    Action.SUPPORT: frozenset({Role.WORKER}) | SERVICE,
    Action.SCORE: EDITORS | SERVICE,
    Action.INVITE: frozenset({Role.WORKER}),
    Action.OWN: frozenset({Role.CITIZEN}),
    Action.LIST: STAFF | SERVICE,
    Action.CREATE: EDITORS | SERVICE,
    Action.TASKS: frozenset({Role.WORKER}),
    Action.OVERVIEW: frozenset({Role.LEADER}),
    # Myndighed reads the numbers of the citizens she referred (stats_scope).
    Action.STATS: frozenset({Role.LEADER, Role.AUTHORITY}) | SERVICE,
    Action.LEAD: frozenset({Role.LEADER}),
    Action.WORKLIST: frozenset({Role.AUTHORITY}),
    Action.ADMIN: frozenset({Role.ADMIN}),
    Action.KEEP_ALIVE: STAFF | {Role.ADMIN},
    Action.TILSYN: frozenset({Role.LEADER, Role.WORKER}),
}


# What a leader may do only when the municipality lets leaders read their teams' records.
LEADER_RECORD_ACTIONS = frozenset({Action.READ, Action.LIST})
LEADER_RECORDS_CLOSED = (
    "Som leder ser du tal for dine teams: statistik, dokumentation til tiden og opgaver over "
    "fristen. Jeres kommune har valgt, at ledere ikke læser den enkelte borgers journal. "
    "Administratoren kan ændre det under Administration."
)


def leaders_read_records() -> bool:
    """The administrator's setting: may leaders read their teams' citizens' records?"""
    return setting(db.session, "leader_reads_records", current_app.config)


def _closed_to_leader(user: Any, action: Action | None) -> bool:
    """A record she would read as leader, while the municipality does not allow it."""
    return (
        user.role == Role.LEADER
        and (action is None or action in LEADER_RECORD_ACTIONS)
        and not leaders_read_records()
    )


class Denied(Exception):
    """Base of the two answers; the app maps each to its page (and the API to JSON)."""

    status = 403


class NotFound(Denied):
    """Absent or outside the user's scope: indistinguishable on purpose."""

    status = 404


class Forbidden(Denied):
    status = 403


def may(user: Any, action: Action) -> bool:
    """May this user ever do `action` (whatever the citizen)?"""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.role in ROLES[action]
        and not _closed_to_leader(user, action)
    )


def refusal(user: Any, action: Action) -> Forbidden:
    """The 403 for a user who may not do `action`: with the reason when it is the
    municipality's choice rather than her role's."""
    if bool(getattr(user, "is_authenticated", False)) and _closed_to_leader(user, action):
        return Forbidden(LEADER_RECORDS_CLOSED)
    return Forbidden()


def requires(action: Action) -> Callable[[F], F]:
    """Login required, and a role that may do `action`; anyone else gets 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not may(current_user, action):
                raise refusal(current_user, action)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def citizen_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the citizens `user` may read."""
    if _closed_to_leader(user, None):
        return false()
    match user.role:
        case Role.WORKER | Role.LEADER | Role.SERVICE:
            teams = select(user_teams.c.team_id).where(user_teams.c.user_id == user.id)
            return Citizen.team_id.in_(teams)
        case Role.AUTHORITY:
            return Citizen.caseworker_id == user.id
        case Role.CITIZEN if user.citizen_id is not None:
            return Citizen.id == user.citizen_id
        case _:
            # The administrator manages users and teams but reads no citizen record.
            return false()


def can_view(user: User, citizen: Citizen) -> bool:
    """`citizen_scope` for one citizen already loaded."""
    if _closed_to_leader(user, None):
        return False
    match user.role:
        case Role.WORKER | Role.LEADER | Role.SERVICE:
            return citizen.team_id in user.team_ids
        case Role.AUTHORITY:
            return citizen.caseworker_id == user.id
        case Role.CITIZEN:
            return citizen.id == user.citizen_id
        case _:
            return False


def citizen_for(
    session: Session, user: User, citizen_id: int | None, what: str, action: Action = Action.READ
) -> Citizen:
    """The citizen if `user` may do `action` on her record (see the module's docstring).

    Every successful call is an access to her record and is written to the access log as
    `what` (flushed: the request, command or job commits it).
    """
    citizen = _citizen(session, user, citizen_id, action)
    _log_read(session, user, citizen, what)
    return citizen


def _citizen(session: Session, user: User, citizen_id: int | None, action: Action) -> Citizen:
    """`citizen_for` without the log: for the entry points that resolve more first."""
    if not may(user, action):
        raise refusal(user, action)
    citizen = session.get(Citizen, citizen_id) if citizen_id is not None else None
    if citizen is None or not can_view(user, citizen):
        raise NotFound
    return citizen


def _log_read(session: Session, user: User, citizen: Citizen, what: str) -> None:
    log_access(session, user, citizen.id, what, request.path if has_request_context() else None)


R = TypeVar("R", Plan, Goal, SubGoal, Scoring)


def _hers(
    session: Session,
    user: User,
    citizen_id: int,
    model: type[R],
    record_id: int,
    what: str,
    action: Action,
    owner: Callable[[R], int] = attrgetter("citizen_id"),
) -> tuple[Citizen, R]:
    """Her plan, goal, delmål or scoring: the citizen's entry point first, then the record
    must be hers (else 404). Logged only once the whole path resolved: a guessed id that
    answers 404 read nothing of her record."""
    citizen, record = _resolve(session, user, citizen_id, model, record_id, action, owner)
    _log_read(session, user, citizen, what)
    return citizen, record


def _resolve(
    session: Session,
    user: User,
    citizen_id: int,
    model: type[R],
    record_id: int,
    action: Action,
    owner: Callable[[R], int],
) -> tuple[Citizen, R]:
    citizen = _citizen(session, user, citizen_id, action)
    record = session.get(model, record_id)
    if record is None or owner(record) != citizen.id:
        raise NotFound
    return citizen, record


def plan_for(
    session: Session,
    user: User,
    citizen_id: int,
    plan_id: int,
    what: str,
    action: Action = Action.EDIT,
) -> tuple[Citizen, Plan]:
    return _hers(session, user, citizen_id, Plan, plan_id, what, action)


def goal_for(
    session: Session,
    user: User,
    citizen_id: int,
    goal_id: int,
    what: str,
    action: Action = Action.EDIT,
) -> tuple[Citizen, Goal]:
    return _hers(session, user, citizen_id, Goal, goal_id, what, action)


def subgoal_for(
    session: Session,
    user: User,
    citizen_id: int,
    subgoal_id: int,
    what: str,
    action: Action = Action.EDIT,
) -> tuple[Citizen, SubGoal]:
    return _hers(session, user, citizen_id, SubGoal, subgoal_id, what, action, owner=_subgoal_owner)


def _subgoal_owner(subgoal: SubGoal) -> int:
    return subgoal.goal.citizen_id


def scoring_for(
    session: Session,
    user: User,
    citizen_id: int,
    scoring_id: int,
    what: str,
    action: Action = Action.READ,
) -> tuple[Citizen, Scoring]:
    """To change a scoring (`Action.SCORE`) she must also be one who records its
    instrument's occasion (else 403)."""
    citizen, scoring = _resolve(
        session, user, citizen_id, Scoring, scoring_id, action, attrgetter("citizen_id")
    )
    if action == Action.SCORE and not may_record(user, scoring.instrument, scoring.occasion):
        raise Forbidden
    _log_read(session, user, citizen, what)
    return citizen, scoring


def may_record(user: User, instrument_id: str, occasion: str | None) -> bool:
    """Who records which instrument and occasion is data (the instrument files); an
    integration records what a worker records (a case system writes the worker's notes)."""
    role = Role.WORKER if user.role == Role.SERVICE else user.role
    return instruments.get(instrument_id).may_record(role, occasion)


def may_hold_session(user: User) -> bool:
    """A session's ORS (at its start) and SRS (at its end) on one page: for whoever records
    both from the staff pages (the worker; not myndighed or the leader)."""
    return may(user, Action.SCORE) and all(may_record(user, i, None) for i in ("ORS", "SRS"))


def may_count_session(user: User, plan: Plan | None) -> bool:
    """A talk counted as one of a § 82 b forløb's granted sessions: the provider's."""
    return may(user, Action.SUPPORT) and plan is not None and bool(plan.sessions_granted)


def stats_scope(user: User, team_id: int | None = None, theme: str | None = None) -> Scope:
    """Whose numbers `user`'s statistics count: a leader's (or an integration's) teams, or
    one of them (another team: 403); myndighed the citizens she referred."""
    if team_id is not None and team_id not in user.team_ids:
        raise Forbidden
    if user.role == Role.AUTHORITY:
        return Scope(referred_by=user.id, theme=theme)
    teams = (team_id,) if team_id is not None else tuple(sorted(user.team_ids))
    return Scope(teams, theme)


# --------------------------------------------------------------------- what pages may show


@dataclass(frozen=True)
class CitizenFlags:
    """What the user may do on one citizen's page; templates read these, never a role."""

    can_edit: bool
    can_add_goal: bool
    can_edit_subgoals: bool  # delmål and their notes: the provider's, not myndighed's
    can_count_session: bool  # a § 82 b plan with granted sessions
    can_extend: bool  # ... and fewer than twice the first grant
    can_invite: bool
    record: dict[str, bool]  # instrument id → may open its form (ORS, SRS, REM …)
    fko_occasions: frozenset[str]  # the FKO occasions she records from a goal
    can_record_quarter: bool = False  # every active goal's FKO status on one page
    can_set_rhythm: bool = False  # her FKO/ORS rhythm: the worker's, whose reminders follow it
    can_hold_session: bool = False  # ORS, the talk and SRS on one page (scoring.samtale)


def citizen_flags(user: User, citizen: Citizen, instrument_ids: list[str]) -> CitizenFlags:
    plan = citizen.active_plan
    can_edit = may(user, Action.EDIT)
    can_support = may(user, Action.SUPPORT)
    fko_occasions = frozenset(
        o
        for o in ("baseline", "target", "status")
        if may(user, Action.SCORE) and may_record(user, "FKO", o)
    )
    return CitizenFlags(
        can_edit=can_edit,
        can_add_goal=can_edit and plan is not None and len(plan.active_goals) < MAX_ACTIVE_GOALS,
        can_edit_subgoals=can_support,
        can_count_session=may_count_session(user, plan),
        can_extend=can_support
        and plan is not None
        and plan.sessions_granted is not None
        and plan.sessions_granted < 2 * SESSIONS_82B,
        can_invite=may(user, Action.INVITE),
        record={i: may(user, Action.SCORE) and may_record(user, i, None) for i in instrument_ids},
        fko_occasions=fko_occasions,
        can_record_quarter="status" in fko_occasions
        and "FKO" in citizen.methods
        and plan is not None
        and bool(plan.active_goals),
        can_set_rhythm=can_edit and may(user, Action.TASKS),
        can_hold_session="FIT" in citizen.methods and may_hold_session(user),
    )


@dataclass(frozen=True)
class MenuEntry:
    label: str
    endpoint: str
    action: Action

    @property
    def href(self) -> str:
        return url_for(self.endpoint)


MENU = (
    MenuEntry("Mine opgaver", "reminders.index", Action.TASKS),
    MenuEntry("Arbejdsliste", "authority.index", Action.WORKLIST),
    MenuEntry("Borgere", "citizens.index", Action.LIST),
    MenuEntry("Mine mål", "portal.index", Action.OWN),
    MenuEntry("Statistik", "stats.index", Action.STATS),
    MenuEntry("Tilsyn", "tilsyn.index", Action.TILSYN),
    MenuEntry("Administration", "admin.index", Action.ADMIN),
)


def menu(user: Any) -> list[MenuEntry]:
    """The main menu: the pages this user may open."""
    return [e for e in MENU if may(user, e.action)]


def home_endpoint(user: User) -> str:
    """Where she lands after login: the first page of her menu (Mine opgaver for a worker)."""
    entries = menu(user)
    return entries[0].endpoint if entries else "auth.account"
