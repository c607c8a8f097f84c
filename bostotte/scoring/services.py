from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bostotte import instruments
from bostotte.auth.models import Role, User
from bostotte.auth.permissions import may_record
from bostotte.citizens import services as citizen_services  # a module: they import each other
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.dates import scoring_date_error
from bostotte.common.db import Session
from bostotte.common.formatting import dk_date, dk_number
from bostotte.common.schema import DomainError, Errors, InvalidInput
from bostotte.common.time import LOCAL_TZ, utcnow
from bostotte.common.versions import VersionConflict, expect_version
from bostotte.goals.models import OPEN_SUBGOAL_STATUSES, Goal, SubGoal
from bostotte.instruments import Instrument
from bostotte.scoring.models import Scoring, ScoringItem, ScoringRevision

# FKO occasions set once per goal by myndighed.
SINGLE_OCCASIONS = ("baseline", "target")
CITIZEN_PREFIX = "citizen."
# The form's box for a target worse than the baseline (the error key of its question).
CONFIRM_TARGET = "confirm_target"


def instruments_for(citizen: Citizen) -> list[Instrument]:
    """The instruments a citizen's methods use, in a fixed order."""
    order = {"FKO": 0, "ORS": 1, "SRS": 2, "REM": 3}
    methods = set(citizen.methods)
    return sorted(
        (i for i in instruments.registry().values() if i.method in methods),
        key=lambda i: order.get(i.id, 99),
    )


def _validate(
    session: Session,
    actor: User,
    citizen: Citizen,
    instrument: Instrument,
    meta: dict[str, Any],
    raw_values: Mapping[str, object],
    raw_citizen_values: Mapping[str, object],
    today: date,
    existing: Scoring | None = None,
    worse_target_confirmed: bool = True,
) -> tuple[dict[str, float], dict[str, float]]:
    errors: Errors = {}
    if instrument.method not in citizen.methods:
        raise DomainError(f"Borgeren bruger ikke {instrument.method}.")
    if date_error := scoring_date_error(meta["scored_on"], citizen.start_date, today):
        errors["scored_on"] = [date_error]
    occasion = meta.get("occasion")
    goal: Goal | None = None
    if instrument.subject == "goal":
        goal = session.get(Goal, meta["goal_id"]) if meta.get("goal_id") else None
        if goal is None or goal.citizen_id != citizen.id:
            errors["goal_id"] = ["Vælg et af borgerens mål."]
        if occasion not in instrument.occasions:
            errors["occasion"] = ["Vælg hvilken slags score det er."]
        elif not may_record(actor, instrument.id, occasion):
            who = " eller ".join(instrument.occasions[occasion].recorded_by)
            errors["occasion"] = [f"{instrument.occasions[occasion].label} registreres af {who}."]
        elif goal is not None and occasion in SINGLE_OCCASIONS:
            duplicate = session.scalar(
                select(Scoring.id)
                .where(Scoring.goal_id == goal.id, Scoring.occasion == occasion)
                .limit(1)
            )
            if duplicate and (existing is None or duplicate != existing.id):
                errors["occasion"] = ["Målet har allerede denne score. Ret den eksisterende."]
    else:
        meta["goal_id"], meta["occasion"] = None, None
        if not may_record(actor, instrument.id, None):
            raise DomainError("Du kan ikke registrere denne måling.")
    if actor.role == Role.CITIZEN:
        meta["participation"] = "citizen_self"

    values, value_errors = instruments.validate_values(instrument, raw_values)
    errors.update(value_errors)
    if (
        not worse_target_confirmed
        and goal is not None  # only goal instruments have occasions
        and occasion in SINGLE_OCCASIONS
        and not value_errors
        and not {"goal_id", "occasion"} & errors.keys()
    ):
        # asked beside any other error, so that she fixes everything in one go
        question = _worse_target(session, instrument, goal.id, occasion, instrument.total(values))
        if question:
            errors[CONFIRM_TARGET] = [question]
    citizen_values: dict[str, float] = {}
    if meta.get("participation") == "disagreed":
        citizen_values, citizen_errors = instruments.validate_values(instrument, raw_citizen_values)
        errors.update({CITIZEN_PREFIX + k: v for k, v in citizen_errors.items()})
    if errors:
        raise InvalidInput(errors)
    return values, citizen_values


