"""Shape the SQL counts into the statistics of domain.md: shares, means, effect size,
Wilson intervals, leader targets and small-cell suppression."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select

from bostotte import instruments
from bostotte.auth.models import User
from bostotte.common.db import Session
from bostotte.common.schema import DomainError
from bostotte.goals.models import ALL_THEMES, THEMES
from bostotte.stats import queries
from bostotte.stats.models import StatTarget
from bostotte.stats.queries import DIMENSIONS, EVERYONE, Period, Scope

Z95 = 1.959963984540054
DEFAULT_MIN_CELL = 5
FKO_COUNTS = ("maintained_or_improved", "improved", "target_reached")
ORS_COUNTS = ("reliably_improved", "reliably_deteriorated", "clinically_significant")
REM_COUNTS = ("improved", "unchanged", "worsened")

Cell = dict[str, Any]
Rows = dict[str, list[dict[str, Any]]]  # per measure, its rows from the SQL


def wilson(k: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """95 % Wilson score interval for k of n: honest bounds even for small n."""
    if n <= 0:
        return None, None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def suppressed(raw_n: int = 0) -> Cell:
    # "_n" keeps the true count for complementary suppression; _strip removes it.
    return {"n": None, "suppressed": True, "_n": raw_n}


def _fko_cell(row: dict[str, Any] | None, min_cell: int) -> Cell:
    n = int(row["n"]) if row else 0
    if n < min_cell or n == 0:
        return suppressed(n)
    assert row is not None
    cell: Cell = {"n": n, **{k: int(row[k]) for k in FKO_COUNTS}}
    cell["share"] = cell["maintained_or_improved"] / n
    cell["ci_low"], cell["ci_high"] = wilson(cell["maintained_or_improved"], n)
    return cell


def _ors_cell(row: dict[str, Any] | None, min_cell: int) -> Cell:
    n = int(row["n"]) if row else 0
    if n < min_cell or n == 0:
        return suppressed(n)
    assert row is not None
    mean_first = row["sum_first"] / n
    effect = None
    if n >= 2:
        variance = (row["sum_first_sq"] - row["sum_first"] ** 2 / n) / (n - 1)
        if variance > 1e-9:  # SD = 0 (all first scores equal): no effect size
            effect = (row["sum_change"] / n) / math.sqrt(variance)
    return {
        "n": n,
        "mean_first": mean_first,
        "mean_latest": row["sum_latest"] / n,
        "mean_change": row["sum_change"] / n,
        **{k: int(row[k]) for k in ORS_COUNTS},
        "effect_size": effect,
    }


def _rem_cell(row: dict[str, Any] | None, min_cell: int) -> Cell:
    n = int(row["n"]) if row else 0
    if n < min_cell or n == 0:
        return suppressed(n)
    assert row is not None
    return {
        "n": n,
        "mean_first": row["sum_first"] / n,
        "mean_latest": row["sum_latest"] / n,
        **{k: int(row[k]) for k in REM_COUNTS},
    }


def protect_siblings(cells: Iterable[Cell]) -> None:
    """Complementary suppression: when exactly one of several sibling cells hides a small
    count, a reader could subtract the others from the total; hide the smallest other one
    too, marked `complementary` so it says why. Empty cells reveal nothing and need no
    partner."""
    cells = list(cells)
    hidden = [c for c in cells if c.get("suppressed") and c.get("_n")]
    shown = [c for c in cells if not c.get("suppressed")]
    if len(hidden) == 1 and shown:
        smallest = min(shown, key=lambda c: c["n"])
        raw = smallest["n"]
        smallest.clear()
        smallest.update(suppressed(raw), complementary=True)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "_n"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _documentation_cell(row: dict[str, Any] | None, min_cell: int) -> Cell:
    n = int(row["n"]) if row else 0
    if n < min_cell or n == 0:
        return suppressed(n)
    assert row is not None
    on_time = int(row["on_time"])
    low, high = wilson(on_time, n)
    return {"n": n, "on_time": on_time, "share": on_time / n, "ci_low": low, "ci_high": high}


def _fko_measure(fko_rows: list[dict[str, Any]], grp: Any, min_cell: int) -> dict[str, Any]:
    """FKO mastery in total and per theme of one group, the themes protecting each other."""
    fko_by_theme = {r["theme"]: r for r in fko_rows if r["grp"] == grp and r["theme"]}
    fko_total = next((r for r in fko_rows if r["grp"] == grp and r["theme"] is None), None)
    themes = list(THEMES) + sorted(t for t in fko_by_theme if t not in THEMES)
    by_theme = {t: _fko_cell(fko_by_theme.get(t), min_cell) for t in themes}
    protect_siblings(by_theme.values())
    return {"total": _fko_cell(fko_total, min_cell), "by_theme": by_theme}


def _measures(rows: Rows, grp: str, min_cell: int) -> dict[str, Any]:
    ors_rows, rem_rows = rows["ors"], rows["rem"]
    ors_row = next((r for r in ors_rows if r["grp"] == grp), None)
    rem_by_item = {r["item"]: r for r in rem_rows if r["grp"] == grp}
    return {
        "fko": _fko_measure(rows["fko"], grp, min_cell),
        "ors": _ors_cell(ors_row, min_cell),
        "rem": {
            "by_indicator": {
                item: _rem_cell(rem_by_item.get(item), min_cell)
                for item in instruments.get("REM").item_ids
            }
        },
        "documentation": _documentation_cell(
            next((r for r in rows["documentation"] if r["grp"] == grp), None), min_cell
        ),
    }


def _rows(
    session: Session, period: Period, by: queries.Dimension, today: date, scope: Scope
) -> Rows:
    return {
        "fko": queries.fko_counts(session, period, by, scope),
        "ors": queries.ors_counts(session, period, by, scope),
        "rem": queries.rem_counts(session, period, by, scope),
        "documentation": queries.documentation_counts(session, period, by, today, scope),
    }


FIRST_YEAR, LAST_YEAR = 2000, 2100  # beyond these a date is a typing slip


def _check(period: Period, by: str | None = None) -> None:
    if period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
        raise DomainError(f"Vælg datoer mellem {FIRST_YEAR} og {LAST_YEAR}.", "from")
    if period.end < period.start:
        raise DomainError("Perioden slutter før den begynder.", "to")
    if by is not None and by not in DIMENSIONS:
        raise DomainError(f"Ukendt opdeling: {by}. Vælg en af {', '.join(DIMENSIONS)}.", "by")


def compute(
    session: Session,
    period: Period,
    *,
    by: str | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
    today: date | None = None,
    scope: Scope = EVERYONE,
) -> dict[str, Any]:
    """The statistics for a period, optionally broken down by one dimension.

    `today` decides which due scorings are late already (default: all of P is past);
    `scope` narrows the citizens counted (a leader's teams, one theme).
    Issues a fixed number of queries (5, or 9 with a breakdown) whatever the data size.
    """
    today = today or date.max
    _check(period, by)
    rows = _rows(session, period, None, today, scope)
    result = _overall(session, period, rows, min_cell, target_team(scope))
    if by is not None:
        result["by"] = _breakdown(session, period, by, today, scope, min_cell)
    return _strip(result)


def _overall(
    session: Session, period: Period, rows: Rows, min_cell: int, team_id: int | None
) -> dict[str, Any]:
    """compute()'s result without a breakdown, from the rows of group "all"."""
    overall = _measures(rows, "all", min_cell)
    attach_targets(overall["fko"]["by_theme"], targets_for(session, period, team_id))
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "min_cell": min_cell,
        **overall,
    }


