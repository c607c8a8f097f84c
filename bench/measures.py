# ruff: noqa: S608 (SQL built from this file's own constants and the bench's dates)
"""`BENCH_ONLY=measures`: each measure of the engine's one-year call against the fastest
statement we can hand-write for that measure alone, and the whole call (issue 22).

For each measure (FKO mastery, ORS, REM, documentation on time; by=None, every citizen) the
engine's function (`stats.queries.fko_counts`, ...) and every hand-written form below run in
turns in one child process (best of 5 at 5,000 citizens, of 3 above: a slow spell of the
shared machine slows them all), each form is checked to count the same units as the engine
(the same n and counts per theme, item or in total) and the fastest form is the bound. Then
`stats.services.compute()` runs in a fresh process each round, twice: the first call builds
and compiles the statements (as on a server's first call), the second only runs them (the
bench's `stats` part measures that one); best of the rounds, and their range.

The bound forms are plain SQL per database, with the period's dates written in (no
parameters to plan around). Several forms per measure and database, because which is
fastest differs between the databases and the sizes: a form found faster later is added
here, never a slow strawman kept. Each form is a correct reading of domain.md for any data
(several baselines of one goal, finals, ties on a day broken by the id), not only for the
bench's; the packed sort keys assume ids below 10^8 (SQLite) or 10^9 (PostgreSQL).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.serve import module_child

ROOT = Path(__file__).resolve().parent.parent
# BENCH_MEASURES=fko,ors (any of FORMS' keys): only those, while trying forms by hand.
ONLY = [m for m in os.environ.get("BENCH_MEASURES", "").split(",") if m]
TODAY = date(2026, 11, 23)  # as the bench's stats part: the day the data were made up to

# Sort keys packed in one integer (date, then id, then the total in tenths), so that a
# max()/min() per group finds the latest/first row and its total in one aggregate.
PACK = {
    "PostgreSQL": "((({s}.scored_on - DATE '1900-01-01')::bigint * 10000000000000) "
    "+ {s}.id::bigint * 10000 + round({s}.total * 10)::bigint)",
    "SQLite": "(CAST(replace({s}.scored_on, '-', '') AS INTEGER) * 100000000000 "
    "+ {s}.id * 1000 + CAST(round({s}.total * 10) AS INTEGER))",
}
TENTHS = {"PostgreSQL": 10000, "SQLite": 1000}  # the packed key modulo this: the total * 10
FINAL_FIRST = 4000000000000000000  # added to a final's key: finals sort above statuses


def _fko_forms(db: str) -> dict[str, str]:
    pack = PACK[db].format(s="s")
    mod = TENTHS[db]
    counts = """SELECT g.theme, count(*),
  sum(CASE WHEN u.o <= u.b THEN 1 ELSE 0 END), sum(CASE WHEN u.o < u.b THEN 1 ELSE 0 END),
  sum(CASE WHEN u.t IS NOT NULL AND u.o <= u.t THEN 1 ELSE 0 END)
FROM u JOIN goals g ON g.id = u.goal_id WHERE u.b IS NOT NULL GROUP BY g.theme"""
    in_p = "s.scored_on BETWEEN '{start}' AND '{end}'"
    columns = "s.goal_id, s.occasion, s.scored_on, s.id, s.total"
    outcome_key = f"(CASE WHEN s.occasion = 'final' THEN {FINAL_FIRST} ELSE 0 END + {pack})"
    # A seek per goal for its latest baseline and target in the goal index.
    seeks = """u AS (SELECT f.goal_id, f.o,
  (SELECT round(b.total * 10) FROM scorings b WHERE b.goal_id = f.goal_id
   AND b.instrument = 'FKO' AND b.occasion = 'baseline'
   ORDER BY b.scored_on DESC, b.id DESC LIMIT 1) AS b,
  (SELECT round(t.total * 10) FROM scorings t WHERE t.goal_id = f.goal_id
   AND t.instrument = 'FKO' AND t.occasion = 'target'
   ORDER BY t.scored_on DESC, t.id DESC LIMIT 1) AS t
  FROM f)"""
    forms = {
        # One pass over the goals' FKO scorings, grouped by goal: the latest baseline, the
        # latest target and the outcome each a max() of a packed key.
        "one pass, packed max": f"""