def _worse_target(
    session: Session, instrument: Instrument, goal_id: int, occasion: str, value: float
) -> str | None:
    """The question to ask when the goal's target would be a worse score than its baseline
    (for FKO: more support needed at the end than at the start); None when it is not."""
    other = "target" if occasion == "baseline" else "baseline"
    other_value = session.scalar(
        select(Scoring.total)
        .where(
            Scoring.goal_id == goal_id,
            Scoring.instrument == instrument.id,
            Scoring.occasion == other,
        )
        .order_by(Scoring.scored_on.desc(), Scoring.id.desc())
        .limit(1)
    )
    if other_value is None:
        return None
    baseline, target = (value, other_value) if occasion == "baseline" else (other_value, value)
    if target == baseline or (target > baseline) == instrument.higher_is_better:
        return None

    def words(v: float) -> str:
        label = instrument.scale_label(v)
        return dk_number(v) + (f" – {label}" if label else "")

    return (
        f"{instrument.occasions['target'].label} ({words(target)}) er dårligere end "
        f"udgangspunktet ({words(baseline)}). Er det meningen, så sæt flueben og gem igen."
    )


def _apply(
    scoring: Scoring,
    instrument: Instrument,
    meta: dict[str, Any],
    values: dict[str, float],
    citizen_values: dict[str, float],
) -> None:
    for key in (
        "scored_on",
        "occasion",
        "goal_id",
        "participation",
        "citizen_comment",
        "worker_note",
    ):
        setattr(scoring, key, meta.get(key))
    scoring.total = instrument.total(values)
    scoring.items = [
        ScoringItem(
            item=item_id,
            position=pos,
            value=values[item_id],
            citizen_value=citizen_values.get(item_id),
        )
        for pos, item_id in enumerate(instrument.item_ids)
    ]


def record_scoring(
    session: Session,
    actor: User,
    citizen: Citizen,
    instrument_id: str,
    meta: dict[str, Any],
    raw_values: Mapping[str, object],
    raw_citizen_values: Mapping[str, object] | None = None,
    *,
    today: date,
    worse_target_confirmed: bool = True,
) -> Scoring:
    """Validate against the instrument and store one scoring. Raises InvalidInput.

    `worse_target_confirmed=False` (the form's unticked box) refuses a goal's target worse
    than its baseline with a question under CONFIRM_TARGET; the API and the import send
    what they mean and are not asked."""
    instrument = instruments.get(instrument_id)
    meta = dict(meta)  # _validate normalises it; the caller's dict stays as it was
    values, citizen_values = _validate(
        session,
        actor,
        citizen,
        instrument,
        meta,
        raw_values,
        raw_citizen_values or {},
        today,
        worse_target_confirmed=worse_target_confirmed,
    )
    return _store(session, actor, citizen, instrument, meta, values, citizen_values)


def _store(
    session: Session,
    actor: User,
    citizen: Citizen,
    instrument: Instrument,
    meta: dict[str, Any],
    values: dict[str, float],
    citizen_values: dict[str, float],
) -> Scoring:
    scoring = Scoring(
        citizen_id=citizen.id,
        instrument=instrument.id,
        instrument_version=instrument.version,
        scored_by_id=actor.id,
    )
    _apply(scoring, instrument, meta, values, citizen_values)
    session.add(scoring)
    session.flush()
    return scoring