def breakdowns(
    session: Session,
    period: Period,
    dimensions: tuple[str, ...],
    cells: Rows,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    today: date | None = None,
    scope: Scope = EVERYONE,
) -> dict[str, dict[str, Any]]:
    """compute(by=d)["by"] for several dimensions d: those of queries.CROSSED summed from
    `cells` (the cross table, `_cells`), any other in 4 queries of its own.

    (One statement for all dimensions at once, joining a union of memberships, was tried:
    SQLite's planner then joins without an index and takes longer than the separate ones.)
    """
    for by in dimensions:
        _check(period, by)
    today = today or date.max
    return _strip(
        {
            by: _groups(
                _margin(cells, by)
                if by in queries.CROSSED
                else _rows(session, period, by, today, scope),
                by,
                min_cell,
            )
            for by in dimensions
        }
    )


def _cells(session: Session, period: Period, today: date, scope: Scope) -> Rows:
    """The cross table of queries.CROSSED."""
    return _rows(session, period, queries.CROSSED, today, scope)


# The columns that tell rows of one group apart (beside grp); every other one is a count or
# a sum, so a group's value is the sum of its cells'.
ROW_KEYS = ("theme", "item", "bucket", "kind")


def _margin(cells: Rows, by: str | None) -> Rows:
    """The rows of one dimension (column grp), or of everyone (by None: group "all"), from
    the rows of the cross table."""
    margin: Rows = {}
    for measure, rows in cells.items():
        sums: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in rows:
            keys = {k: row[k] for k in ROW_KEYS if k in row}
            values = {k: v for k, v in row.items() if not k.startswith("grp") and k not in keys}
            for grp in _cell_groups(row, by):
                group = (grp, *keys.values())
                if group in sums:
                    for k, v in values.items():
                        sums[group][k] += v
                else:
                    sums[group] = {"grp": grp, **keys, **values}
        margin[measure] = list(sums.values())
    return margin


