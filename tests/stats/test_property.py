"""On random data, the SQL statistics equal a plain-Python reading of domain.md."""

from __future__ import annotations

import random
import statistics
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, literal, select, text, union_all

from bostotte import instruments
from bostotte.auth.models import Role
from bostotte.common.time import add_months
from bostotte.extensions import db
from bostotte.stats.queries import EVERYONE, Period, Scope, fko_counts
from bostotte.stats.queries.documentation import _mark_index
from bostotte.stats.services import BREAKDOWNS, compute, dashboard
from bostotte.stats.sqldates import add_months as sql_add_months
from bostotte.stats.sqldates import days_between
from tests import factories as make
from tests.stats.helpers import add_scoring, fko

DAY0 = date(2024, 1, 1)
THEMES = ["mestring", "sundhed", "socialt_liv", "uddannelse_beskaeftigelse"]

REM_ITEMS = instruments.get("REM").item_ids

day = st.integers(min_value=0, max_value=3 * 365)
fko_event = st.tuples(
    st.sampled_from(["baseline", "target", "status", "final"]), day, st.integers(0, 4)
)
goal_st = st.tuples(st.sampled_from(THEMES), st.lists(fko_event, max_size=5))
ors_st = st.lists(st.tuples(day, st.integers(0, 400)), max_size=4)  # tenths of a point
rem_st = st.lists(st.tuples(day, st.lists(st.integers(0, 4), min_size=9, max_size=9)), max_size=3)
citizen_st = st.tuples(st.integers(1950, 2010), st.lists(goal_st, max_size=3), ors_st, rem_st)


# ------------------------------------------------------------- the reference, from domain.md


def ref_fko(goals, p: Period, only: str | None = None):
    """only: "closed" keeps the goals whose outcome is a final, "open" the others."""
    rows = []
    for theme, events in goals:
        base = [e for e in events if e[0] == "baseline"]
        follow = [e for e in events if e[0] in ("status", "final") and p.start <= e[1] <= p.end]
        if not base or not follow:
            continue
        baseline = base[-1][2]  # latest by date, ties by insertion order
        targets = [e for e in events if e[0] == "target"]
        target = targets[-1][2] if targets else None
        finals = [e for e in follow if e[0] == "final"]
        if (only == "closed" and not finals) or (only == "open" and finals):
            continue
        outcome = (finals or follow)[-1][2]
        rows.append(
            (
                theme,
                outcome <= baseline,
                outcome < baseline,
                target is not None and outcome <= target,
            )
        )
    return rows


def ref_fko_counts(goals, p: Period, only: str | None = None):
    """{theme: (n, maintained_or_improved, improved, target_reached)}"""
    counts: dict[str, list[int]] = {}
    for theme, *flags in ref_fko(goals, p, only):
        cell = counts.setdefault(theme, [0, 0, 0, 0])
        cell[0] += 1
        for k, flag in enumerate(flags):
            cell[k + 1] += flag
    return {theme: tuple(cell) for theme, cell in counts.items()}