def edit_scoring(
    session: Session,
    actor: User,
    scoring: Scoring,
    meta: dict[str, Any],
    raw_values: Mapping[str, object],
    raw_citizen_values: Mapping[str, object] | None = None,
    *,
    today: date,
    worse_target_confirmed: bool = True,
    version: int | None = None,
) -> Scoring:
    """A new version; the one it replaces is kept as a revision. `worse_target_confirmed`
    as for `record_scoring`; `version` the one the form was opened at (None: the one this
    request read). Two edits of one scoring never both succeed: the second waits for the
    first's row lock and then finds the version moved on."""
    expect_version(session, scoring, version)
    instrument = instruments.get(scoring.instrument)
    citizen = session.get_one(Citizen, scoring.citizen_id)
    meta = {
        **meta,
        "goal_id": scoring.goal_id,
        "occasion": meta.get("occasion") if meta.get("occasion") else scoring.occasion,
    }
    values, citizen_values = _validate(
        session,
        actor,
        citizen,
        instrument,
        meta,
        raw_values,
        raw_citizen_values or {},
        today,
        existing=scoring,
        worse_target_confirmed=worse_target_confirmed,
    )
    session.add(
        ScoringRevision(
            scoring=scoring,
            version=scoring.version,
            data=scoring.snapshot(),
            valid_from=scoring.updated_at,
            replaced_by_id=actor.id,
        )
    )
    _apply(scoring, instrument, meta, values, citizen_values)
    scoring.version += 1
    scoring.scored_by_id = actor.id
    scoring.updated_at = utcnow()
    session.flush()
    return scoring


def has_occasion(session: Session, goal_id: int | None, occasion: str) -> bool:
    return (
        goal_id is not None
        and session.scalar(
            select(Scoring.id)
            .where(Scoring.goal_id == goal_id, Scoring.occasion == occasion)
            .limit(1)
        )
        is not None
    )


def scorings_for(session: Session, citizen_id: int) -> list[Scoring]:
    """All of a citizen's scorings, newest first, items and revisions loaded."""
    return list(
        session.scalars(
            select(Scoring)
            .where(Scoring.citizen_id == citizen_id)
            .options(
                selectinload(Scoring.items),
                selectinload(Scoring.revisions),
                selectinload(Scoring.scored_by),
            )
            .order_by(Scoring.scored_on.desc(), Scoring.id.desc())
        )
    )


# ------------------------------------------------------------------ the quarter's FKO status

# One participation for every scoring of a form that records several (the quarter's goals, a
# session's ORS and SRS). "Disagreed" needs the citizen's own value item by item, so that
# is recorded one scoring at a time on the ordinary form.
SHARED_PARTICIPATION = ("together", "citizen_self", "worker_draft")
QUARTER_NOTE_MAX = 4000
NOTHING_ENTERED = "Vælg støttebehovet for mindst ét mål. Mål uden ny status kan stå tomme."


@dataclass(frozen=True)
class QuarterGoal:
    """An active goal of the quarter page with the FKO scores she compares against."""

    goal: Goal
    baseline: Scoring | None
    target: Scoring | None
    latest: Scoring | None  # the newest status (or final status)


@dataclass(frozen=True)
class QuarterEntry:
    """What the form holds for one goal, as typed: a value and a note may both be empty.
    `latest`: the goal's latest status the page showed (`latest_token`; None: not sent)."""

    goal_id: int
    value: str
    worker_note: str
    latest: str | None = None

    @property
    def filled(self) -> bool:
        return bool(self.value.strip() or self.worker_note.strip())


def latest_token(scoring: Scoring | None) -> str:
    """The latest status a quarter page showed for a goal, and its version: "12.1", "0"."""
    return f"{scoring.id}.{scoring.version}" if scoring else "0"