WITH k AS (SELECT s.goal_id,
  max(CASE WHEN s.occasion = 'baseline' THEN {pack} END) AS b,
  max(CASE WHEN s.occasion = 'target' THEN {pack} END) AS t,
  max(CASE WHEN s.occasion IN ('status', 'final') AND {in_p} THEN {outcome_key} END) AS o
  FROM scorings s WHERE s.instrument = 'FKO' GROUP BY s.goal_id),
u AS (SELECT goal_id, b % {mod} AS b, t % {mod} AS t, o % {mod} AS o FROM k
      WHERE o IS NOT NULL)
{counts}""",
        # The two index ranges (the statuses in P; every baseline and target) read as one
        # and grouped by goal once: no join between two groupings.
        "two ranges, one grouping": f"""
WITH k AS (SELECT s.goal_id,
  max(CASE WHEN s.occasion = 'baseline' THEN {pack} END) AS b,
  max(CASE WHEN s.occasion = 'target' THEN {pack} END) AS t,
  max(CASE WHEN s.occasion IN ('status', 'final') THEN {outcome_key} END) AS o
  FROM (SELECT {columns} FROM scorings s
        WHERE s.instrument = 'FKO' AND s.occasion IN ('status', 'final') AND {in_p}
        UNION ALL SELECT {columns} FROM scorings s
        WHERE s.instrument = 'FKO' AND s.occasion IN ('baseline', 'target')) AS s
  GROUP BY s.goal_id),
u AS (SELECT goal_id, b % {mod} AS b, t % {mod} AS t, o % {mod} AS o FROM k
      WHERE o IS NOT NULL)
{counts}""",
        # The outcomes in P grouped by goal, the baselines and targets grouped by goal in a
        # second pass, joined by hash.
        "two passes, packed max": f"""
WITH f AS (SELECT s.goal_id, max({outcome_key}) % {mod} AS o FROM scorings s
  WHERE s.instrument = 'FKO' AND s.occasion IN ('status', 'final') AND {in_p}
  GROUP BY s.goal_id),
bt AS (SELECT s.goal_id, max(CASE WHEN s.occasion = 'baseline' THEN {pack} END) % {mod} AS b,
  max(CASE WHEN s.occasion = 'target' THEN {pack} END) % {mod} AS t FROM scorings s
  WHERE s.instrument = 'FKO' AND s.occasion IN ('baseline', 'target') GROUP BY s.goal_id),
u AS (SELECT f.goal_id, f.o, bt.b, bt.t FROM f JOIN bt ON bt.goal_id = f.goal_id)
{counts}""",
        # The outcomes in P grouped by goal, then a seek per goal for its latest baseline
        # and target in the goal index.
        "outcome grouped, seeks": f"""
WITH f AS (SELECT s.goal_id, max({outcome_key}) % {mod} AS o FROM scorings s
  WHERE s.instrument = 'FKO' AND s.occasion IN ('status', 'final') AND {in_p}
  GROUP BY s.goal_id),
{seeks}
{counts}""",
    }
    if db == "PostgreSQL":
        forms["DISTINCT ON, seeks"] = f"""
WITH f AS (SELECT DISTINCT ON (s.goal_id) s.goal_id, round(s.total * 10) AS o FROM scorings s
  WHERE s.instrument = 'FKO' AND s.occasion IN ('status', 'final') AND {in_p}
  ORDER BY s.goal_id, (s.occasion = 'final') DESC, s.scored_on DESC, s.id DESC),
{seeks}
{counts}"""
    else:
        # SQLite's bare column beside max(): the total comes from the max row.
        forms["bare column, seeks"] = f"""