def quarters_of(p: Period):
    """(bucket, the quarter's part of P) for each calendar quarter P touches."""
    year, quarter = p.start.year, (p.start.month - 1) // 3 + 1
    while (year, quarter) <= (p.end.year, (p.end.month - 1) // 3 + 1):
        first = date(year, 3 * quarter - 2, 1)
        after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        yield (
            year * 10 + quarter,
            Period(max(first, p.start), min(after - timedelta(days=1), p.end)),
        )
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def sql_fko_counts(rows):
    return {
        (r.get("bucket"), r["theme"]): (
            r["n"],
            r["maintained_or_improved"],
            r["improved"],
            r["target_reached"],
        )
        for r in rows
        if r["theme"] is not None and r["grp"] == "all"
    }


def first_latest(series, p: Period):
    """series: (date, value) in insertion order; first on or before P.to, latest in P."""
    before = [s for s in series if s[0] <= p.end]
    inside = [s for s in series if p.start <= s[0] <= p.end]
    if not before or not inside:
        return None
    first = min(enumerate(before), key=lambda x: (x[1][0], x[0]))[1]
    latest = max(enumerate(inside), key=lambda x: (x[1][0], x[0]))[1]
    return (first, latest) if latest[0] > first[0] else None


def sort_events(events):
    """Insertion order = date order with ties kept (ids grow with insertion)."""
    return sorted(enumerate(events), key=lambda x: (x[1][1], x[0]))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(citizens=st.lists(citizen_st, min_size=1, max_size=6), start=day, length=st.integers(0, 500))
def test_sql_equals_reference(session, citizens, start, length):
    p = Period(DAY0 + timedelta(days=start), DAY0 + timedelta(days=start + length))
    team = make.team(session)
    worker = make.user(session, Role.WORKER, [team])
    ref_goals, ref_ors, ref_rem = [], [], []
    for birth_year, goals, ors_list, rem_list in citizens:
        c = make.citizen(session, team, birth_year=birth_year)
        plan = make.plan(session, c, start=date(2023, 1, 1), end=date(2027, 12, 31))
        for theme, events in goals:
            g = make.goal(session, worker, plan, theme=theme)
            ordered = [e for _, e in sort_events(events)]
            for occasion, d, value in ordered:
                fko(session, g, occasion, DAY0 + timedelta(days=d), value)
            ref_goals.append((theme, [(o, DAY0 + timedelta(days=d), v) for o, d, v in ordered]))
        series = []
        for d, tenths in sorted(ors_list, key=lambda x: x[0]):
            total = tenths / 10
            on = DAY0 + timedelta(days=d)
            add_scoring(
                session,
                c,
                "ORS",
                on,
                {"individuelt": total, "interpersonelt": 0, "socialt": 0, "generelt": 0},
            )
            series.append((on, total))
        if fl := first_latest(series, p):
            age = fl[0][0].year - birth_year  # at the first score
            ref_ors.append((fl[0][1], fl[1][1], 32 if age < 13 else 28 if age < 18 else 25))
        rem_series = []
        for d, values in sorted(rem_list, key=lambda x: x[0]):
            on = DAY0 + timedelta(days=d)
            add_scoring(session, c, "REM", on, dict(zip(REM_ITEMS, values, strict=True)))
            rem_series.append((on, values))
        for k, item in enumerate(REM_ITEMS):
            if fl := first_latest([(on, v[k]) for on, v in rem_series], p):
                ref_rem.append((item, fl[0][1], fl[1][1]))
    session.commit()
    try:
        stats = compute(session, p, min_cell=1)
        # FKO
        fko_rows = ref_fko(ref_goals, p)
        total = stats["fko"]["total"]
        if fko_rows:
            assert (
                total["n"],
                total["maintained_or_improved"],
                total["improved"],
                total["target_reached"],
            ) == (
                len(fko_rows),
                sum(r[1] for r in fko_rows),
                sum(r[2] for r in fko_rows),
                sum(r[3] for r in fko_rows),
            )
        else:
            assert total.get("suppressed")
        for theme in THEMES:
            rows = [r for r in fko_rows if r[0] == theme]
            cell = stats["fko"]["by_theme"][theme]
            if rows and not cell.get("suppressed"):
                assert (cell["n"], cell["maintained_or_improved"]) == (
                    len(rows),
                    sum(r[1] for r in rows),
                )
        # ORS
        cell = stats["ors"]
        if ref_ors:
            firsts = [f for f, _, _ in ref_ors]
            changes = [round(latest - f, 1) for f, latest, _ in ref_ors]
            assert cell["n"] == len(ref_ors)
            assert cell["mean_first"] == pytest.approx(statistics.fmean(firsts))
            assert cell["mean_change"] == pytest.approx(statistics.fmean(changes))
            assert cell["reliably_improved"] == sum(ch >= 5 for ch in changes)
            assert cell["reliably_deteriorated"] == sum(ch <= -5 for ch in changes)
            assert cell["clinically_significant"] == sum(
                f <= cut and latest > cut and round(latest - f, 1) >= 5
                for f, latest, cut in ref_ors
            )
            if len(firsts) >= 2 and statistics.stdev(firsts) > 1e-9:
                assert cell["effect_size"] == pytest.approx(
                    statistics.fmean(changes) / statistics.stdev(firsts), rel=1e-6
                )
            else:
                assert cell["effect_size"] is None
        else:
            assert cell.get("suppressed")
        # REM
        for item in REM_ITEMS:
            rows = [(f, latest) for i, f, latest in ref_rem if i == item]
            cell = stats["rem"]["by_indicator"][item]
            if rows:
                assert (cell["n"], cell["improved"], cell["unchanged"], cell["worsened"]) == (
                    len(rows),
                    sum(latest < f for f, latest in rows),
                    sum(latest == f for f, latest in rows),
                    sum(latest > f for f, latest in rows),
                )
                assert cell["mean_first"] == pytest.approx(statistics.fmean(f for f, _ in rows))
            else:
                assert cell.get("suppressed")
        # FKO for every team (PostgreSQL hashes the baselines) and for the team (a seek per
        # goal); for closed and open goals; by quarter, each quarter's part of P a period.
        for scope in (EVERYONE, Scope(team_ids=(team.id,))):
            for only in (None, "closed", "open"):
                rows = fko_counts(session, p, None, replace(scope, goals=only))
                want = {(None, t): c for t, c in ref_fko_counts(ref_goals, p, only).items()}
                assert sql_fko_counts(rows) == want, (scope, only)
            want = {
                (bucket, theme): cell
                for bucket, part in quarters_of(p)
                for theme, cell in ref_fko_counts(ref_goals, part).items()
            }
            assert sql_fko_counts(fko_counts(session, p, None, scope, quarterly=True)) == want
    finally:
        _empty_tables()


def _empty_tables():
    db.session.rollback()
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("PRAGMA defer_foreign_keys = ON"))
        for t in reversed(db.metadata.sorted_tables):
            conn.execute(t.delete())