def _check_latest_unchanged(session: Session, citizen: Citizen, filled: list[QuarterEntry]) -> None:
    """Her new status for a goal rests on the latest status the page showed. A colleague's
    status recorded (or edited) since is no overwrite, but hers would then be a second
    status made without seeing it: refused as a conflict, nothing saved. Goals she left
    empty never conflict. The goals' rows are locked first, so two quarter saves for the
    same goals on PostgreSQL wait for each other and the second sees the first's status."""
    shown = {e.goal_id: e.latest for e in filled if e.latest is not None}
    if not shown:
        return
    session.execute(select(Goal.id).where(Goal.id.in_(shown)).with_for_update())
    for q in quarter_goals(session, citizen):
        if q.goal.id in shown and shown[q.goal.id] != latest_token(q.latest):
            raise VersionConflict(f"goal {q.goal.id}: latest status {latest_token(q.latest)}")


def quarter_field(goal_id: int, field: str) -> str:
    """The form field (and error key) of one goal: 'goal-12.value', 'goal-12.worker_note'."""
    return f"goal-{goal_id}.{field}"


def active_goals(citizen: Citizen) -> list[Goal]:
    plan = citizen.active_plan
    return [g for g in plan.goals if g.status == "active"] if plan else []


def quarter_goals(session: Session, citizen: Citizen) -> list[QuarterGoal]:
    """Her active goals, each with its baseline, target and latest status (one query)."""
    goals = active_goals(citizen)
    by_goal: dict[int, list[Scoring]] = {}
    if goals:
        for s in session.scalars(
            select(Scoring)
            .where(Scoring.goal_id.in_([g.id for g in goals]), Scoring.instrument == "FKO")
            .order_by(Scoring.scored_on.desc(), Scoring.id.desc())
        ):
            by_goal.setdefault(s.goal_id or 0, []).append(s)

    def first(scorings: list[Scoring], *occasions: str) -> Scoring | None:
        return next((s for s in scorings if s.occasion in occasions), None)

    return [
        QuarterGoal(
            goal=g,
            baseline=first(by_goal.get(g.id, []), "baseline"),
            target=first(by_goal.get(g.id, []), "target"),
            latest=first(by_goal.get(g.id, []), "status", "final"),
        )
        for g in goals
    ]


def record_quarter(
    session: Session,
    actor: User,
    citizen: Citizen,
    meta: Mapping[str, Any],
    entries: list[QuarterEntry],
    *,
    today: date,
) -> list[Scoring]:
    """One FKO status per filled-in goal, all with the same date and participation.

    All or nothing: every entry is checked first and one InvalidInput carries every error
    (keyed by `quarter_field`, plus 'scored_on', 'participation' and '_form'); nothing is
    written unless all are valid. The caller runs it in one savepoint (common.views.submit),
    so a refusal by `record_scoring` half-way through leaves nothing either.
    """
    instrument = instruments.get("FKO")
    if instrument.method not in citizen.methods:
        raise DomainError("Borgeren bruger ikke FKO.")
    if not may_record(actor, instrument.id, "status"):
        raise DomainError("FKO-status registreres af mestringsvejlederen.")
    errors: Errors = {}
    scored_on = meta.get("scored_on")
    if scored_on is None:
        errors["scored_on"] = ["Udfyld datoen."]
    elif date_error := scoring_date_error(scored_on, citizen.start_date, today):
        errors["scored_on"] = [date_error]
    if meta.get("participation") not in SHARED_PARTICIPATION:
        errors["participation"] = ["Vælg en af mulighederne."]
    goal_ids = {g.id for g in active_goals(citizen)}
    filled = [e for e in entries if e.filled]
    if not filled:
        errors["_form"] = [NOTHING_ENTERED]
    for entry in filled:
        if entry.goal_id not in goal_ids:
            errors["_form"] = ["Et af målene er ikke længere aktivt. Åbn siden igen."]
            continue
        if len(entry.worker_note.strip()) > QUARTER_NOTE_MAX:
            errors[quarter_field(entry.goal_id, "worker_note")] = [
                f"Højst {QUARTER_NOTE_MAX} tegn."
            ]
        if not entry.value.strip():
            errors[quarter_field(entry.goal_id, "value")] = [
                "Vælg støttebehovet, eller slet noten, hvis målet ikke skal have status nu."
            ]
            continue
        _, value_errors = instruments.validate_values(instrument, {"value": entry.value})
        for messages in value_errors.values():
            errors.setdefault(quarter_field(entry.goal_id, "value"), []).extend(messages)
    if errors:
        raise InvalidInput(errors)
    _check_latest_unchanged(session, citizen, filled)

    scorings = []
    for entry in filled:
        try:
            scorings.append(
                record_scoring(
                    session,
                    actor,
                    citizen,
                    instrument.id,
                    {
                        "scored_on": scored_on,
                        "occasion": "status",
                        "goal_id": entry.goal_id,
                        "participation": meta["participation"],
                        "worker_note": entry.worker_note.strip() or None,
                        "citizen_comment": None,
                    },
                    {"value": entry.value},
                    today=today,
                )
            )
        except InvalidInput as exc:  # checked above; kept as a safety net, all or nothing
            for key, messages in exc.errors.items():
                field = key if key in ("scored_on", "participation") else "_form"
                if key in instrument.item_ids:
                    field = quarter_field(entry.goal_id, key)
                known = errors.setdefault(field, [])
                known.extend(m for m in messages if m not in known)
    if errors:
        raise InvalidInput(errors)
    return scorings


