"""Shape the SQL counts into the statistics of domain.md: shares, means, effect size,
Wilson intervals, leader targets and small-cell suppression."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from bostotte import instruments
from bostotte.common.db import Session
from bostotte.common.schema import DomainError
from bostotte.goals.models import ALL_THEMES, THEMES
from bostotte.stats import queries
from bostotte.stats.models import StatTarget
from bostotte.stats.queries import DIMENSIONS, Period

Z95 = 1.959963984540054
DEFAULT_MIN_CELL = 5
FKO_COUNTS = ("maintained_or_improved", "improved", "target_reached")
ORS_COUNTS = ("reliably_improved", "reliably_deteriorated", "clinically_significant")
REM_COUNTS = ("improved", "unchanged", "worsened")

Cell = dict[str, Any]


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
    return {"n": n, "mean_first": mean_first, "mean_latest": row["sum_latest"] / n,
            "mean_change": row["sum_change"] / n, **{k: int(row[k]) for k in ORS_COUNTS},
            "effect_size": effect}


def _rem_cell(row: dict[str, Any] | None, min_cell: int) -> Cell:
    n = int(row["n"]) if row else 0
    if n < min_cell or n == 0:
        return suppressed(n)
    assert row is not None
    return {"n": n, "mean_first": row["sum_first"] / n, "mean_latest": row["sum_latest"] / n,
            **{k: int(row[k]) for k in REM_COUNTS}}


def protect_siblings(cells: Iterable[Cell]) -> None:
    """Complementary suppression: when exactly one of several sibling cells hides a small
    count, a reader could subtract the others from the total; hide the smallest other one
    too. Empty cells reveal nothing and need no partner."""
    cells = list(cells)
    hidden = [c for c in cells if c.get("suppressed") and c.get("_n")]
    shown = [c for c in cells if not c.get("suppressed")]
    if len(hidden) == 1 and shown:
        smallest = min(shown, key=lambda c: c["n"])
        raw = smallest["n"]
        smallest.clear()
        smallest.update(suppressed(raw))


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "_n"}
    return value


def _documentation_cell(row: dict[str, Any] | None, min_cell: int) -> Cell:
    n = int(row["n"]) if row else 0
    if n < min_cell or n == 0:
        return suppressed(n)
    assert row is not None
    on_time = int(row["on_time"])
    low, high = wilson(on_time, n)
    return {"n": n, "on_time": on_time, "share": on_time / n, "ci_low": low, "ci_high": high}


def _measures(rows: dict[str, list[dict[str, Any]]], grp: str, min_cell: int
              ) -> dict[str, Any]:
    fko_rows, ors_rows, rem_rows = rows["fko"], rows["ors"], rows["rem"]
    fko_by_theme = {r["theme"]: r for r in fko_rows if r["grp"] == grp and r["theme"]}
    fko_total = next((r for r in fko_rows if r["grp"] == grp and r["theme"] is None), None)
    themes = list(THEMES) + sorted(t for t in fko_by_theme if t not in THEMES)
    by_theme = {t: _fko_cell(fko_by_theme.get(t), min_cell) for t in themes}
    protect_siblings(by_theme.values())
    ors_row = next((r for r in ors_rows if r["grp"] == grp), None)
    rem_by_item = {r["item"]: r for r in rem_rows if r["grp"] == grp}
    return {
        "fko": {"total": _fko_cell(fko_total, min_cell), "by_theme": by_theme},
        "ors": _ors_cell(ors_row, min_cell),
        "rem": {"by_indicator": {item: _rem_cell(rem_by_item.get(item), min_cell)
                                 for item in instruments.get("REM").item_ids}},
        "documentation": _documentation_cell(
            next((r for r in rows["documentation"] if r["grp"] == grp), None), min_cell),
    }


def _rows(session: Session, period: Period, by: str | None, today: date
          ) -> dict[str, list[dict[str, Any]]]:
    return {"fko": queries.fko_counts(session, period, by),
            "ors": queries.ors_counts(session, period, by),
            "rem": queries.rem_counts(session, period, by),
            "documentation": queries.documentation_counts(session, period, by, today)}


def compute(session: Session, period: Period, *, by: str | None = None,
            min_cell: int = DEFAULT_MIN_CELL, today: date | None = None) -> dict[str, Any]:
    """The statistics for a period, optionally broken down by one dimension.

    `today` decides which due scorings are late already (default: all of P is past).
    Issues a fixed number of queries (5, or 9 with a breakdown) whatever the data size.
    """
    today = today or date.max
    if period.end < period.start:
        raise DomainError("Perioden slutter før den begynder.", "to")
    if by is not None and by not in DIMENSIONS:
        raise DomainError(f"Ukendt opdeling: {by}. Vælg en af {', '.join(DIMENSIONS)}.", "by")
    overall = _measures(_rows(session, period, None, today), "all", min_cell)
    _attach_targets(overall["fko"]["by_theme"], targets_for(session, period))
    result: dict[str, Any] = {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "min_cell": min_cell, **overall,
    }
    if by is None:
        return _strip(result)
    rows = _rows(session, period, by, today)
    names = sorted({r["grp"] for kind in rows.values() for r in kind}, key=str)
    groups = {str(g): _measures(rows, g, min_cell) for g in names}
    for path in (("fko", "total"), ("ors",), ("documentation",)):
        protect_siblings(_dig(m, path) for m in groups.values())
    result["by"] = {"dimension": by, "groups": groups}
    return _strip(result)


def _dig(cell: dict[str, Any], path: tuple[str, ...]) -> Cell:
    for key in path:
        cell = cell[key]
    return cell


# ------------------------------------------------------------------------------ targets

def set_target(session: Session, theme: str, period: Period, share: float,
               user_id: int | None = None) -> StatTarget:
    if theme not in ALL_THEMES:
        raise DomainError("Ukendt tema.", "theme")
    if not 0 <= share <= 1:
        raise DomainError("Målet skal være en andel mellem 0 og 1 (fx 0,63).", "share")
    if period.end < period.start:
        raise DomainError("Perioden slutter før den begynder.", "to")
    target = session.scalar(select(StatTarget).where(
        StatTarget.theme == theme, StatTarget.period_from == period.start,
        StatTarget.period_to == period.end))
    if target is None:
        target = StatTarget(theme=theme, period_from=period.start, period_to=period.end,
                            share=share, set_by_id=user_id)
        session.add(target)
    else:
        target.share, target.set_by_id = share, user_id
    session.flush()
    return target


def targets_for(session: Session, period: Period) -> dict[str, float]:
    """The target per theme for a period: the one whose period covers it, the narrowest."""
    rows = session.scalars(select(StatTarget).where(
        StatTarget.period_from <= period.start, StatTarget.period_to >= period.end))
    chosen: dict[str, StatTarget] = {}
    for t in rows:
        best = chosen.get(t.theme)
        if best is None or (t.period_to - t.period_from) < (best.period_to - best.period_from):
            chosen[t.theme] = t
    return {theme: t.share for theme, t in chosen.items()}


def _attach_targets(by_theme: dict[str, Cell], targets: dict[str, float]) -> None:
    for theme, share in targets.items():
        if theme in by_theme:
            by_theme[theme]["target"] = share


# --------------------------------------------------------------------------- flat table

CSV_COLUMNS = (
    "measure", "dimension", "group", "key", "n", "suppressed", "maintained_or_improved",
    "improved", "target_reached", "share", "ci_low", "ci_high", "target", "mean_first",
    "mean_latest", "mean_change", "reliably_improved", "reliably_deteriorated",
    "clinically_significant", "effect_size", "unchanged", "worsened", "on_time",
)


def flat_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The same numbers as one row per cell (CSV and spreadsheet exports)."""
    rows: list[dict[str, Any]] = []

    def add(measures: dict[str, Any], dimension: str, group: str) -> None:
        cells: list[tuple[str, str, Cell]] = [("fko", "total", measures["fko"]["total"])]
        cells += [("fko", t, c) for t, c in measures["fko"]["by_theme"].items()]
        cells.append(("ors", "total", measures["ors"]))
        cells.append(("documentation", "total", measures["documentation"]))
        cells += [("rem", i, c) for i, c in measures["rem"]["by_indicator"].items()]
        for measure, key, cell in cells:
            rows.append({"measure": measure, "dimension": dimension, "group": group,
                         "key": key, "suppressed": bool(cell.get("suppressed")),
                         **{k: v for k, v in cell.items() if k != "suppressed"}})

    add(stats, "", "")
    if "by" in stats:
        for name, measures in stats["by"]["groups"].items():
            add(measures, stats["by"]["dimension"], name)
    return rows


def period_from_args(start: str | None, end: str | None, today: date) -> Period:
    """Default: the calendar year of `today` (domain.md)."""
    try:
        p_start = date.fromisoformat(start) if start else date(today.year, 1, 1)
        p_end = date.fromisoformat(end) if end else date(today.year, 12, 31)
    except ValueError as exc:
        raise DomainError("Skriv datoer som ÅÅÅÅ-MM-DD.") from exc
    return Period(p_start, p_end)