# ------------------------------------------------------------ documentation on time


def ref_documentation(plans, p: Period, today: date) -> tuple[int, int]:
    """(n, on_time) of domain.md's cadences for FKO, read literally: a status every 3 months
    of the plan (each counted in the window that ends 14 days after its due date) and a final
    at plan end, for each goal open then; a due scoring counts once done or once late."""
    n = on_time = 0
    grace = timedelta(days=14)
    for start, end, goals in plans:
        for created, closed, events in goals:

            def open_at(due, created=created, closed=closed):
                return created <= due and (closed is None or closed >= due)

            k = 1
            while (due := add_months(start, 3 * k)) < end:
                if p.start <= due <= p.end and open_at(due):
                    previous = start if k == 1 else add_months(start, 3 * (k - 1)) + grace
                    done = any(previous < d <= due + grace for _occasion, d in events)
                    if done or due + grace < today:
                        n, on_time = n + 1, on_time + done
                k += 1
            if p.start <= end <= p.end and open_at(end):
                done = any(o == "final" and start < d <= end + grace for o, d in events)
                if done or end + grace < today:
                    n, on_time = n + 1, on_time + done
    return n, on_time


doc_goal_st = st.tuples(
    st.integers(-30, 400),
    st.one_of(st.none(), st.integers(0, 900)),
    st.lists(st.tuples(st.sampled_from(["status", "final"]), st.integers(-20, 1000)), max_size=8),
)
doc_plan_st = st.tuples(
    st.integers(0, 3 * 365), st.integers(90, 900), st.lists(doc_goal_st, min_size=1, max_size=3)
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plans=st.lists(doc_plan_st, min_size=1, max_size=4),
    start=day,
    length=st.integers(60, 800),
    today=st.integers(0, 5 * 365),
)
def test_documentation_equals_reference(session, plans, start, length, today):
    p = Period(DAY0 + timedelta(days=start), DAY0 + timedelta(days=start + length))
    today_date = DAY0 + timedelta(days=today)
    team = make.team(session)
    worker = make.user(session, Role.WORKER, [team])
    ref_plans = []
    for plan_start, plan_days, goals in plans:
        begins = DAY0 + timedelta(days=plan_start)
        ends = begins + timedelta(days=plan_days)
        c = make.citizen(session, team, uses_rem=False, start_date=begins)
        plan = make.plan(session, c, start=begins, end=ends)
        ref_goals = []
        for created, closed, events in goals:
            g = make.goal(session, worker, plan, target_date=ends)
            g.created_on = begins + timedelta(days=created)
            g.closed_on = None if closed is None else begins + timedelta(days=closed)
            dated = [(o, begins + timedelta(days=d)) for o, d in events]
            for occasion, on in dated:
                fko(session, g, occasion, on, 2)
            ref_goals.append((g.created_on, g.closed_on, dated))
        ref_plans.append((begins, ends, ref_goals))
    session.commit()
    try:
        n, on_time = ref_documentation(ref_plans, p, today_date)
        cell = compute(session, p, min_cell=1, today=today_date)["documentation"]
        if n:
            assert (cell["n"], cell["on_time"]) == (n, on_time)
        else:
            assert cell.get("suppressed")
    finally:
        _empty_tables()


# ------------------------------------------------ breakdowns from one cross table