# ------------------------------------------------------------------ a session (FIT)

# FIT practice (domain.md; seed 004): ORS at the start of every contact, SRS at the end.
SESSION_INSTRUMENTS = ("ORS", "SRS")
SESSION_NOTE_MAX = 4000
WITHOUT_SRS = "without_srs"
SRS_MISSING = (
    "Udfyld SRS sammen med borgeren, eller sæt flueben ved »Gem uden SRS«, hvis samtalen "
    "sluttede uden."
)
SRS_BOTH = "Du har udfyldt SRS og valgt at gemme uden. Slet SRS-tallene, eller fjern fluebenet."


def session_field(instrument_id: str, item_id: str) -> str:
    """The form field (and error key) of one item: 'ors-individuelt', 'srs-generelt' (both
    instruments have an item 'generelt')."""
    return f"{instrument_id.lower()}-{item_id}"


def session_instruments() -> list[Instrument]:
    return [instruments.get(i) for i in SESSION_INSTRUMENTS]


def last_session_scorings(session: Session, citizen_id: int) -> dict[str, Scoring]:
    """Her newest ORS and newest SRS with their items, by instrument id (absent if she has
    none): what she scored last, shown beside each item. Two queries."""
    ranked = (
        select(
            Scoring.id,
            func.row_number()
            .over(
                partition_by=Scoring.instrument,
                order_by=(Scoring.scored_on.desc(), Scoring.id.desc()),
            )
            .label("n"),
        )
        .where(Scoring.citizen_id == citizen_id, Scoring.instrument.in_(SESSION_INSTRUMENTS))
        .subquery()
    )
    newest = session.scalars(
        select(Scoring)
        .join(ranked, ranked.c.id == Scoring.id)
        .where(ranked.c.n == 1)
        .options(selectinload(Scoring.items))
    )
    return {s.instrument: s for s in newest}


def session_chart_scorings(session: Session, citizen_id: int) -> list[Scoring]:
    """Her ORS and SRS scorings for the graph (which reads their totals, not their items)."""
    return list(
        session.scalars(
            select(Scoring).where(
                Scoring.citizen_id == citizen_id, Scoring.instrument.in_(SESSION_INSTRUMENTS)
            )
        )
    )


@dataclass(frozen=True)
class SessionGoal:
    """An active goal and the delmål still being worked on: what the talk can be about."""

    goal: Goal
    subgoals: list[SubGoal]


