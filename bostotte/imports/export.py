"""Export to the interchange format, so that export → import → export is the identity."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import select

from bostotte import instruments
from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen
from bostotte.common import csv_safe
from bostotte.common.db import Session
from bostotte.common.formatting import dk_number
from bostotte.goals.models import Goal
from bostotte.imports.schemas import COLUMNS, METHOD_NAMES
from bostotte.scoring.models import Scoring, ScoringItem

CITIZENS_PER_READ = 500


def _ext(obj: Team | Citizen | Goal, prefix: str) -> str:
    """Records made in bostotte have no case-system id: give them a stable one."""
    return obj.external_id or f"bostotte-{prefix}-{obj.id}"


def _write(folder: Path, name: str, rows: Iterable[Iterable[object]]) -> int:
    count = 0
    with (folder / name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS[name])
        for row in rows:
            writer.writerow(csv_safe.row(row))
            count += 1
    return count


def export_folder(session: Session, folder: Path) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    teams = {t.id: _ext(t, "team") for t in session.scalars(select(Team))}
    citizens = {c.id: c for c in session.scalars(select(Citizen))}
    citizen_ext = {cid: _ext(c, "borger") for cid, c in citizens.items()}
    goals = {g.id: g for g in session.scalars(select(Goal))}
    goal_ext = {gid: _ext(g, "maal") for gid, g in goals.items()}
    counts = {
        "teams.csv": _write(
            folder,
            "teams.csv",
            sorted((ext, t.name) for t in session.scalars(select(Team)) for ext in [teams[t.id]]),
        ),
        "citizens.csv": _write(
            folder,
            "citizens.csv",
            sorted(
                (
                    citizen_ext[c.id],
                    c.display_name,
                    c.birth_year,
                    c.gender,
                    teams[c.team_id],
                    c.legal_basis,
                    c.start_date.isoformat(),
                    c.end_date.isoformat() if c.end_date else "",
                    ";".join(m for m in METHOD_NAMES if m in c.methods),
                    "1" if c.pakke1 else "0",
                )
                for c in citizens.values()
            ),
        ),
        "goals.csv": _write(
            folder,
            "goals.csv",
            sorted(
                (
                    goal_ext[g.id],
                    citizen_ext[g.citizen_id],
                    g.theme,
                    g.specific,
                    g.measurable or "",
                    g.target_date.isoformat() if g.target_date else "",
                    g.status,
                    g.created_on.isoformat(),
                )
                for g in goals.values()
            ),
        ),
    }
    registry = instruments.registry()

    def scoring_rows() -> Iterator[tuple[object, ...]]:
        """In citizen-id order, a few hundred citizens at a time: the file's first sort
        key is the citizen, so sorting each group is sorting the whole, and memory stays
        flat however many scorings there are."""
        in_order = sorted(citizen_ext, key=citizen_ext.__getitem__)
        for start in range(0, len(in_order), CITIZENS_PER_READ):
            group = in_order[start : start + CITIZENS_PER_READ]
            rows = []
            for cid, gid, inst, occasion, scored_on, item, value in session.execute(
                select(
                    Scoring.citizen_id,
                    Scoring.goal_id,
                    Scoring.instrument,
                    Scoring.occasion,
                    Scoring.scored_on,
                    ScoringItem.item,
                    ScoringItem.value,
                )
                .join(ScoringItem, ScoringItem.scoring_id == Scoring.id)
                .where(Scoring.citizen_id.in_(group))
            ):
                order = registry[inst].item_ids.index(item) if inst in registry else 0
                rows.append(
                    (
                        (
                            citizen_ext[cid],
                            inst,
                            scored_on.isoformat(),
                            goal_ext[gid] if gid else "",
                            occasion or "",
                            order,
                        ),
                        (
                            citizen_ext[cid],
                            goal_ext[gid] if gid else "",
                            inst,
                            occasion or "",
                            scored_on.isoformat(),
                            item,
                            dk_number(value, machine=True),
                        ),
                    )
                )
            rows.sort(key=lambda r: r[0])
            yield from (r[1] for r in rows)

    counts["scorings.csv"] = _write(folder, "scorings.csv", scoring_rows())
    return counts
