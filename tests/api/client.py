"""A case system's integration, as a script: a year of one team's work (citizens, plans,
goals and scorings) sent through /api/v1, and the same year written as the import format's
CSV files, so the two ways in can be compared (tests/api/test_roundtrip.py).

Against a running server:

    python -m tests.api.client http://127.0.0.1:5000 <worker token> <myndighed token> \
        <team id> <myndighed's user id>

The worker's token needs write:citizens, write:goals and write:scorings; myndighed's token
write:scorings (she records the FKO baseline and target)."""

from __future__ import annotations

import csv
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bostotte import instruments
from bostotte.common.time import add_months

Send = Callable[[str, str, Any], tuple[int, Any]]  # (method, path, body) -> (status, json)
THEMES = ("mestring", "sundhed", "socialt_liv", "uddannelse_beskaeftigelse")
ORS_ITEMS = instruments.get("ORS").item_ids
REM_ITEMS = instruments.get("REM").item_ids


@dataclass
class Goal:
    external_id: str
    theme: str
    specific: str
    target_date: date
    created_on: date


@dataclass
class Scoring:
    instrument: str
    scored_on: date
    values: dict[str, float]
    goal: str | None = None  # FKO: the goal's external id
    occasion: str | None = None


@dataclass
class Citizen:
    external_id: str
    display_name: str
    birth_year: int
    gender: str
    start_date: date
    goals: list[Goal] = field(default_factory=list)
    scorings: list[Scoring] = field(default_factory=list)

    @property
    def plan_end(self) -> date:
        """The plan the import makes for her: a year from her start (or her last target)."""
        return max([add_months(self.start_date, 12)] + [g.target_date for g in self.goals])


def a_year(citizens: int = 14, seed: int = 2026) -> list[Citizen]:
    """A year of FKO, ORS and REM for a team, the same every time."""
    rnd = random.Random(seed)
    year: list[Citizen] = []
    for n in range(citizens):
        start = date(2026, 1, 1) + timedelta(days=rnd.randrange(0, 60))
        c = Citizen(
            external_id=f"API-C{n}",
            display_name=f"Borger {n}",
            birth_year=rnd.randrange(1950, 2005),
            gender=rnd.choice("kma"),
            start_date=start,
        )
        for k in range(rnd.randrange(1, 4)):
            g = Goal(
                external_id=f"API-C{n}-G{k}",
                theme=rnd.choice(THEMES),
                specific=f"Mål {k} for borger {n}",
                target_date=date(2026, 12, 31),
                created_on=start + timedelta(days=7),
            )
            c.goals.append(g)
            baseline = rnd.randrange(1, 5)
            c.scorings.append(
                Scoring(
                    "FKO", start + timedelta(days=7), {"value": baseline}, g.external_id, "baseline"
                )
            )
            c.scorings.append(
                Scoring(
                    "FKO",
                    start + timedelta(days=7),
                    {"value": max(baseline - 1, 0)},
                    g.external_id,
                    "target",
                )
            )
            for quarter in range(1, 4):
                level = min(4, max(0, baseline + rnd.choice((-1, -1, 0, 0, 1))))
                day = start + timedelta(days=91 * quarter)
                c.scorings.append(Scoring("FKO", day, {"value": level}, g.external_id, "status"))
        for month in range(0, 10, 2):
            day = start + timedelta(days=30 * month + 3)
            values = {i: round(rnd.uniform(2, 9), 1) for i in ORS_ITEMS}
            c.scorings.append(Scoring("ORS", day, values))
        c.scorings.append(
            Scoring("REM", start + timedelta(days=60), {i: rnd.randrange(0, 5) for i in REM_ITEMS})
        )
        year.append(c)
    return year