def session_goals(session: Session, citizen: Citizen) -> list[SessionGoal]:
    """Her active goals in the active plan, each with its open delmål (one query for the
    goals, one for their delmål)."""
    plan = citizen.active_plan
    if plan is None:
        return []
    goals = session.scalars(
        select(Goal)
        .where(Goal.plan_id == plan.id, Goal.status == "active")
        .order_by(Goal.id)
        .options(selectinload(Goal.subgoals))
    )
    return [
        SessionGoal(g, [sg for sg in g.subgoals if sg.status in OPEN_SUBGOAL_STATUSES])
        for g in goals
    ]


@dataclass(frozen=True)
class TodaysOrs:
    """An ORS she already has dated today (filled in herself on /mig, or recorded): the
    session can use it rather than record a second."""

    scoring: Scoring

    @property
    def _at(self) -> str:
        return self.scoring.created_at.astimezone(LOCAL_TZ).strftime("%H:%M")

    @property
    def question(self) -> str:
        who = (
            "Borgeren har allerede udfyldt"
            if self.scoring.participation == "citizen_self"
            else "Der er allerede registreret"
        )
        total = dk_number(self.scoring.total)
        return f"{who} ORS i dag kl. {self._at}: {total}. Vil du bruge den?"

    @property
    def use_label(self) -> str:
        return f"Ja, brug ORS fra kl. {self._at} ({dk_number(self.scoring.total)})"


def todays_ors(last: Mapping[str, Scoring], today: date) -> TodaysOrs | None:
    """Her newest ORS (`last_session_scorings`) if it is dated today."""
    ors = last.get("ORS")
    return TodaysOrs(ors) if ors is not None and ors.scored_on == today else None


@dataclass(frozen=True)
class SessionCount:
    """A § 82 b forløb's sessions, for the box that counts this talk as one of them."""

    used: int
    granted: int

    @property
    def left(self) -> bool:
        return self.used < self.granted


def session_count(plan: Plan) -> SessionCount:
    return SessionCount(plan.sessions_used or 0, plan.sessions_granted or 0)


@dataclass(frozen=True)
class SavedSession:
    ors: Scoring
    srs: Scoring | None  # None when she chose to save without SRS
    ors_reused: bool = False  # today's ORS, recorded before the session
    counted: SessionCount | None = None  # the § 82 b forløb's sessions, this one counted


USE_ORS = "use_ors"
COUNT_SESSION = "count_session"
ORS_GONE = "Den ORS, du valgte, er ikke længere fra i dag. Vælg »Registrér en ny ORS«."
ORS_BOTH = (
    "Du har valgt at bruge dagens ORS, men også skrevet nye ORS-tal. Vælg »Registrér en ny "
    "ORS« for at gemme de nye tal, eller slet dem."
)
NOTE_WITHOUT_SCORING = (
    "Noten gemmes med samtalens SRS. Udfyld SRS, eller slet noten, når I bruger dagens ORS "
    "og gemmer uden SRS."
)
NO_PLAN_TO_COUNT = "Borgeren har intet aktivt § 82 b-forløb at tælle samtalen i."


