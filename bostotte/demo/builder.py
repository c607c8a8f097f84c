"""Building the demo records for each profile through the forms' schemas and the ordinary
service functions. Everything is flushed; the caller commits."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from marshmallow import Schema

from bostotte import instruments
from bostotte.auth.models import Role, Team, User
from bostotte.auth.services import create_user
from bostotte.citizens.models import SESSIONS_82B, Citizen, Plan
from bostotte.citizens.schemas import CitizenSchema, PlanSchema
from bostotte.citizens.services import (
    carry_over_goals,
    close_plan,
    create_citizen,
    create_plan,
)
from bostotte.common.db import Session
from bostotte.common.schema import DomainError, load_form
from bostotte.common.time import add_months
from bostotte.demo.logins import BORGER_EMAIL, PASSWORD, STAFF, TEAM_NAMES
from bostotte.demo.profiles import PlanPeriod, Profile, plan_periods
from bostotte.demo.texts import (
    CITIZEN_COMMENTS,
    CLOSE_REASONS,
    DECLINED_NOTE,
    DISAGREED,
    DONE_NOTES,
    FKO_FINAL_NOTE,
    FKO_NOTES,
    GOAL_TEXTS,
    PLAN_NOTES,
    PROGRESS_NOTES,
    REM_NOTES,
    GoalText,
)
from bostotte.goals.models import OPEN_SUBGOAL_STATUSES, Goal, SubGoal
from bostotte.goals.schemas import CloseGoalSchema, GoalSchema, NoteSchema, SubGoalSchema
from bostotte.goals.services import add_goal, add_note, add_subgoal, close_goal, update_goal
from bostotte.scoring.models import Scoring
from bostotte.scoring.schemas import ScoringMetaSchema
from bostotte.scoring.services import edit_scoring, record_scoring


def _form(schema: Schema, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate as a submitted form would be: text/ISO dates through the form's schema."""
    raw = {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items() if v is not None}
    loaded, errors = load_form(schema, raw)
    if errors:
        raise DomainError(f"Demodata afvist af {type(schema).__name__}: {errors}")
    return loaded


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, value))


@dataclass
class CitizenRun:
    """One citizen being built: who works with her and which goal texts she has used."""

    profile: Profile
    citizen: Citizen
    worker: User
    caseworker: User
    used_goals: set[int] = field(default_factory=set)
    self_scorer: User | None = None  # the borger login, for her own ORS/SRS