WITH f AS (SELECT s.goal_id, round(s.total * 10) AS o, max({outcome_key}) FROM scorings s
  WHERE s.instrument = 'FKO' AND s.occasion IN ('status', 'final') AND {in_p}
  GROUP BY s.goal_id),
{seeks}
{counts}"""
    return forms


def _ors_cutoff(first_on: str, birth_year: str, db: str) -> str:
    from bostotte import instruments  # noqa: PLC0415 (the child has the app on its path)

    ors = instruments.get("ORS")
    year = (
        f"EXTRACT(YEAR FROM {first_on})"
        if db == "PostgreSQL"
        else f"CAST(substr({first_on}, 1, 4) AS INTEGER)"
    )
    whens = " ".join(
        f"WHEN {year} - {birth_year} <= {high} THEN {value}" for _l, high, value in ors.age_cutoffs
    )
    return f"(CASE {whens} ELSE {ors.cutoffs['adult']} END)"


def _ends_forms(db: str, instrument: str, value: str) -> dict[str, str]:
    """CTE bodies giving e(citizen_id, first_on, first, latest) per citizen who counts for
    `instrument` (first up to P.to, latest in P dated after it); `value` is "total" (in
    tenths) or "id"."""
    pick = "round(s.total * 10)" if value == "total" else "s.id"
    seek_first = f"""(SELECT {pick} FROM scorings s WHERE s.citizen_id = c.id
     AND s.instrument = '{instrument}' AND s.scored_on <= '{{end}}'
     ORDER BY s.scored_on, s.id LIMIT 1)"""
    first_on = f"""(SELECT s.scored_on FROM scorings s WHERE s.citizen_id = c.id
     AND s.instrument = '{instrument}' AND s.scored_on <= '{{end}}'
     ORDER BY s.scored_on, s.id LIMIT 1)"""
    forms = {
        # A seek per citizen for her first, one for her latest (the engine's idea, by hand).
        "seeks per citizen": f"""
f AS (SELECT c.id AS citizen_id, {first_on} AS first_on, {seek_first} AS first
      FROM citizens c),
e0 AS (SELECT f.citizen_id, f.first_on, f.first,
  (SELECT {pick} FROM scorings s WHERE s.citizen_id = f.citizen_id
   AND s.instrument = '{instrument}' AND s.scored_on BETWEEN '{{start}}' AND '{{end}}'
   AND s.scored_on > f.first_on ORDER BY s.scored_on DESC, s.id DESC LIMIT 1) AS latest
  FROM f WHERE f.first_on IS NOT NULL),
e AS (SELECT * FROM e0 WHERE latest IS NOT NULL)""",
    }
    # The engine's idea by hand: the first's date and value packed in one number by one
    # index-only seek per citizen, then one seek for the latest after it, each step
    # materialised so that no seek runs twice.
    width = "10000" if value == "total" else "10000000000"
    if db == "PostgreSQL":
        key = "(s.scored_on - DATE '1900-01-01')::bigint"
        first_on = f"DATE '1900-01-01' + (f.p / {width})::int"
    else:
        key = "CAST(replace(s.scored_on, '-', '') AS INTEGER)"
        first_on = (
            f"printf('%04d-%02d-%02d', f.p / {width} / 10000, f.p / {width} / 100 % 100, "
            f"f.p / {width} % 100)"
        )
    packed_pick = "CAST(round(s.total * 10) AS INTEGER)" if value == "total" else "s.id"
    forms["packed seek per citizen"] = f"""
f AS MATERIALIZED (SELECT c.id AS citizen_id,
  (SELECT {key} * {width} + {packed_pick} FROM scorings s WHERE s.citizen_id = c.id
   AND s.instrument = '{instrument}' AND s.scored_on <= '{{end}}'
   ORDER BY s.scored_on, s.id LIMIT 1) AS p
  FROM citizens c),
g AS MATERIALIZED (SELECT f.citizen_id, {first_on} AS first_on, f.p % {width} AS first
  FROM f WHERE f.p IS NOT NULL),
