"""`load_facts` seeks each score the rules read; here it must find what a plain reading of
all her scores finds: first, previous and latest by date with the id as tie-break, the run
under the age cut-off, targets and baseline-marked ORS/SRS left out, per goal its latest
FKO baseline and latest status or final."""

import random
from datetime import date, timedelta

from sqlalchemy import select

from bostotte.citizens.models import Citizen
from bostotte.reminders.signals import Score, load_facts
from bostotte.reminders.sync import with_plans
from bostotte.scoring.cutoffs import ors_cutoff
from bostotte.scoring.models import Scoring
from tests import factories as make


def _add(session, citizen, instrument, on, total, occasion=None, goal=None):
    session.add(
        Scoring(
            citizen_id=citizen.id,
            goal_id=goal.id if goal else None,
            instrument=instrument,
            instrument_version="1",
            occasion=occasion,
            scored_on=on,
            total=total,
        )
    )


def _expected(rows, birth_year, goals):
    """The facts by reading every score in order (rows: Scoring, oldest first)."""

    def score(s):
        return Score(s.scored_on, s.total, s.created_at) if s else None

    def citizen_level(instrument):
        return [
            s
            for s in rows
            if s.instrument == instrument
            and s.goal_id is None
            and (s.occasion or "") not in ("baseline", "target")
        ]

    ors, srs = citizen_level("ORS"), citizen_level("SRS")
    run = None
    for s in ors:  # the run restarts after each score at or over the cut-off
        low = s.total < ors_cutoff(birth_year, s.scored_on)
        run = (run or s) if low else None
    fko = []
    for g in goals:
        mine = [s for s in rows if s.goal_id == g.id and s.instrument == "FKO"]
        baselines = [s for s in mine if s.occasion == "baseline"]
        statuses = [s for s in mine if (s.occasion or "") not in ("baseline", "target")]
        fko.append(
            (
                g.id,
                g.specific,
                score(baselines[-1] if baselines else None),
                score(statuses[-1] if statuses else None),
            )
        )
    return {
        "ors_first": score(ors[0] if ors else None),
        "ors_previous": score(ors[-2] if len(ors) > 1 else None),
        "ors_latest": score(ors[-1] if ors else None),
        "ors_low_since": score(run),
        "srs_latest": score(srs[-1] if srs else None),
        "srs_previous": score(srs[-2] if len(srs) > 1 else None),
        "fko": tuple(fko),
    }


def test_load_facts_finds_what_reading_every_score_finds(w, session):
    w.c1.uses_fit = True
    w.c1.birth_year = 2012  # 12 in 2024, 13 in 2025: the age cut-off moves from 32 to 28
    goals = [make.goal(session, w.w1, w.p1) for _ in range(3)]
    session.flush()
    rng = random.Random(20)
    start = date(2024, 1, 1)
    for n in range(140):
        # Several scores on a day (the id breaks the tie) and every occasion, at random.
        on = start + timedelta(days=rng.randrange(0, 900, 30))
        kind = rng.random()
        if kind < 0.55:
            occasion = rng.choice([None] * 8 + ["baseline", "target"])
            _add(session, w.c1, "ORS", on, rng.choice([18, 24.9, 25, 27.9, 28, 31]), occasion)
        elif kind < 0.7:
            _add(session, w.c1, "SRS", on, rng.choice([33, 35.9, 36, 38]))
        else:
            occasion = rng.choice(["baseline", "status", "status", "final", "target"])
            _add(session, w.c1, "FKO", on, rng.randint(0, 4), occasion, rng.choice(goals))
        if n in (30, 70, 139):
            session.flush()
            rows = session.scalars(
                select(Scoring)
                .where(Scoring.citizen_id == w.c1.id)
                .order_by(Scoring.scored_on, Scoring.id)
            ).all()
            query = with_plans(select(Citizen).where(Citizen.id == w.c1.id))
            (citizen,) = session.scalars(query)
            (facts,) = load_facts(session, [citizen])
            expected = _expected(rows, 2012, citizen.active_plan.active_goals)
            assert len(expected["fko"]) == 3
            assert {k: getattr(facts, k) for k in expected} == expected


def test_without_fit_or_fko_nothing_is_read(w, session, count_queries):
    w.c1.uses_fit = False
    w.c1.uses_fko = False
    _add(session, w.c1, "ORS", date(2026, 1, 5), 18)
    session.flush()
    citizens = list(session.scalars(with_plans(select(Citizen).where(Citizen.id == w.c1.id))))
    with count_queries() as queries:
        (facts,) = load_facts(session, citizens)
    assert facts.ors_latest is None and facts.fko == ()
    assert len(queries) == 0
