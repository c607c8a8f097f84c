"""/statistik in a blink: the numbers of each view, stored once computed.

A *view* is what the leader asks for: her scope (teams, theme, which goals), the period,
the period compared with, the smallest cell shown, and whether staff are counted. Its
numbers (services.dashboard and, for a leader, the ORS on-track shares) are stored as a
snapshot with the data version (stats.freshness) and the local day they were computed at.

Reading a view (`numbers`):
- a snapshot of the same data version and day is exact: it is shown as it is;
- a stale one (a write since, or computed on an earlier day: which scorings are late
  depends on the day) is recomputed at once when that took under `EXACT_WITHIN` seconds
  last time, so a small municipality always sees exact numbers; otherwise it is shown
  with the time it was computed and a "genberegn" button, so a page at 50,000 citizens
  still opens at once and never passes old numbers off as new;
- none: computed now and stored.
The scheduler recomputes, at night, every view read in the last `KEEP_DAYS` days; a view
that ended on the day it was computed (the default: the year so far) moves on to the new
day, within its year.

Targets are not part of a snapshot: they are read with every view (one small query), so a
target a leader just set shows at once.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from bostotte.common.db import Session, insert_on_conflict
from bostotte.common.time import utcnow
from bostotte.progress import services as progress
from bostotte.stats import freshness, services
from bostotte.stats.models import StatSnapshot
from bostotte.stats.queries import Period, Scope

# Raise when what dashboard() returns changes shape or a rule changes: every snapshot
# stored before then no longer matches any view.
ENGINE_VERSION = 1
EXACT_WITHIN = 1.0  # seconds: a view that computes faster is always recomputed when stale
KEEP_DAYS = 35  # a view nobody read for this long is neither refreshed nor kept


@dataclass(frozen=True)
class View:
    scope: Scope
    period: Period
    compare_with: Period | None
    min_cell: int
    by_worker: bool  # a leader's view: documentation per worker and the on-track shares

    def canonical(self) -> str:
        fields = asdict(self)
        fields["engine"] = ENGINE_VERSION
        return json.dumps(fields, sort_keys=True, default=str)

    @property
    def key(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


@dataclass(frozen=True)
class Numbers:
    dashboard: dict[str, Any]
    on_track: dict[str, Any]
    computed_at: datetime
    exact: bool  # nothing has changed since they were computed


def numbers(session: Session, view: View, today: date) -> Numbers:
    """The view's numbers as the module docstring reads them."""
    version = freshness.current(session)
    row = session.scalar(select(StatSnapshot).where(StatSnapshot.key == view.key))
    if row is not None:
        exact = row.data_version == version and row.computed_on == today
        if exact or row.seconds >= EXACT_WITHIN:
            if row.last_read_on != today:
                row.last_read_on = today
            return _numbers(session, view, loads(row.payload), row.computed_at, exact)
    return compute(session, view, today, version)


def compute(session: Session, view: View, today: date, version: int | None = None) -> Numbers:
    """Compute the view now and store it (the caller commits)."""
    if version is None:
        version = freshness.current(session)  # before reading: see freshness.current
    started = time.perf_counter()
    payload = {
        "dashboard": services.dashboard(
            session,
            view.period,
            today=today,
            scope=view.scope,
            min_cell=view.min_cell,
            by_worker=view.by_worker,
            compare_with=view.compare_with,
        ),
        "on_track": (
            progress.on_track_cells(session, view.scope, view.min_cell, today)
            if view.by_worker
            else {}
        ),
    }
    seconds = time.perf_counter() - started
    now = utcnow()
    values = {
        "key": view.key,
        "view": view.canonical(),
        "data_version": version,
        "computed_on": today,
        "computed_at": now,
        "seconds": seconds,
        "last_read_on": today,
        "payload": dumps(payload),
    }
    _upsert(session, values)
    return _numbers(session, view, payload, now, exact=True)


def _upsert(session: Session, values: dict[str, Any]) -> None:
    """Two leaders opening the same view at once both store it; the later one wins."""
    statement = insert_on_conflict(session, StatSnapshot).values(values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[StatSnapshot.key],
            set_={k: statement.excluded[k] for k in values if k != "key"},
        )
    )


def _numbers(
    session: Session, view: View, payload: dict[str, Any], computed_at: datetime, exact: bool
) -> Numbers:
    """The stored numbers with the targets in force now (targets are never stored)."""
    dashboard = payload["dashboard"]
    by_theme = dashboard["current"]["fko"]["by_theme"]
    for cell in by_theme.values():
        cell.pop("target", None)
    services.attach_targets(
        by_theme,
        services.targets_for(session, view.period, services.target_team(view.scope)),
    )
    return Numbers(dashboard, payload["on_track"], computed_at, exact)


def refresh(session: Session, today: date) -> int:
    """The night's run: recompute each view read in the last KEEP_DAYS days (a year-so-far
    view as of today), forget the others. Commits per view, so a long run holds no lock
    and a failure keeps what was done. Returns how many views were computed."""
    session.execute(
        delete(StatSnapshot).where(StatSnapshot.last_read_on < today - timedelta(days=KEEP_DAYS))
    )
    session.commit()
    rows = session.execute(
        select(
            StatSnapshot.key,
            StatSnapshot.view,
            StatSnapshot.computed_on,
            StatSnapshot.data_version,
        )
    ).all()
    done = 0
    for key, stored, computed_on, version in rows:
        if computed_on == today and version == freshness.current(session):
            continue  # exact already
        view = view_from_json(stored)
        if view.period.end == computed_on < today:
            # "So far" (the default: this year until today): on to today, within its year.
            if view.period.start.year != today.year:
                continue
            session.execute(delete(StatSnapshot).where(StatSnapshot.key == key))
            view = replace(view, period=Period(view.period.start, today))
        compute(session, view, today)
        session.commit()
        done += 1
    return done


def view_from_json(text: str) -> View:
    data = json.loads(text)
    scope = data["scope"]
    compare = data["compare_with"]
    return View(
        scope=Scope(
            team_ids=tuple(scope["team_ids"]) if scope["team_ids"] is not None else None,
            theme=scope["theme"],
            referred_by=scope["referred_by"],
            goals=scope["goals"],
        ),
        period=_period(data["period"]),
        compare_with=_period(compare) if compare else None,
        min_cell=data["min_cell"],
        by_worker=data["by_worker"],
    )


def _period(data: dict[str, str]) -> Period:
    return Period(date.fromisoformat(data["start"]), date.fromisoformat(data["end"]))


# ------------------------------------------------------------------- the stored payload
# JSON keeps dicts, lists, strings and numbers as they are (floats exactly: Python writes
# the shortest repr that reads back equal); dates, periods and tuples are tagged.


def _tag(value: Any) -> Any:
    if isinstance(value, Period):
        return {"__period__": [value.start.isoformat(), value.end.isoformat()]}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, tuple):
        return {"__tuple__": [_tag(v) for v in value]}
    if isinstance(value, dict):
        return {k: _tag(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tag(v) for v in value]
    return value


def _untag(value: dict[str, Any]) -> Any:
    if "__period__" in value:
        start, end = value["__period__"]
        return Period(date.fromisoformat(start), date.fromisoformat(end))
    if "__date__" in value:
        return date.fromisoformat(value["__date__"])
    if "__tuple__" in value:
        return tuple(value["__tuple__"])
    return value


def dumps(payload: dict[str, Any]) -> str:
    return json.dumps(_tag(payload), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(text, object_hook=_untag)
    return result