h AS MATERIALIZED (SELECT g.citizen_id, g.first_on, g.first,
  (SELECT {pick} FROM scorings s WHERE s.citizen_id = g.citizen_id
   AND s.instrument = '{instrument}' AND s.scored_on BETWEEN '{{start}}' AND '{{end}}'
   AND s.scored_on > g.first_on ORDER BY s.scored_on DESC, s.id DESC LIMIT 1) AS latest
  FROM g),
e AS (SELECT * FROM h WHERE latest IS NOT NULL)"""
    if db == "PostgreSQL":
        forms["DISTINCT ON twice"] = f"""
f AS (SELECT DISTINCT ON (s.citizen_id) s.citizen_id, s.scored_on AS first_on,
      {pick} AS first FROM scorings s
      WHERE s.instrument = '{instrument}' AND s.scored_on <= '{{end}}'
      ORDER BY s.citizen_id, s.scored_on, s.id),
l AS (SELECT DISTINCT ON (s.citizen_id) s.citizen_id, s.scored_on AS latest_on,
      {pick} AS latest FROM scorings s
      WHERE s.instrument = '{instrument}' AND s.scored_on BETWEEN '{{start}}' AND '{{end}}'
      ORDER BY s.citizen_id, s.scored_on DESC, s.id DESC),
e AS (SELECT f.citizen_id, f.first_on, f.first, l.latest FROM f
      JOIN l ON l.citizen_id = f.citizen_id AND l.latest_on > f.first_on)"""
    else:
        forms["bare column twice"] = f"""
f AS (SELECT s.citizen_id, s.scored_on AS first_on, {pick} AS first,
      min(CAST(replace(s.scored_on, '-', '') AS INTEGER) * 10000000000 + s.id)
      FROM scorings s WHERE s.instrument = '{instrument}' AND s.scored_on <= '{{end}}'
      GROUP BY s.citizen_id),
l AS (SELECT s.citizen_id, s.scored_on AS latest_on, {pick} AS latest,
      max(CAST(replace(s.scored_on, '-', '') AS INTEGER) * 10000000000 + s.id)
      FROM scorings s WHERE s.instrument = '{instrument}'
      AND s.scored_on BETWEEN '{{start}}' AND '{{end}}' GROUP BY s.citizen_id),
e AS (SELECT f.citizen_id, f.first_on, f.first, l.latest FROM f
      JOIN l ON l.citizen_id = f.citizen_id AND l.latest_on > f.first_on)"""
    return forms


def _ors_forms(db: str) -> dict[str, str]:
    cutoff = _ors_cutoff("e.first_on", "c.birth_year", db)
    body = f"""
u AS (SELECT e.first / 10.0 AS first, e.latest / 10.0 AS latest,
      (e.latest - e.first) / 10.0 AS change, {cutoff} AS cutoff
      FROM e JOIN citizens c ON c.id = e.citizen_id)
SELECT count(*), sum(first), sum(latest),
  sum(CASE WHEN change >= 5 - 1e-6 THEN 1 ELSE 0 END),
  sum(CASE WHEN change <= -5 + 1e-6 THEN 1 ELSE 0 END),
  sum(CASE WHEN first <= cutoff + 1e-6 AND latest > cutoff + 1e-6 AND change >= 5 - 1e-6
      THEN 1 ELSE 0 END)
FROM u"""
    return {name: f"WITH {ends},{body}" for name, ends in _ends_forms(db, "ORS", "total").items()}


def _rem_forms(db: str) -> dict[str, str]:
    body = """
SELECT a.item, count(*), sum(a.value), sum(b.value),
  sum(CASE WHEN b.value < a.value THEN 1 ELSE 0 END),
  sum(CASE WHEN b.value = a.value THEN 1 ELSE 0 END),
  sum(CASE WHEN b.value > a.value THEN 1 ELSE 0 END)