def _cell_groups(row: dict[str, Any], by: str | None) -> list[Any]:
    """The groups of `by` a cell of the cross table counts in (a citizen may use several
    methods, and counts in each)."""
    if by is None:
        return ["all"]
    if by == "method":
        return [
            k.removeprefix("grp_method_")
            for k, v in row.items()
            if k.startswith("grp_method_") and v
        ]
    return [row[f"grp_{by}"]]


def _breakdown(
    session: Session, period: Period, by: str, today: date, scope: Scope, min_cell: int
) -> dict[str, Any]:
    return _groups(_rows(session, period, by, today, scope), by, min_cell)


def _groups(rows: Rows, by: str, min_cell: int) -> dict[str, Any]:
    names = sorted({r["grp"] for kind in rows.values() for r in kind}, key=str)
    groups = {str(g): _measures(rows, g, min_cell) for g in names}
    for path in (("fko", "total"), ("ors",), ("documentation",)):
        protect_siblings(_dig(m, path) for m in groups.values())
    return {"dimension": by, "groups": groups}


def fko_mastery(
    session: Session, period: Period, *, min_cell: int = DEFAULT_MIN_CELL, scope: Scope = EVERYONE
) -> dict[str, Any]:
    """compute(…)["fko"] alone, without targets (one query): e.g. last period's shares."""
    _check(period)
    return _strip(_fko_measure(queries.fko_counts(session, period, None, scope), "all", min_cell))


Quarter = tuple[int, int]  # (year, quarter 1–4)