class Builder:
    """Writes the demo records. Every choice is drawn from the one seeded generator, so the
    order of the calls (and of the draws inside them) is part of the data: reordering them
    changes every citizen after the change."""

    def __init__(self, session: Session, rng: random.Random, today: date) -> None:
        self.session, self.rng, self.today = session, rng, today
        self.teams: list[Team] = []
        self.staff: dict[str, User] = {}
        self.fko_statuses: list[Scoring] = []  # candidates for a later correction
        self.borger_ors: list[Scoring] = []

    # Teams and logins

    def teams_and_staff(self) -> None:
        for name in TEAM_NAMES:
            team = Team(name=name, is_demo=True)
            self.session.add(team)
            self.teams.append(team)
        self.session.flush()
        for login in STAFF:
            self.staff[login.key] = create_user(
                self.session,
                email=login.email,
                name=login.name,
                role=login.role,
                password=PASSWORD,
                teams=[self.teams[i] for i in login.teams],
                is_demo=True,
            )

    def _workers(self, team: int) -> tuple[User, User]:
        suffix = ("_nord", "_syd")[team]
        return self.staff["worker" + suffix], self.staff["worker" + suffix + "2"]

    # Citizens and plans

    def citizen(self, p: Profile, case_no: int) -> Citizen:
        rng = self.rng
        main, colleague = self._workers(p.team)
        worker = main if p.is_borger or rng.random() < 0.6 else colleague
        caseworker = self.staff["authority" if p.is_borger or rng.random() < 0.85 else "authority2"]
        periods = plan_periods(p, self.today)
        data = {
            "display_name": p.name,
            "case_ref": f"SAG-{p.start.year}-{case_no:04d}",
            "birth_year": p.birth_year,
            "gender": p.gender,
            "team_id": self.teams[p.team].id,
            "legal_basis": periods[-1].legal_basis,
            "start_date": p.start,
            "end_date": periods[-1].closed_on if p.ended else None,
            "uses_fko": p.fko,
            "uses_fit": p.fit,
            "uses_rem": p.rem,
            "pakke1": p.pakke1,
            "caseworker_id": caseworker.id,
            "primary_worker_id": worker.id,
        }
        citizen = create_citizen(
            self.session, caseworker, {**_form(CitizenSchema(), data), "is_demo": True}
        )
        run = CitizenRun(p, citizen, worker, caseworker)
        if p.is_borger:
            run.self_scorer = create_user(
                self.session,
                email=BORGER_EMAIL,
                name=p.name,
                role=Role.CITIZEN,
                password=PASSWORD,
                citizen_id=citizen.id,
                is_demo=True,
            )
        sessions: list[date] = []
        previous: tuple[Plan, PlanPeriod] | None = None
        for period in periods:
            dates = self._session_dates(period) if p.fit or period.legal_basis == "§82b" else []
            sessions += dates
            previous = (self._plan(run, period, dates, previous), period)
        if p.fit:
            self._fit(run, sessions)
        if p.rem:
            first_85 = next(period.start for period in periods if period.legal_basis == "§85")
            self._rem(run, first_85, citizen.end_date or self.today)
        return citizen

    def _session_dates(self, period: PlanPeriod) -> list[date]:
        """A contact every ~2 weeks (some gaps); a §82b forløb has at most 10 sessions."""
        rng, is_82b = self.rng, period.legal_basis == "§82b"
        last = min(period.closed_on or period.end, self.today)
        dates: list[date] = []
        day = period.start + timedelta(days=rng.randint(1, 6))
        while day <= last and not (is_82b and len(dates) >= SESSIONS_82B):
            dates.append(day)
            step = rng.randint(14, 20) if is_82b else rng.randint(11, 17)
            if not is_82b and rng.random() < 0.08:
                step += rng.randint(20, 40)  # holiday, illness
            day += timedelta(days=step)
        return dates

    def _plan(
        self,
        run: CitizenRun,
        period: PlanPeriod,
        sessions: list[date],
        previous: tuple[Plan, PlanPeriod] | None,
    ) -> Plan:
        is_82b = period.legal_basis == "§82b"
        data = {
            "legal_basis": period.legal_basis,
            "start_date": period.start,
            "end_date": period.end,
            "note": PLAN_NOTES[period.legal_basis],
            "sessions_granted": SESSIONS_82B if is_82b else None,
            "sessions_used": len(sessions) if is_82b else None,
        }
        plan = create_plan(self.session, run.citizen, _form(PlanSchema(), data))
        goals: list[tuple[Goal, GoalText]] = []
        if previous is not None and previous[1].carry:
            goals = self._carry_over(run, previous[0], plan, period)
        wanted = 3 if run.profile.is_borger else self.rng.choice((1, 2, 2, 3, 3))
        while len(goals) < wanted:
            goals.append(self._new_goal(run, plan, period.start, run.caseworker))
        self._goal_lives(run, plan, period, goals)
        if period.closed_on:
            close_plan(self.session, plan, period.closed_on)
        return plan

    def _carry_over(
        self, run: CitizenRun, old: Plan, new: Plan, period: PlanPeriod
    ) -> list[tuple[Goal, GoalText]]:
        by_text = {t.specific: t for t in GOAL_TEXTS}
        carried = carry_over_goals(self.session, old, new, period.start, run.worker)
        for goal in carried:
            # The §82b target dates lie around the move; the new plan gets new ones.
            update_goal(
                self.session, run.worker, goal, {"target_date": add_months(period.start, 9)}
            )
        return [(goal, by_text[goal.specific]) for goal in carried]

    # Goals, delmål and notes

    def _new_goal(
        self, run: CitizenRun, plan: Plan, created: date, author: User
    ) -> tuple[Goal, GoalText]:
        index = self.rng.choice([i for i in range(len(GOAL_TEXTS)) if i not in run.used_goals])
        run.used_goals.add(index)
        text = GOAL_TEXTS[index]
        target = min(plan.end_date, add_months(created, self.rng.choice((6, 9, 12))))
        data = {
            "theme": text.theme,
            "specific": text.specific,
            "measurable": text.measurable,
            "agreed": True,
            "agreed_on": created,
            "realistic": text.realistic,
            "target_date": target,
        }
        return add_goal(self.session, author, plan, _form(GoalSchema(), data), created), text

    def _goal_lives(
        self, run: CitizenRun, plan: Plan, period: PlanPeriod, goals: list[tuple[Goal, GoalText]]
    ) -> None:
        """Each goal's delmål, FKO scorings and, in a closed plan, how it ended."""
        rng, age = self.rng, (self.today - period.start).days
        fates = [self._fate(period) for _ in goals]
        # In some older plans the first goal was reached early and a new one took its place.
        replaced_on = None
        if period.closed_on is None and age > 200 and rng.random() < 0.3:
            replaced_on = period.start + timedelta(days=rng.randint(110, age - 40))
            fates[0] = ("achieved", replaced_on)
        for (goal, text), (status, closed_on) in zip(goals, fates, strict=True):
            self._goal_life(run, plan, goal, text, status, closed_on)
        if replaced_on is not None:
            goal, text = self._new_goal(run, plan, replaced_on, run.worker)
            self._goal_life(run, plan, goal, text, "active", None)

    def _fate(self, period: PlanPeriod) -> tuple[str, date | None]:
        if period.closed_on is None:
            return "active", None
        if period.carry:
            return "carried", period.closed_on
        status = self.rng.choices(("achieved", "partly_achieved", "abandoned"), (4, 4, 2))[0]
        if status == "abandoned":
            span = (period.closed_on - period.start).days
            return status, period.start + timedelta(days=self.rng.randint(90, span - 60))
        return status, period.closed_on

    def _goal_life(
        self,
        run: CitizenRun,
        plan: Plan,
        goal: Goal,
        text: GoalText,
        status: str,
        closed_on: date | None,
    ) -> None:
        self._subgoals(run, goal, text, status, closed_on or self.today)
        if run.profile.fko:
            self._fko(run, plan, goal, status, closed_on)
        if status in CLOSE_REASONS:
            data = {
                "status": status,
                "closed_on": closed_on,
                "close_reason": self.rng.choice(CLOSE_REASONS[status]),
            }
            close_goal(self.session, run.worker, goal, _form(CloseGoalSchema(), data))

    def _subgoals(
        self, run: CitizenRun, goal: Goal, text: GoalText, goal_status: str, until: date
    ) -> None:
        rng, created = self.rng, goal.created_on
        carried = {sg.title for sg in goal.subgoals}  # open delmål a carried-over goal brought
        count = rng.randint(1, len(text.subgoals)) - len(carried)
        left = [s for s in text.subgoals if s.title not in carried]
        for wording in (left[i] for i in sorted(rng.sample(range(len(left)), max(count, 0)))):
            status = self._subgoal_status(goal_status, (until - created).days)
            days = rng.randint(30, 120)
            target = created + timedelta(days=days)
            if status in OPEN_SUBGOAL_STATUSES and target < until - timedelta(days=21):
                # An open delmål's date is mostly moved on as the work goes; a few lag.
                target = until + timedelta(days=days - 45)
            target = min(target, goal.plan.end_date)  # a delmål is reached within its plan
            data = {
                "title": wording.title,
                "method": wording.method,
                "approach": wording.approach,
                "target_date": target,
                "status": status,
            }
            subgoal = add_subgoal(self.session, goal, _form(SubGoalSchema(), data), created)
            self._notes(run, subgoal, created, until, status)

    def _subgoal_status(self, goal_status: str, days: int) -> str:
        options = {
            "achieved": {"achieved": 8, "dropped": 2},
            "partly_achieved": {"achieved": 5, "in_progress": 3, "dropped": 2},
            "abandoned": {"dropped": 6, "in_progress": 2, "not_started": 2},
        }.get(goal_status)
        if options is None:  # active or carried over
            options = (
                {"not_started": 5, "in_progress": 5}
                if days < 45
                else {"not_started": 2, "in_progress": 10, "achieved": 6, "dropped": 1}
            )
        return self.rng.choices(list(options), list(options.values()))[0]

    def _notes(
        self, run: CitizenRun, subgoal: SubGoal, start: date, until: date, status: str
    ) -> None:
        span = (until - start).days
        if status == "not_started" or span < 10:
            return
        count = min(self.rng.randint(0, 4), span // 7)
        days = sorted(self.rng.sample(range(7, span + 1), count))
        texts = self.rng.sample(PROGRESS_NOTES, count)
        if status == "achieved" and count:
            texts[-1] = self.rng.choice(DONE_NOTES)
        for day, text in zip(days, texts, strict=True):
            data = {"noted_on": start + timedelta(days=day), "text": text}
            add_note(self.session, run.worker, subgoal, _form(NoteSchema(), data), self.today)

    # Scorings

    def _score(
        self,
        actor: User,
        run: CitizenRun,
        instrument_id: str,
        on: date,
        values: Mapping[str, float],
        *,
        goal: Goal | None = None,
        occasion: str | None = None,
        participation: str = "together",
        note: str | None = None,
        comment: str | None = None,
        citizen_values: Mapping[str, float] | None = None,
    ) -> Scoring:
        meta = {
            "scored_on": on,
            "occasion": occasion,
            "goal_id": goal.id if goal else None,
            "participation": participation,
            "worker_note": note,
            "citizen_comment": comment,
        }
        return record_scoring(
            self.session,
            actor,
            run.citizen,
            instrument_id,
            _form(ScoringMetaSchema(), meta),
            values,
            citizen_values,
            today=self.today,
        )

    def _fko(
        self, run: CitizenRun, plan: Plan, goal: Goal, status: str, closed_on: date | None
    ) -> None:
        """Baseline and target by myndighed; quarterly status and a final by the worker."""
        rng = self.rng
        baseline = rng.choice((2, 3, 3, 3, 4))
        target = max(0, baseline - rng.choice((0, 1, 1, 1, 2)))
        for occasion, value in (("baseline", baseline), ("target", target)):
            self._score(
                run.caseworker,
                run,
                "FKO",
                goal.created_on,
                {"value": value},
                goal=goal,
                occasion=occasion,
            )
        until = closed_on - timedelta(days=20) if closed_on else self.today
        if run.profile.overdue and closed_on is None:
            until = self.today - timedelta(days=101)
        trend = run.profile.trend if rng.random() < 0.7 else rng.choice(("improve", "flat"))
        value, k = baseline, 1
        while (mark := add_months(plan.start_date, 3 * k)) < plan.end_date and mark <= until:
            k += 1
            if mark <= goal.created_on:
                continue
            new = self._fko_step(value, baseline, target, trend)
            change = "better" if new < value else "worse" if new > value else "same"
            on = min(mark + timedelta(days=rng.randint(0, 10)), until)
            self.fko_statuses.append(
                self._score(
                    run.worker,
                    run,
                    "FKO",
                    on,
                    {"value": new},
                    goal=goal,
                    occasion="status",
                    note=rng.choice(FKO_NOTES[change]),
                )
            )
            value = new
        if closed_on and status in ("achieved", "partly_achieved", "carried"):
            final = {
                "achieved": min(value, target),
                "partly_achieved": min(baseline, max(value, target + 1)),
            }.get(status, value)
            self._score(
                run.worker,
                run,
                "FKO",
                closed_on,
                {"value": final},
                goal=goal,
                occasion="final",
                note=FKO_FINAL_NOTE,
            )

    def _fko_step(self, value: int, baseline: int, target: int, trend: str) -> int:
        r = self.rng.random()
        if trend == "improve":
            return value - 1 if r < 0.5 and value > max(0, target - 1) else value
        if trend == "worse":
            return min(4, value + 1) if r < 0.4 else value
        return int(_clamp(baseline + (r > 0.85) - (r < 0.15), 0, 4))

    def _fit(self, run: CitizenRun, dates: Sequence[date]) -> None:
        """ORS at the start and SRS at the end of each contact."""
        if not dates:
            return
        rng, p = self.rng, run.profile
        first = rng.uniform(19, 24) if p.ors_trend == "decline" else rng.uniform(13, 24)
        last = {
            "improve": rng.uniform(27.5, 31.5),
            "flat": first + rng.uniform(-2, 3),
            "decline": first - rng.uniform(6.5, 8),
        }[p.ors_trend]
        alliance = rng.uniform(32.5, 35.5) if p.srs_low else rng.uniform(35.8, 38.8)
        ors_offsets = _offsets(rng, 1.5)
        srs_offsets = _offsets(rng, 0.4)
        special_at = len(dates) // 2 if p.ors_special else -1
        for n, day in enumerate(dates):
            progress = min(1.0, (day - dates[0]).days / 300)
            total = first + (last - first) * (1 - (1 - progress) ** 2)
            if n:
                total += rng.gauss(0, 1.2)
            ors = _split(rng, "ORS", total, ors_offsets, 0.5)
            if n == special_at:
                self._special_ors(run, day, ors, p.ors_special or "")
                continue
            actor, participation = run.worker, "together"
            if rng.random() < 0.2:
                actor, participation = run.self_scorer or run.worker, "citizen_self"
            comment = rng.choice(CITIZEN_COMMENTS) if rng.random() < 0.1 else None
            scoring = self._score(
                actor, run, "ORS", day, ors, participation=participation, comment=comment
            )
            if p.is_borger and participation == "together":
                self.borger_ors.append(scoring)
            srs = _split(rng, "SRS", min(39.6, alliance + rng.gauss(0, 0.9)), srs_offsets, 0.3)
            self._score(actor, run, "SRS", day, srs, participation=participation)

    def _special_ors(self, run: CitizenRun, day: date, ors: dict[str, float], kind: str) -> None:
        if kind == "worker_draft":
            self._score(
                run.worker, run, "ORS", day, ors, participation="worker_draft", note=DECLINED_NOTE
            )
            return
        own = {k: round(_clamp(v + self.rng.uniform(0.8, 2.0), 0, 10), 1) for k, v in ors.items()}
        note, comment = DISAGREED["ORS"]
        self._score(
            run.worker,
            run,
            "ORS",
            day,
            ors,
            participation="disagreed",
            note=note,
            comment=comment,
            citizen_values=own,
        )

    def _rem(self, run: CitizenRun, start_85: date, last: date) -> None:
        """First REM within 3 months of the §85 start, then about yearly."""
        rng, p = self.rng, run.profile
        dates = [start_85 + timedelta(days=rng.randint(20, 85))]
        while (
            follow_up := add_months(dates[-1], 12) + timedelta(days=rng.randint(-10, 14))
        ) <= last:
            dates.append(follow_up)
        dates = [d for d in dates if d <= last]
        items = instruments.get("REM").item_ids
        values = {item: rng.choices((1, 2, 3, 4), (2, 4, 4, 2))[0] for item in items}
        up, down = {"improve": (0.08, 0.45), "flat": (0.15, 0.15), "worse": (0.35, 0.1)}[p.trend]
        for n, day in enumerate(dates):
            if p.rem_disagreed and n == len(dates) - 1:
                own = dict(values)
                for item in rng.sample(items, 3):
                    own[item] = own[item] - 1 if own[item] else 1
                note, comment = DISAGREED["REM"]
                self._score(
                    run.worker,
                    run,
                    "REM",
                    day,
                    values,
                    participation="disagreed",
                    note=note,
                    comment=comment,
                    citizen_values=own,
                )
            else:
                self._score(run.worker, run, "REM", day, values, note=REM_NOTES[min(n, 1)])
            values = {
                k: int(_clamp(v + (rng.random() < up) - (rng.random() < down), 0, 4))
                for k, v in values.items()
            }

    def corrections(self) -> None:
        """A few scorings corrected afterwards, so the edit history has something to show."""
        for scoring in self.rng.sample(self.fko_statuses, 2):
            value = scoring.values["value"]
            self._edit(
                scoring,
                {"value": value - 1 if value > 0 else value + 1},
                "Rettet efter teammøde: støttebehovet var vurderet forkert.",
            )
        if self.borger_ors:
            scoring = self.borger_ors[-1]
            values = dict(scoring.values)
            values["socialt"] = _clamp(values["socialt"] + 1.0, 0, 10)
            self._edit(scoring, values, "Rettet: tastefejl i punktet Socialt.")

    def _edit(self, scoring: Scoring, values: Mapping[str, float], note: str) -> None:
        meta = {
            "scored_on": scoring.scored_on,
            "occasion": scoring.occasion,
            "participation": scoring.participation,
            "worker_note": note,
            "citizen_comment": scoring.citizen_comment,
        }
        actor = self.session.get_one(User, scoring.scored_by_id)
        edit_scoring(
            self.session,
            actor,
            scoring,
            _form(ScoringMetaSchema(), meta),
            values,
            scoring.citizen_values or None,
            today=self.today,
        )


def _offsets(rng: random.Random, spread: float) -> list[float]:
    """How a citizen's four ORS/SRS items differ from the average, summing to zero."""
    raw = [rng.uniform(-spread, spread) for _ in range(4)]
    mean = sum(raw) / 4
    return [r - mean for r in raw]


def _split(
    rng: random.Random, instrument_id: str, total: float, offsets: Sequence[float], jitter: float
) -> dict[str, float]:
    """Four 0–10 items with one decimal adding up to about `total`."""
    items = instruments.get(instrument_id).item_ids
    return {
        item: round(_clamp(total / 4 + offset + rng.gauss(0, jitter), 0, 10), 1)
        for item, offset in zip(items, offsets, strict=True)
    }
