"""Many citizens at once for the dashboard tests, inserted with Core executemany (fast even
for thousands): each with a plan, one FKO goal (baseline 3, a status in 2026) and two ORS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from bostotte.citizens.models import Citizen, Plan
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring

THEMES = ("mestring", "sundhed", "socialt_liv", "uddannelse_beskaeftigelse")
START = date(2025, 1, 1)
STATUS_ON = date(2026, 4, 1)


@dataclass(frozen=True)
class Spec:
    team_id: int
    count: int
    worker_id: int | None = None
    gender: str = "k"
    theme: str | None = None  # None: the four themes in turn
    status: int = 2  # FKO status in 2026 (baseline 3: 2 = improved)
    name: str = "Bulkborger"
    caseworker_id: int | None = None  # the myndighed who referred them


def _next_id(session: Session, model: type) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1  # type: ignore[attr-defined]


def add(session: Session, spec: Spec) -> list[int]:
    """Insert spec.count citizens; returns their ids."""
    cid, pid, gid, sid = (_next_id(session, m) for m in (Citizen, Plan, Goal, Scoring))
    citizens, plans, goals, scorings = [], [], [], []
    for k in range(spec.count):
        c, p, g = cid + k, pid + k, gid + k
        citizens.append(
            {
                "id": c,
                "display_name": f"{spec.name} {c}",
                "birth_year": 1960 + k % 40,
                "gender": spec.gender,
                "team_id": spec.team_id,
                "legal_basis": "§85",
                "start_date": START,
                "uses_fko": True,
                "uses_fit": True,
                "uses_rem": False,
                "pakke1": False,
                "primary_worker_id": spec.worker_id,
                "caseworker_id": spec.caseworker_id,
            }
        )
        plans.append(
            {
                "id": p,
                "citizen_id": c,
                "legal_basis": "§85",
                "start_date": START,
                "end_date": date(2026, 12, 31),
                "status": "active",
            }
        )
        goals.append(
            {
                "id": g,
                "plan_id": p,
                "citizen_id": c,
                "theme": spec.theme or THEMES[k % len(THEMES)],
                "specific": "Mål",
                "created_on": START,
                "status": "active",
            }
        )
        for occasion, on, total in (("baseline", START, 3), ("status", STATUS_ON, spec.status)):
            scorings.append(
                {
                    "id": sid,
                    "citizen_id": c,
                    "goal_id": g,
                    "instrument": "FKO",
                    "instrument_version": "1",
                    "occasion": occasion,
                    "scored_on": on,
                    "total": total,
                }
            )
            sid += 1
        for on, total in ((date(2025, 6, 1), 20.0), (date(2026, 6, 1), 26.0 + k % 3)):
            scorings.append(
                {
                    "id": sid,
                    "citizen_id": c,
                    "goal_id": None,
                    "instrument": "ORS",
                    "instrument_version": "1",
                    "occasion": None,
                    "scored_on": on,
                    "total": total,
                }
            )
            sid += 1
    for model, rows in ((Citizen, citizens), (Plan, plans), (Goal, goals), (Scoring, scorings)):
        session.execute(insert(model), rows)
        if session.get_bind().dialect.name == "postgresql":
            # explicit ids leave the sequence behind; later ORM inserts need it past them
            table = model.__tablename__
            last = f"(SELECT max(id) FROM {table})"  # noqa: S608 (our own table names)
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})"))
    session.commit()
    # as a database in use has statistics for its planner (SQLite has none until asked)
    session.execute(text("ANALYZE"))
    session.commit()
    return [c["id"] for c in citizens]