FROM e JOIN scoring_items a ON a.scoring_id = e.first
JOIN scoring_items b ON b.scoring_id = e.latest AND b.item = a.item
GROUP BY a.item"""
    return {name: f"WITH {ends}{body}" for name, ends in _ends_forms(db, "REM", "id").items()}


# Documentation on time (domain.md; the cadences of the reminders): per database its date
# arithmetic, then one statement.
_DATES = {
    "PostgreSQL": {
        "months": "CAST(({d}) + make_interval(months => CAST({n} AS INTEGER)) AS DATE)",
        "days": "CAST(({d}) + {n} AS DATE)",
        "diff": "(CAST({b} AS DATE) - CAST({a} AS DATE))",
        "lit": "DATE '{v}'",
    },
    "SQLite": {
        "months": "(CASE WHEN substr({d}, 9, 2) <= '28' THEN date({d}, ({n}) || ' months') "
        "ELSE min(date({d}, ({n}) || ' months'), "
        "date({d}, 'start of month', (({n}) + 1) || ' months', '-1 day')) END)",
        "days": "date({d}, ({n}) || ' days')",
        "diff": "CAST(julianday({b}) - julianday({a}) AS INTEGER)",
        "lit": "'{v}'",
    },
}


def _documentation_forms(db: str) -> dict[str, str]:
    d = _DATES[db]

    def months(day: str, n: str) -> str:
        return d["months"].format(d=day, n=n)

    def days(day: str, n: str) -> str:
        return d["days"].format(d=day, n=n)

    lit = d["lit"]
    start, end, today = (lit.format(v="{" + v + "}") for v in ("start", "end", "today"))
    near_from, near_to = lit.format(v="{near_from}"), lit.format(v="{near_to}")
    true = "true" if db == "PostgreSQL" else "1"
    # The quarterly marks of each plan that fall in P and before the plan's end: k from a
    # safe estimate (3k months are 89k to 92k days), the exact dates filtered after.
    k_low = f"max(1, {d['diff'].format(a='p.start_date', b=start)} / 92)"
    k_high = f"{d['diff'].format(a='p.start_date', b=end)} / 89 + 1"
    if db == "PostgreSQL":
        k_low = k_low.replace("max(", "greatest(")
        numbers = ""
        series = "CROSS JOIN LATERAL generate_series(sp.k_low, sp.k_high) AS k(k)"
    else:
        numbers = (
            "n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n "
            "WHERE k < (SELECT max(k_high) FROM sp)), "
        )
        series = "JOIN n ON n.k BETWEEN sp.k_low AND sp.k_high"
    marks = f"""
sp AS MATERIALIZED (SELECT p.id AS plan_id, p.start_date, p.end_date, {k_low} AS k_low,
  {k_high} AS k_high
  FROM plans p JOIN citizens c ON c.id = p.citizen_id AND c.uses_fko = {true}
  WHERE p.start_date <= {end} AND p.end_date >= {start}),
{numbers}pm AS MATERIALIZED (SELECT sp.plan_id, sp.end_date,
  {months("sp.start_date", "3 * k")} AS due,
  CASE WHEN k = 1 THEN sp.start_date
       ELSE {days(months("sp.start_date", "3 * (k - 1)"), "14")} END AS previous
  FROM sp {series}),
gm AS (SELECT g.id AS goal_id, {days("pm.due", "14")} AS deadline, pm.previous FROM pm
  JOIN goals g ON g.plan_id = pm.plan_id
  WHERE pm.due BETWEEN {start} AND {end} AND pm.due < pm.end_date
  AND g.created_on <= pm.due AND (g.closed_on IS NULL OR g.closed_on >= pm.due))"""
    status_exists = f"""EXISTS (SELECT 1 FROM scorings s WHERE s.goal_id = gm.goal_id
    AND s.instrument = 'FKO' AND s.occasion IN ('status', 'final')
    AND s.scored_on > gm.previous AND s.scored_on <= gm.deadline
    AND s.scored_on > {near_from} AND s.scored_on <= {near_to})"""
    finals = f"""