def record_session(
    session: Session,
    actor: User,
    citizen: Citizen,
    meta: Mapping[str, Any],
    raw: Mapping[str, Mapping[str, object]],
    *,
    today: date,
) -> SavedSession:
    """One talk: the ORS from its start and the SRS from its end, with the same date and
    participation; the note (what the talk was about) goes with the first scoring the
    session records (the ORS, or the SRS when it uses today's ORS).

    `meta['use_ors']` names an ORS of hers dated the session's date (`todays_ors`) to use
    instead of recording a second one. SRS belongs to every session; `meta['without_srs']`
    is her explicit choice to save without. `meta['count_session']` counts the talk as one
    of her § 82 b forløb's sessions (`citizens.services.register_session`, as the citizen
    page's button). `raw` holds the typed values by instrument id.

    All or nothing: every field is checked first and one InvalidInput carries every error
    (keyed by `session_field`, plus 'use_ors', 'worker_note', 'without_srs',
    'count_session', 'scored_on' and 'participation'); the caller runs it in one savepoint
    (common.views.submit), so a session counted before a refusal is not counted either."""
    errors: Errors = {}  # in the page's order, as the error summary lists them
    scored_on = meta.get("scored_on")
    if scored_on is None:
        errors["scored_on"] = ["Udfyld datoen."]
    if meta.get("participation") not in SHARED_PARTICIPATION:
        errors["participation"] = ["Vælg en af mulighederne."]
    note = (meta.get("worker_note") or "").strip()

    def typed(instrument_id: str) -> bool:
        return any(str(v).strip() for v in raw.get(instrument_id, {}).values())

    def checked(instrument_id: str, worker_note: str | None) -> Callable[[], Scoring] | None:
        """The instrument's values checked (errors noted); how to store them if valid."""
        instrument = instruments.get(instrument_id)
        one = {
            "scored_on": scored_on or today,  # a missing date is reported above
            "participation": meta.get("participation"),
            "citizen_comment": None,
            "worker_note": worker_note,
        }
        try:
            values, _ = _validate(
                session, actor, citizen, instrument, one, raw.get(instrument_id, {}), {}, today
            )
        except InvalidInput as exc:
            for key, messages in exc.errors.items():
                field = key if key == "scored_on" else session_field(instrument_id, key)
                known = errors.setdefault(field, [])
                known.extend(m for m in messages if m not in known)
            return None
        return lambda: _store(session, actor, citizen, instrument, one, values, {})

    reusing = meta.get(USE_ORS) is not None
    ors: Callable[[], Scoring] | None = None
    if reusing:
        reused = session.get(Scoring, meta[USE_ORS])
        if (
            reused is None
            or reused.citizen_id != citizen.id
            or reused.instrument != "ORS"
            or reused.scored_on != today
        ):
            errors[USE_ORS] = [ORS_GONE]
        elif typed("ORS"):
            errors[USE_ORS] = [ORS_BOTH]
        elif scored_on is not None and scored_on != reused.scored_on:
            errors[USE_ORS] = [
                f"Dagens ORS er fra {dk_date(reused.scored_on)}. Giv samtalen samme dato, "
                "eller vælg »Registrér en ny ORS«."
            ]
        else:
            ors = _kept(reused)
    else:
        ors = checked("ORS", note or None)
    if len(note) > SESSION_NOTE_MAX:
        errors["worker_note"] = [f"Højst {SESSION_NOTE_MAX} tegn."]
    srs_typed = typed("SRS")
    without_srs = bool(meta.get(WITHOUT_SRS))
    srs_note = (note or None) if reusing else None
    srs = checked("SRS", srs_note) if srs_typed and not without_srs else None
    if without_srs and srs_typed:
        errors[WITHOUT_SRS] = [SRS_BOTH]
    elif not without_srs and not srs_typed:
        errors[WITHOUT_SRS] = [SRS_MISSING]
    elif without_srs and reusing and note and "worker_note" not in errors:
        errors["worker_note"] = [NOTE_WITHOUT_SCORING]
    counted: SessionCount | None = None
    if meta.get(COUNT_SESSION):
        plan = citizen.active_plan
        try:
            if plan is None:
                raise DomainError(NO_PLAN_TO_COUNT)
            counted = session_count(citizen_services.register_session(session, plan))
        except DomainError as refused:
            errors[COUNT_SESSION] = [refused.message]
    for key in ("scored_on", "participation", COUNT_SESSION):  # they close the page
        if key in errors:
            errors[key] = errors.pop(key)
    if errors or ors is None:
        raise InvalidInput(errors)
    return SavedSession(ors(), srs() if srs else None, ors_reused=reusing, counted=counted)


def _kept(scoring: Scoring) -> Callable[[], Scoring]:
    """An ORS recorded before the session, as the session's ORS."""
    return lambda: scoring
