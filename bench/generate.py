"""Write a national-scale dataset in the interchange format (domain.md).

N citizens, 3 goals each with FKO baseline, target and a status every quarter over 3 years,
and for half of the citizens an ORS every 2 weeks. Deterministic for a given N.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

THEMES = ("mestring", "sundhed", "socialt_liv", "uddannelse_beskaeftigelse")
ORS_ITEMS = ("individuelt", "interpersonelt", "socialt", "generelt")
START = date(2023, 1, 2)
YEARS = 3


def add_quarters(d: date, k: int) -> date:
    m = d.month - 1 + 3 * k
    return date(d.year + m // 12, m % 12 + 1, min(d.day, 28))


def generate(folder: Path, citizens: int, seed: int = 85, first: date = START) -> int:
    """Returns the number of scorings (sessions) written. Citizens start within 60 days of
    `first`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    teams = max(2, citizens // 250)
    scorings = 0
    with (folder / "teams.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["external_id", "name"])
        w.writerows((f"T{t}", f"Team {t}") for t in range(teams))
    with (
        (folder / "citizens.csv").open("w", newline="") as cf,
        (folder / "goals.csv").open("w", newline="") as gf,
        (folder / "scorings.csv").open("w", newline="") as sf,
    ):
        cw, gw, sw = csv.writer(cf), csv.writer(gf), csv.writer(sf)
        cw.writerow(
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
            ]
        )
        gw.writerow(
            [
                "external_id",
                "citizen",
                "theme",
                "specific",
                "measurable",
                "target_date",
                "status",
                "created_on",
            ]
        )
        sw.writerow(["citizen", "goal", "instrument", "occasion", "scored_on", "item", "value"])
        for i in range(citizens):
            cid = f"C{i}"
            fit = i % 2 == 0
            start = first + timedelta(days=rng.randrange(60))
            cw.writerow(
                [
                    cid,
                    f"Borger {i}",
                    rng.randint(1945, 2006),
                    rng.choice("kkmma"),
                    f"T{i % teams}",
                    "§85",
                    start.isoformat(),
                    "",
                    "FKO;FIT" if fit else "FKO",
                    "0",
                ]
            )
            for j in range(3):
                gid = f"G{i}-{j}"
                gw.writerow(
                    [
                        gid,
                        cid,
                        THEMES[(i + j) % 4],
                        f"Mål {j + 1}",
                        "",
                        (start + timedelta(days=365 * YEARS)).isoformat(),
                        "active",
                        start.isoformat(),
                    ]
                )
                need = rng.randint(2, 4)
                sw.writerow([cid, gid, "FKO", "baseline", start.isoformat(), "value", need])
                sw.writerow(
                    [cid, gid, "FKO", "target", start.isoformat(), "value", max(0, need - 1)]
                )
                scorings += 2
                for q in range(1, 4 * YEARS + 1):
                    need = min(4, max(0, need + rng.choice((-1, 0, 0, 0, 1))))
                    sw.writerow(
                        [
                            cid,
                            gid,
                            "FKO",
                            "status",
                            add_quarters(start, q).isoformat(),
                            "value",
                            need,
                        ]
                    )
                    scorings += 1
            if fit:
                level = rng.uniform(3, 7)
                for week in range(0, 52 * YEARS, 2):
                    on = (start + timedelta(weeks=week)).isoformat()
                    level = min(10, max(0, level + rng.uniform(-0.4, 0.5)))
                    for item in ORS_ITEMS:
                        value = round(min(10, max(0, level + rng.uniform(-1, 1))), 1)
                        sw.writerow([cid, "", "ORS", "", on, item, value])
                    scorings += 1
    return scorings


if __name__ == "__main__":
    print(generate(Path(sys.argv[1]), int(sys.argv[2])))