SELECT CASE WHEN EXISTS (SELECT 1 FROM scorings s WHERE s.goal_id = g.id AND s.instrument = 'FKO'
    AND s.occasion = 'final' AND s.scored_on > p.start_date
    AND s.scored_on <= {days("p.end_date", "14")}) THEN 1 ELSE 0 END AS done,
  p.end_date AS due
FROM goals g JOIN plans p ON p.id = g.plan_id JOIN citizens c ON c.id = g.citizen_id
WHERE c.uses_fko = {true} AND p.end_date BETWEEN {start} AND {end}
  AND g.created_on <= p.end_date AND (g.closed_on IS NULL OR g.closed_on >= p.end_date)"""
    rem_due = months("c.start_date", "3")
    rem_first = f"""
SELECT CASE WHEN EXISTS (SELECT 1 FROM scorings s WHERE s.citizen_id = c.id
    AND s.instrument = 'REM' AND s.scored_on <= {days(rem_due, "14")}) THEN 1 ELSE 0 END,
  {rem_due}
FROM citizens c WHERE c.uses_rem = {true} AND c.pakke1 = {"false" if true == "true" else "0"}
  AND c.legal_basis = '§85' AND {rem_due} BETWEEN {start} AND {end}"""
    follow_due = months("s.scored_on", "12")
    rem_follow = f"""
SELECT CASE WHEN EXISTS (SELECT 1 FROM scorings x WHERE x.citizen_id = s.citizen_id
    AND x.instrument = 'REM' AND (x.scored_on > s.scored_on
      OR (x.scored_on = s.scored_on AND x.id > s.id))
    AND x.scored_on <= {days(follow_due, "14")}) THEN 1 ELSE 0 END,
  {follow_due}
FROM scorings s JOIN citizens c ON c.id = s.citizen_id
WHERE s.instrument = 'REM' AND s.scored_on >= {lit.format(v="{rem_from}")}
  AND c.uses_rem = {true} AND c.pakke1 = {"false" if true == "true" else "0"}
  AND {follow_due} BETWEEN {start} AND {end}
  AND (c.end_date IS NULL OR c.end_date >= {follow_due})"""
    others = f"""
o AS (SELECT done, due FROM ({finals} UNION ALL {rem_first} UNION ALL {rem_follow}) AS x)"""
    total = f"""
SELECT sum(n), sum(on_time) FROM (
  SELECT CASE WHEN done = 1 OR deadline < {today} THEN 1 ELSE 0 END AS n, done AS on_time
  FROM st
  UNION ALL
  SELECT CASE WHEN done = 1 OR {days("due", "14")} < {today} THEN 1 ELSE 0 END, done FROM o
) AS t"""
    recursive = "RECURSIVE " if db == "SQLite" else ""
    forms = {
        # Each goal's mark looks for a status in its window in the goal index.
        "marks listed, EXISTS per mark": f"""
WITH {recursive}{marks},
st AS (SELECT gm.deadline, CASE WHEN {status_exists} THEN 1 ELSE 0 END AS done FROM gm),
{others}
{total}""",
        # The statuses near P joined to the marks once, each mark done if any status falls
        # in its window.
        # Each mark that was done (a semi-join: PostgreSQL hashes the statuses near P once)
        # counts n = 1 - late and on time; each late mark n = 1 besides, so a mark both
        # done and late counts once. The marks materialised once (read twice).
        "marks listed, semi-join and late rows": f"""
WITH {recursive}{marks.replace("gm AS (SELECT", "gm AS MATERIALIZED (SELECT", 1)},
{others}
SELECT sum(n), sum(on_time) FROM (
  SELECT CASE WHEN gm.deadline < {today} THEN 0 ELSE 1 END AS n, 1 AS on_time FROM gm
  WHERE {status_exists}
  UNION ALL
  SELECT 1, 0 FROM gm WHERE gm.deadline < {today}
  UNION ALL
  SELECT CASE WHEN done = 1 OR {days("due", "14")} < {today} THEN 1 ELSE 0 END, done FROM o
) AS t""",
        "marks listed, statuses joined": f"""
