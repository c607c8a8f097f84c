"""A worker's caseload as Mine opgaver meets it: every citizen with a plan, goals and delmål
past their dates, FKO, ORS and SRS over the year, and now and then a falling ORS, a low SRS,
a comment or a "nej tak" from the citizen; then the daily job has run, and some signals are
marked as seen. Built through the services, like tests/factories.py."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bostotte import instruments
from bostotte.auth.models import Role, User
from bostotte.citizens.models import Citizen
from bostotte.portal.models import ScoringComment, ScoringDecline
from bostotte.reminders.jobs import run_daily
from bostotte.reminders.models import SignalAck
from bostotte.reminders.sync import with_plans
from bostotte.reminders.tasks import signals_of
from tests import factories as make
from tests.reminders.conftest import at

TODAY = make.TODAY


def _score(session, actor, citizen, instrument, on, total, **meta):  # type: ignore[no-untyped-def]
    n = len(instruments.get(instrument).item_ids)
    values = make.items(instrument, *[round(total / n, 1)] * n)
    return make.score(session, actor, citizen, instrument, on, values, **meta)


def caseload(session: Session, size: int) -> User:
    """`size` citizens with the returned worker as contact person; reminders created."""
    team = make.team(session)
    worker = make.user(session, Role.WORKER, [team])
    authority = make.user(session, Role.AUTHORITY)
    for k in range(size):
        citizen = make.citizen(
            session, team, primary_worker_id=worker.id, caseworker_id=authority.id
        )
        plan = make.plan(session, citizen, end=TODAY + timedelta(days=20))
        for g in range(1 + k % 3):
            goal = make.goal(
                session,
                worker,
                plan,
                specific=f"Jeg vil klare min post og mine regninger selv, mål {k}-{g}",
                target_date=TODAY - timedelta(days=10 + g) if k % 2 else TODAY + timedelta(days=5),
            )
            for d in range(2):
                make.subgoal(
                    session,
                    goal,
                    title=f"Åbne posten hver mandag sammen med en ven {d}",
                    target_date=TODAY - timedelta(days=3 + d),
                )
            _score(
                session,
                authority,
                citizen,
                "FKO",
                date(2026, 1, 15),
                2,
                goal_id=goal.id,
                occasion="baseline",
            )
            _score(
                session,
                worker,
                citizen,
                "FKO",
                date(2026, 4, 10),
                2 + (k % 4 == 0),
                goal_id=goal.id,
                occasion="status",
            )
        # ORS every other month; every fourth citizen falls 6 points at the last session
        for m, on in enumerate((date(2026, 3, 2), date(2026, 6, 1), date(2026, 9, 1))):
            total = 24.0 if k % 4 == 3 else 28.0 + m
            if m == 2 and k % 4 == 0:
                total -= 7
            ors = _score(session, worker, citizen, "ORS", on, total)
        for on, total in (
            (date(2026, 6, 1), 38.0),
            (date(2026, 9, 1), 35.0 if k % 5 == 0 else 38.0),
        ):
            _score(session, worker, citizen, "SRS", on, total)
        if k % 6 == 0:
            session.add(
                ScoringComment(
                    scoring_id=ors.id,
                    citizen_id=citizen.id,
                    text="Jeg synes ikke helt, at tallet passer – vi må tale om det næste gang.",
                )
            )
        if k % 10 == 0:
            session.add(
                ScoringDecline(citizen_id=citizen.id, instrument="SRS", reason="Det er for meget.")
            )
    session.commit()
    run_daily(session, TODAY, at(TODAY), digests=False)
    # a few signals already seen, with a note
    citizens = session.scalars(with_plans(select(Citizen).where(Citizen.team_id == team.id)))
    for signal in signals_of(session, citizens, TODAY)[::7]:
        session.add(
            SignalAck(
                citizen_id=signal.citizen_id,
                kind=signal.kind,
                subject=signal.subject,
                basis=signal.basis,
                note="Talt med borgeren om det.",
                seen_by_id=worker.id,
            )
        )
    session.commit()
    return worker
