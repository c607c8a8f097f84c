"""Expected progress at bench size (issue 21): the history read once per data version, what a
citizen page and the lists pay after that.

    PYTHONPATH=. .venv/bin/python bench/progress.py [N] [database URL]

Generates N citizens (bench/generate.py, default 5,000) into bench/data/progress-N/, imports
them into the database (default: a new SQLite file beside it; a PostgreSQL URL is emptied
first), then times in-process, best of several rounds: the ORS and the FKO history read
from the database (a new data version: one windowed query each and one pass into bands),
the data version query every page asks, a citizen's curves from the kept history, the
"ikke på sporet" list of one team (250 citizens) and the leader's per-team shares.
"""

# ruff: noqa: PLC0415 (the database URL is set before the app is imported)
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)


def best(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1000


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    folder = ROOT / "bench" / "data" / f"progress-{size}"
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{folder}/bench.db"
    sys.path.insert(0, str(ROOT))
    from bench.generate import generate

    if not (folder / "scorings.csv").exists():
        generate(folder, size)
    os.environ["BOSTOTTE_DATABASE_URL"] = url
    from flask_migrate import upgrade

    from bostotte import create_app
    from bostotte.auth.models import Team
    from bostotte.citizens.models import Citizen
    from bostotte.extensions import db
    from bostotte.imports.services import import_folder
    from bostotte.progress import services
    from bostotte.scoring.models import Scoring
    from bostotte.stats.queries import Scope

    app = create_app()
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        fresh = url.startswith("postgresql") or not db.session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'citizens'")
        )
        if fresh:
            upgrade(directory=str(ROOT / "migrations"))
            t = time.perf_counter()
            import_folder(db.session, folder, TODAY)
            db.session.commit()
            from bostotte.common.db import analyze

            analyze(db.session)
            print(f"import {time.perf_counter() - t:.1f} s")
        s = db.session
        n_ors = s.scalar(select(func.count()).where(Scoring.instrument == "ORS"))
        n_fko = s.scalar(select(func.count()).where(Scoring.instrument == "FKO"))
        print(f"{url.split(':')[0]}, {size:,} citizens: {n_ors:,} ORS, {n_fko:,} FKO scorings")
        ors_read = best(lambda: services._read_ors(s), 3)
        fko_read = best(lambda: services._read_fko(s), 3)
        norms = services._read_ors(s)
        print(f"ORS history read (new data version): {ors_read:.0f} ms; courses per band:")
        for band, n in sorted(norms.courses.items()):
            print(f"  {norms.labels[band]}: {n} courses, curve {len(norms.curve(band).points)}")
        print(f"FKO history read (new data version): {fko_read:.0f} ms")
        print(f"data version query: {best(lambda: services.data_version(s, TODAY), 7):.1f} ms")
        services.kept.clear()
        services.kept.get(s, "ORS", TODAY)
        services.kept.get(s, "FKO", TODAY)
        citizen = s.scalar(select(Citizen).where(Citizen.uses_fit.is_(True)).limit(1))
        assert citizen is not None
        scorings = list(s.scalars(select(Scoring).where(Scoring.citizen_id == citizen.id)))
        reads = services.kept.reads
        page = best(lambda: services.expected_for(s, citizen, scorings, TODAY), 7)
        assert services.kept.reads == reads  # kept: nothing read again
        print(f"a citizen's curves from the kept history ({len(scorings)} scorings): {page:.1f} ms")
        team = s.scalar(select(Team).limit(1))
        assert team is not None
        in_team = Citizen.team_id == team.id
        listed = best(lambda: services.off_track(s, in_team, TODAY), 5)
        rows = services.off_track(s, in_team, TODAY)
        assessed = len(services.on_track_rows(s, in_team, TODAY))
        print(
            f"ikke på sporet, one team ({assessed} assessed, {len(rows)} listed): {listed:.0f} ms"
        )
        teams = tuple(s.scalars(select(Team.id)))
        shares = best(lambda: services.on_track_cells(s, Scope(teams), 5, TODAY), 3)
        print(f"on track per team, all {len(teams)} teams: {shares:.0f} ms")


if __name__ == "__main__":
    main()