def quarters_until(day: date, count: int) -> list[Quarter]:
    """The `count` calendar quarters up to and including the one `day` falls in."""
    index = day.year * 4 + (day.month - 1) // 3
    return [(k // 4, k % 4 + 1) for k in range(index - count + 1, index + 1)]


def year_period(year: int) -> Period:
    """The calendar year: a target's usual span, a baseline year, a resultatdokumentation."""
    return Period(date(year, 1, 1), date(year, 12, 31))


def quarter_period(q: Quarter) -> Period:
    start = date(q[0], 3 * q[1] - 2, 1)
    end = date(q[0] + 1, 1, 1) if q[1] == 4 else date(q[0], 3 * q[1] + 1, 1)
    return Period(start, end - timedelta(days=1))


def fko_trend(
    session: Session,
    quarters: list[Quarter],
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    scope: Scope = EVERYONE,
) -> list[dict[str, Any]]:
    """FKO mastery per calendar quarter (each quarter read as a period P of its own), in
    one query: [{"quarter": (2025, 1), "total": cell, "by_theme": {...}}, …]."""
    if not quarters:
        return []
    span = Period(quarter_period(quarters[0]).start, quarter_period(quarters[-1]).end)
    rows = queries.fko_counts(session, span, None, scope, quarterly=True)
    result = []
    for year, q in quarters:
        in_quarter = [r for r in rows if r["bucket"] == year * 10 + q]
        result.append({"quarter": (year, q), **_fko_measure(in_quarter, "all", min_cell)})
    return _strip(result)


def documentation_by_worker(
    session: Session,
    period: Period,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    today: date | None = None,
    scope: Scope = EVERYONE,
) -> list[dict[str, Any]]:
    """Documentation on time per contact person (two queries), with how many due scorings
    of each kind were not done on time. Counts only: no citizen is named.

    [{"worker_id": 7 or None, "name": "…", "documentation": cell, "late": {kind: k}}]
    sorted by name; the citizens without a contact person last.
    """
    _check(period)
    rows = queries.documentation_counts(
        session, period, "worker", today or date.max, scope, by_kind=True
    )
    totals: dict[Any, dict[str, Any]] = {}
    late: dict[Any, dict[str, int]] = {}
    for row in rows:
        total = totals.setdefault(row["grp"], {"grp": row["grp"], "n": 0, "on_time": 0})
        total["n"] += row["n"]
        total["on_time"] += row["on_time"]
        if row["n"] > row["on_time"]:
            late.setdefault(row["grp"], {})[row["kind"]] = int(row["n"] - row["on_time"])
    ids = [g for g in totals if g is not None]
    names: dict[int, str] = {}
    if ids:
        names = dict(
            session.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all()
        )
    workers = []
    for grp, row in totals.items():
        cell = _documentation_cell(row, min_cell)
        workers.append(
            {
                "worker_id": grp,
                "name": names.get(grp, NO_CONTACT) if grp else NO_CONTACT,
                "documentation": cell,
                "late": late.get(grp, {}) if not cell.get("suppressed") else {},
            }
        )
    protect_siblings(w["documentation"] for w in workers)
    for w in workers:  # a cell hidden by its sibling hides its late counts too
        if w["documentation"].get("suppressed"):
            w["late"] = {}
    workers.sort(key=lambda w: (w["worker_id"] is None, w["name"].casefold()))
    return _strip(workers)


NO_CONTACT = "Ingen kontaktperson"

# ------------------------------------------------------------------ the leader's dashboard

BREAKDOWNS = ("team", "method", "pedagogy", "gender", "age", "legal_basis")
TREND_QUARTERS = 12  # three years


def previous_period(period: Period) -> Period:
    """The period to compare with: the same dates one year earlier (a quarter or the year so
    far meets the same season), or as many whole years earlier as the period is long (the
    two-year agreement 2019–2020 of seed 001 is compared with 2017–2018)."""
    years = max(1, math.ceil(((period.end - period.start).days + 1) / 366))
    return Period(_years_earlier(period.start, years), _years_earlier(period.end, years))


def _years_earlier(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def dashboard(
    session: Session,
    period: Period,
    *,
    today: date,
    scope: Scope = EVERYONE,
    min_cell: int = DEFAULT_MIN_CELL,
    by_worker: bool = True,
    compare_with: Period | None = None,
) -> dict[str, Any]:
    """Every number of the leader's page, its CSV and the report to the socialudvalg: the
    period's statistics, the FKO shares of the period compared with (`compare_with`, a
    baseline year the leader chose, else the previous period), three years of quarters, the
    breakdowns and documentation per worker (not `by_worker`: none, one query fewer;
    myndighed reads no staff's numbers). A fixed number of queries (13) whatever the data
    size."""
    _check(period)
    previous = compare_with or previous_period(period)
    # A baseline year counts the goals closed in it (seed 001: "status på afsluttede
    # handleplansmål for år 2017"); the previous period counts the same goals as P.
    previous_scope = replace(scope, goals="closed") if compare_with else scope
    # The period's totals and its breakdowns are sums of one cross table's cells.
    cells = _cells(session, period, today, scope)
    return {
        "current": _strip(
            _overall(session, period, _margin(cells, None), min_cell, target_team(scope))
        ),
        "previous_period": previous,
        "previous": fko_mastery(session, previous, min_cell=min_cell, scope=previous_scope),
        "trend": fko_trend(
            session,
            quarters_until(min(period.end, today), TREND_QUARTERS),
            min_cell=min_cell,
            scope=scope,
        ),
        "breakdowns": breakdowns(
            session, period, BREAKDOWNS, cells, min_cell=min_cell, today=today, scope=scope
        ),
        "workers": (
            documentation_by_worker(session, period, min_cell=min_cell, today=today, scope=scope)
            if by_worker
            else []
        ),
    }


def _dig(cell: dict[str, Any], path: tuple[str, ...]) -> Cell:
    for key in path:
        cell = cell[key]
    return cell


# ------------------------------------------------------------------------------ targets


def set_target(
    session: Session,
    theme: str,
    period: Period,
    share: float,
    user_id: int | None = None,
    team_id: int | None = None,
) -> StatTarget:
    """The target of one team (a leader's, for a team she leads: the caller checks), or
    with no team the municipality's."""
    if theme not in ALL_THEMES:
        raise DomainError("Ukendt tema.", "theme")
    if not 0 <= share <= 1:
        raise DomainError("Målet skal være en andel mellem 0 og 1 (fx 0,63).", "share")
    if period.end < period.start:
        raise DomainError("Perioden slutter før den begynder.", "to")
    target = session.scalar(
        select(StatTarget).where(
            StatTarget.team_id.is_(None) if team_id is None else StatTarget.team_id == team_id,
            StatTarget.theme == theme,
            StatTarget.period_from == period.start,
            StatTarget.period_to == period.end,
        )
    )
    if target is None:
        target = StatTarget(
            team_id=team_id,
            theme=theme,
            period_from=period.start,
            period_to=period.end,
            share=share,
            set_by_id=user_id,
        )
        session.add(target)
    else:
        target.share, target.set_by_id = share, user_id
    session.flush()
    return target


def set_team_target(
    session: Session, scope: Scope, theme: str, period: Period, share: float, user_id: int
) -> StatTarget:
    """A leader's target, for the one team of her view (`scope`, her teams only)."""
    team_id = target_team(scope)
    if team_id is None:
        raise DomainError("Vælg ét team øverst på siden: et mål gælder ét team.", "team")
    return set_target(session, theme, period, share, user_id, team_id)


def target_team(scope: Scope) -> int | None:
    """The team whose own targets a view shows: the one team it counts, else none (the
    municipality's targets, as for several teams or everyone)."""
    teams = scope.team_ids
    return teams[0] if teams is not None and len(teams) == 1 else None


def targets_for(session: Session, period: Period, team_id: int | None = None) -> dict[str, float]:
    """The target per theme for a period: the one whose period covers it, the narrowest;
    the team's own before the municipality's. Another team's is never read."""
    rows = session.scalars(
        select(StatTarget).where(
            StatTarget.period_from <= period.start,
            StatTarget.period_to >= period.end,
            or_(StatTarget.team_id.is_(None), StatTarget.team_id == team_id),
        )
    )
    chosen: dict[str, StatTarget] = {}
    for t in rows:
        best = chosen.get(t.theme)
        if best is None or _ranks_before(t, best):
            chosen[t.theme] = t
    return {theme: t.share for theme, t in chosen.items()}


def _ranks_before(t: StatTarget, other: StatTarget) -> bool:
    own = (t.team_id is None, t.period_to - t.period_from)
    return own < (other.team_id is None, other.period_to - other.period_from)


def attach_targets(by_theme: dict[str, Cell], targets: dict[str, float]) -> None:
    for theme, share in targets.items():
        if theme in by_theme:
            by_theme[theme]["target"] = share


# --------------------------------------------------------------------------- flat table

CSV_COLUMNS = (
    "measure",
    "dimension",
    "group",
    "key",
    "n",
    "suppressed",
    "maintained_or_improved",
    "improved",
    "target_reached",
    "share",
    "ci_low",
    "ci_high",
    "target",
    "mean_first",
    "mean_latest",
    "mean_change",
    "reliably_improved",
    "reliably_deteriorated",
    "clinically_significant",
    "effect_size",
    "unchanged",
    "worsened",
    "on_time",
)


def flat_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The same numbers as one row per cell (CSV and spreadsheet exports)."""
    rows = _flat(stats, "", "")
    if "by" in stats:
        for name, measures in stats["by"]["groups"].items():
            rows += _flat(measures, stats["by"]["dimension"], name)
    return rows


def _flat(measures: dict[str, Any], dimension: str, group: str) -> list[dict[str, Any]]:
    """One row per cell of the measures present (a trend quarter has only FKO)."""
    cells: list[tuple[str, str, Cell]] = []
    if "fko" in measures:
        cells.append(("fko", "total", measures["fko"]["total"]))
        cells += [("fko", t, c) for t, c in measures["fko"]["by_theme"].items()]
    if "ors" in measures:
        cells.append(("ors", "total", measures["ors"]))
    if "documentation" in measures:
        cells.append(("documentation", "total", measures["documentation"]))
    if "rem" in measures:
        cells += [("rem", i, c) for i, c in measures["rem"]["by_indicator"].items()]
    return [
        {
            "measure": measure,
            "dimension": dimension,
            "group": group,
            "key": key,
            "suppressed": bool(cell.get("suppressed")),
            **{k: v for k, v in cell.items() if k != "suppressed"},
        }
        for measure, key, cell in cells
    ]


def dashboard_rows(dash: dict[str, Any]) -> list[dict[str, Any]]:
    """Every number of dashboard() as flat rows, each with its period (`from`, `to`):
    the period, its breakdowns, last period's FKO and the quarters. No numbers per worker:
    the rows go to the socialudvalg (views.export_csv), and staff are named only on the
    leader's page."""
    current = dash["current"]
    span = {"from": current["period"]["from"], "to": current["period"]["to"]}
    rows = [{**span, **r} for r in _flat(current, "", "")]
    for by, result in dash["breakdowns"].items():
        for name, measures in result["groups"].items():
            rows += [{**span, **r} for r in _flat(measures, by, name)]
    previous = dash["previous_period"]
    rows += [
        {"from": previous.start.isoformat(), "to": previous.end.isoformat(), **r}
        for r in _flat({"fko": dash["previous"]}, "previous", "")
    ]
    for quarter in dash["trend"]:
        p = quarter_period(quarter["quarter"])
        rows += [
            {"from": p.start.isoformat(), "to": p.end.isoformat(), **r}
            for r in _flat(
                {"fko": quarter}, "quarter", f"{quarter['quarter'][0]}-K{quarter['quarter'][1]}"
            )
        ]
    return rows


def period_from_args(start: str | None, end: str | None, today: date) -> Period:
    """Default: the calendar year of `today` (domain.md)."""
    try:
        p_start = date.fromisoformat(start) if start else date(today.year, 1, 1)
        p_end = date.fromisoformat(end) if end else date(today.year, 12, 31)
    except ValueError as exc:
        raise DomainError("Skriv datoer som ÅÅÅÅ-MM-DD.") from exc
    return Period(p_start, p_end)