def send_year(
    year: list[Citizen], worker: Send, authority: Send, team_id: int, caseworker_id: int
) -> None:
    """Through the API, as an integration would: citizen (referred by myndighed, who then
    sees her), plan, goals, then the scorings."""
    for c in year:
        citizen = _ok(
            worker(
                "POST",
                "/citizens",
                {
                    "external_id": c.external_id,
                    "display_name": c.display_name,
                    "birth_year": c.birth_year,
                    "gender": c.gender,
                    "team_id": team_id,
                    "caseworker_id": caseworker_id,
                    "legal_basis": "§85",
                    "start_date": c.start_date.isoformat(),
                    "uses_fko": True,
                    "uses_fit": True,
                    "uses_rem": True,
                },
            )
        )
        plan = _ok(
            worker(
                "POST",
                "/plans",
                {
                    "citizen_id": citizen["id"],
                    "legal_basis": "§85",
                    "start_date": c.start_date.isoformat(),
                    "end_date": c.plan_end.isoformat(),
                },
            )
        )
        goals = {
            g.external_id: _ok(
                worker(
                    "POST",
                    "/goals",
                    {
                        "plan_id": plan["id"],
                        "external_id": g.external_id,
                        "theme": g.theme,
                        "specific": g.specific,
                        "measurable": "Aftalt med borgeren",
                        "target_date": g.target_date.isoformat(),
                        "created_on": g.created_on.isoformat(),
                    },
                )
            )["id"]
            for g in c.goals
        }
        for s in c.scorings:
            body = {
                "citizen_id": citizen["id"],
                "instrument": s.instrument,
                "scored_on": s.scored_on.isoformat(),
                "values": s.values,
            }
            if s.goal:
                body |= {"goal_id": goals[s.goal], "occasion": s.occasion}
            by = authority if s.occasion in ("baseline", "target") else worker
            _ok(by("POST", "/scorings", body))


def write_csv(year: list[Citizen], folder: Path, team: tuple[str, str]) -> Path:
    """The same year in the import format (domain.md, "The interchange format")."""
    folder.mkdir(parents=True, exist_ok=True)

    def table(name: str, header: list[str], rows: list[list[Any]]) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)

    table("teams.csv", ["external_id", "name"], [list(team)])
    table(
        "citizens.csv",
        [
            "external_id",
            "display_name",
            "birth_year",
            "gender",
            "team",
            "legal_basis",
            "start_date",
            "end_date",
            "methods",
            "pakke1",
        ],
        [
            [
                c.external_id,
                c.display_name,
                c.birth_year,
                c.gender,
                team[0],
                "§85",
                c.start_date.isoformat(),
                "",
                "FKO;FIT;REM",
                "0",
            ]
            for c in year
        ],
    )
    table(
        "goals.csv",
        [
            "external_id",
            "citizen",
            "theme",
            "specific",
            "measurable",
            "target_date",
            "status",
            "created_on",
        ],
        [
            [
                g.external_id,
                c.external_id,
                g.theme,
                g.specific,
                "Aftalt med borgeren",
                g.target_date.isoformat(),
                "active",
                g.created_on.isoformat(),
            ]
            for c in year
            for g in c.goals
        ],
    )
    table(
        "scorings.csv",
        ["citizen", "goal", "instrument", "occasion", "scored_on", "item", "value"],
        [
            [
                c.external_id,
                s.goal or "",
                s.instrument,
                s.occasion or "",
                s.scored_on.isoformat(),
                item,
                value,
            ]
            for c in year
            for s in c.scorings
            for item, value in s.values.items()
        ],
    )
    return folder


def _ok(answer: tuple[int, Any]) -> Any:
    status, body = answer
    if status not in (200, 201):
        raise RuntimeError(f"{status}: {body}")
    return body


def over_http(base: str, token: str) -> Send:
    import requests  # noqa: PLC0415 - only the command line needs it

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def send(method: str, path: str, body: Any) -> tuple[int, Any]:
        response = session.request(method, f"{base}/api/v1{path}", json=body, timeout=30)
        return response.status_code, response.json()

    return send


if __name__ == "__main__":
    base, worker_token, authority_token, team, caseworker = sys.argv[1:6]
    send_year(
        a_year(),
        over_http(base, worker_token),
        over_http(base, authority_token),
        int(team),
        int(caseworker),
    )
    print("Sendt: et år for", len(a_year()), "borgere.")