WITH {recursive}{marks},
near AS (SELECT s.goal_id, s.scored_on FROM scorings s WHERE s.instrument = 'FKO'
  AND s.occasion IN ('status', 'final')
  AND s.scored_on > {near_from} AND s.scored_on <= {near_to}),
hit AS (SELECT DISTINCT gm.goal_id, gm.deadline FROM gm JOIN near
  ON near.goal_id = gm.goal_id AND near.scored_on > gm.previous
  AND near.scored_on <= gm.deadline),
st AS (SELECT gm.deadline, CASE WHEN hit.goal_id IS NULL THEN 0 ELSE 1 END AS done FROM gm
  LEFT JOIN hit ON hit.goal_id = gm.goal_id AND hit.deadline = gm.deadline),
{others}
{total}""",
    }
    return forms


FORMS = {
    "fko": _fko_forms,
    "ors": _ors_forms,
    "rem": _rem_forms,
    "documentation": _documentation_forms,
}
LABELS = {
    "fko": "FKO mastery",
    "ors": "ORS",
    "rem": "REM",
    "documentation": "documentation on time",
}


def _dates(start: date, end: date) -> dict[str, str]:
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "today": TODAY.isoformat(),
        "near_from": (start - timedelta(days=92)).isoformat(),
        "near_to": (end + timedelta(days=14)).isoformat(),
        "rem_from": (start - timedelta(days=366)).isoformat(),
    }


# ---------------------------------------------------------------- the units, compared


def _engine_units(measure: str, rows: list[dict[str, Any]]) -> Any:
    if measure == "fko":
        return sorted(
            (r["theme"], r["n"], r["maintained_or_improved"], r["improved"], r["target_reached"])
            for r in rows
            if r["theme"] is not None
        )
    if measure == "ors":
        return sorted(
            (
                r["n"],
                round(r["sum_first"], 1),
                round(r["sum_latest"], 1),
                r["reliably_improved"],
                r["reliably_deteriorated"],
                r["clinically_significant"],
            )
            for r in rows
            if r["n"]
        )
    if measure == "rem":
        return sorted(
            (
                r["item"],
                r["n"],
                round(r["sum_first"], 1),
                round(r["sum_latest"], 1),
                r["improved"],
                r["unchanged"],
                r["worsened"],
            )
            for r in rows
        )
    return sorted((r["n"], r["on_time"]) for r in rows if r["n"])


def _bound_units(measure: str, rows: list[tuple[Any, ...]]) -> Any:
    if measure == "fko":
        return sorted(tuple(r) for r in rows)
    if measure == "ors":
        return sorted(
            (r[0], round(float(r[1]), 1), round(float(r[2]), 1), r[3], r[4], r[5])
            for r in rows
            if r[0]
        )
    if measure == "rem":
        return sorted(
            (r[0], r[1], round(float(r[2]), 1), round(float(r[3]), 1), r[4], r[5], r[6])
            for r in rows
        )
    return sorted((int(r[0]), int(r[1])) for r in rows if r[0])


# ---------------------------------------------------------------- the child processes


def _app(url: str) -> Any:
    from bostotte import create_app  # noqa: PLC0415
    from bostotte.config import normalise_db_url  # noqa: PLC0415

    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_db_url(url)})


def _child_measures(name: str, url: str, start: date, end: date, rounds: int) -> dict[str, Any]:
    from sqlalchemy import text  # noqa: PLC0415

    from bostotte.extensions import db  # noqa: PLC0415
    from bostotte.stats import queries  # noqa: PLC0415

    period = queries.Period(start, end)
    engine = {
        "fko": lambda: queries.fko_counts(db.session, period, None),
        "ors": lambda: queries.ors_counts(db.session, period, None),
        "rem": lambda: queries.rem_counts(db.session, period, None),
        "documentation": lambda: queries.documentation_counts(db.session, period, None, TODAY),
    }
    out: dict[str, Any] = {}
    with _app(url).app_context():
        for measure, forms_of in FORMS.items():
            if ONLY and measure not in ONLY:
                continue
            forms = {
                form: text(sql.format(**_dates(start, end))) for form, sql in forms_of(name).items()
            }
            times: dict[str, list[float]] = {"engine": [], **{f: [] for f in forms}}
            units: dict[str, Any] = {}
            for _ in range(rounds):
                t = time.perf_counter()
                rows = engine[measure]()
                times["engine"].append(time.perf_counter() - t)
                units["engine"] = _engine_units(measure, rows)
                db.session.rollback()
                for form, statement in forms.items():
                    with db.engine.connect() as conn:
                        t = time.perf_counter()
                        got = conn.execute(statement).all()
                        times[form].append(time.perf_counter() - t)
                    units[form] = _bound_units(measure, [tuple(r) for r in got])
            wrong = {f: u for f, u in units.items() if u != units["engine"]}
            if wrong:
                raise AssertionError(
                    f"{name} {measure}: a bound counts other units than the engine "
                    f"{units['engine']}: {wrong}"
                )
            best = {f: min(ts) for f, ts in times.items()}
            out[measure] = {
                "engine": best["engine"],
                "forms": {f: best[f] for f in forms},
                "units": len(units["engine"]),
            }
    return out


def _child_whole(url: str, start: date, end: date) -> dict[str, Any]:
    from bostotte.extensions import db  # noqa: PLC0415
    from bostotte.stats.queries import Period  # noqa: PLC0415
    from bostotte.stats.services import compute  # noqa: PLC0415

    with _app(url).app_context():
        # The first call builds and compiles the statements (and opens the connection);
        # the second, as on a server that has answered once, only runs them.
        times = []
        for _ in range(2):
            t = time.perf_counter()
            compute(db.session, Period(start, end), today=TODAY)
            times.append(time.perf_counter() - t)
            db.session.rollback()
        return {"cold": times[0], "warm": times[1]}


def _spawn(*args: str) -> dict[str, Any]:
    return module_child("bench.measures", list(args), f"measures {args[0]}")


def run(name: str, url: str, period: tuple[str, str]) -> str:
    """One line: per measure engine / bound (its form) / ratio, then the whole call cold."""
    size = int(url.rsplit("_", 1)[-1]) if name == "PostgreSQL" else _size_of(url)
    rounds = 5 if size <= 5000 else 3
    got = _spawn("measures", name, url, *period, str(rounds))
    parts = []
    for measure, m in got.items():
        form, bound = min(m["forms"].items(), key=lambda x: x[1])
        parts.append(
            f"{LABELS[measure]} {m['engine'] * 1000:.0f} ms / bound {bound * 1000:.0f} ms "
            f"({form}) = {m['engine'] / bound:.2f}x (target ≤ 1.5x)"
        )
    whole = [_spawn("whole", name, url, *period) for _ in range(rounds)]
    cold, warm = ([w[k] for w in whole] for k in ("cold", "warm"))
    parts.append(
        f"compute() first call in a fresh process {min(cold) * 1000:.0f} ms "
        f"({min(cold) * 1000:.0f}–{max(cold) * 1000:.0f}), second call "
        f"{min(warm) * 1000:.0f} ms ({min(warm) * 1000:.0f}–{max(warm) * 1000:.0f}; "
        f"best of {rounds} processes; target ≤ 2 s at 50,000 on PostgreSQL)"
    )
    # Every form's time, for the notes: which form is fastest where.
    print(json.dumps({"name": name, "size": size, "measures": got, "whole": whole}), flush=True)
    return " | ".join(parts)


def _size_of(url: str) -> int:
    stem = Path(url.removeprefix("sqlite:///")).stem  # bench-5000
    return int(stem.rsplit("-", 1)[-1])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    mode, db_name, db_url, p_start, p_end = sys.argv[1:6]
    first, last = date.fromisoformat(p_start), date.fromisoformat(p_end)
    if mode == "measures":
        result = _child_measures(db_name, db_url, first, last, int(sys.argv[6]))
    else:
        result = _child_whole(db_url, first, last)
    print(json.dumps(result))