def _same(a, b, path="") -> None:
    """Equal, floats up to rounding (a cross table sums its cells in another order)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _same(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9), path
    else:
        assert a == b, path


breakdown_citizen_st = st.tuples(
    st.integers(0, 2),
    st.sampled_from(["k", "m", "a"]),
    st.sampled_from(["§85", "§82b"]),
    st.tuples(st.booleans(), st.booleans(), st.booleans()),  # uses FKO, FIT, REM
    st.integers(1940, 2012),
    st.integers(0, 3 * 365),
    st.lists(goal_st, max_size=3),
    ors_st,
    rem_st,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    citizens=st.lists(breakdown_citizen_st, min_size=1, max_size=8),
    start=day,
    length=st.integers(0, 500),
    min_cell=st.sampled_from([1, 3]),
)
def test_dashboard_equals_compute(session, citizens, start, length, min_cell):
    """The page's totals and breakdowns, counted as one cross table of team, gender, age,
    legal basis and method, equal compute() without a breakdown and with each dimension on
    its own (suppression included)."""

    p = Period(DAY0 + timedelta(days=start), DAY0 + timedelta(days=start + length))
    today = p.end + timedelta(days=30)
    teams = [make.team(session) for _ in range(3)]
    worker = make.user(session, Role.WORKER, teams)
    for team, gender, basis, methods, birth_year, begins, goals, ors_list, rem_list in citizens:
        c = make.citizen(
            session,
            teams[team],
            gender=gender,
            legal_basis=basis,
            birth_year=birth_year,
            start_date=DAY0 + timedelta(days=begins),
            **dict(zip(("uses_fko", "uses_fit", "uses_rem"), methods, strict=True)),
        )
        days = 180 if basis == "§82b" else 400  # a § 82 b forløb lasts at most 6 months
        plan = make.plan(
            session,
            c,
            start=c.start_date,
            end=c.start_date + timedelta(days=days),
            legal_basis=basis,
        )
        for theme, events in goals:
            g = make.goal(session, worker, plan, theme=theme, target_date=plan.end_date)
            for occasion, d, value in [e for _, e in sort_events(events)]:
                fko(session, g, occasion, DAY0 + timedelta(days=d), value)
        for d, tenths in ors_list:
            add_scoring(
                session,
                c,
                "ORS",
                DAY0 + timedelta(days=d),
                {"individuelt": tenths / 10, "interpersonelt": 0, "socialt": 0, "generelt": 0},
            )
        for d, values in rem_list:
            add_scoring(
                session,
                c,
                "REM",
                DAY0 + timedelta(days=d),
                dict(zip(REM_ITEMS, values, strict=True)),
            )
    session.commit()
    try:
        dash = dashboard(session, p, today=today, min_cell=min_cell)
        _same(dash["current"], compute(session, p, min_cell=min_cell, today=today))
        for by in BREAKDOWNS:
            alone = compute(session, p, by=by, min_cell=min_cell, today=today)["by"]
            _same(dash["breakdowns"][by], alone, by)
    finally:
        _empty_tables()


def test_mark_index_equals_calendar_months(session):
    """The arithmetic for 'the first quarterly mark on or after a day' against the calendar,
    on dates near month ends and leap days, over plans of up to 30 years."""

    rng = random.Random(85)
    starts = [date(2024, 1, 31), date(2024, 2, 29), date(2023, 11, 30), date(2099, 12, 31)]
    starts += [date(1990, 1, 1) + timedelta(days=rng.randrange(40000)) for _ in range(40)]
    cases = []  # days around a mark, where an estimate off by one would show
    for start in starts:
        for _ in range(3):
            mark = add_months(start, 3 * rng.randrange(0, 120))
            cases += [(start, mark + timedelta(days=rng.choice((-4, -3, -1, 0, 1, 3, 4))))]
        cases.append((start, start + timedelta(days=rng.randrange(-30, 30 * 365))))
    selects = [
        select(
            literal(i).label("i"),
            _mark_index(
                literal(s, Date), literal(d, Date), days_between(literal(s, Date), literal(d, Date))
            ).label("k"),
        )
        for i, (s, d) in enumerate(cases)
    ]
    got = dict(session.execute(union_all(*selects)).all())
    for i, (start, day) in enumerate(cases):
        expected = next(k for k in range(1, 200) if add_months(start, 3 * k) >= day)
        assert got[i] == expected, (start, day)


def test_add_months_equals_python(session):
    """The SQL month arithmetic clamps to the month's end exactly like common.time's."""

    days = [date(2024, 1, 28) + timedelta(days=i) for i in range(0, 400, 3)]
    cases = [(d, n) for d in days for n in (-13, -1, 1, 3, 12, 37)][:480]
    selects = [
        select(literal(i).label("i"), sql_add_months(literal(d, Date), literal(n)).label("d"))
        for i, (d, n) in enumerate(cases)
    ]
    got = dict(session.execute(union_all(*selects)).all())
    for i, (d, n) in enumerate(cases):
        value = got[i]
        assert (value if isinstance(value, date) else date.fromisoformat(value)) == (
            add_months(d, n)
        ), (d, n)
