"""`make bench`: import and statistics at national scale, on SQLite and PostgreSQL.

For 5,000 and 50,000 citizens (bench/generate.py) it prints, per database:
- the import of the interchange files: wall time and peak memory;
- the complete format (`alle/`, bostotte/imports/complete.py): the export (the four files
  and `alle/`, as `flask bostotte export`) and the import of `alle/` into an empty database
  of the same kind, each wall time and peak memory;
- one year of `stats`: wall time, peak memory, and the ratio to the fastest hand-written
  SQL query that computes only the FKO total (our lower bound), the two measured in turns,
  5 times each, best of each (a shared machine's slow spell then slows both);
- the leader's `/statistik` page for that year (a leader of every team): time per request
  against the engine's own call for the same numbers (`stats.services.dashboard`), both
  best of 3; the page may add at most 20 % (ratio ≤ 1.20).
Each measurement runs in its own process so peak memory (max RSS) is its own.
Figures, not tests: the machine is shared and noisy.

- the upgrade from the previous release's head (tests/test_upgrade.py) on the full
  database: wall time, every row kept.
- web (bench/web.py, on the demo data of its own database): the citizen page's requests/s
  under gunicorn against a bare Flask app's, and Mine borgere and Mine opgaver for a worker
  with 250 citizens.
- load (bench/load.py): 40 clients for 2 minutes against gunicorn with 4 workers on the demo
  and 500 generated citizens (workers, citizens on /mig, leaders), then the rows counted:
  no 5xx, no lost or duplicated write; and a colleague's page during 4 data PDFs.
- measures (bench/measures.py): each measure of the one-year call against the fastest
  hand-written statement for it alone; leader (bench/leader.py): /statistik, its PDF and CSV
  from stored numbers, first and again (issue 22).
BENCH_ONLY=import,complete,stats,measures,page,leader,upgrade,web,load (any of them,
comma-separated; all by default) measures only those; the import runs whenever one of the
first six does, as they read what it wrote (BENCH_REUSE=1: the databases a previous run
built).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "5000,50000").split(",")]
PARTS = ("import", "complete", "stats", "measures", "page", "leader", "upgrade", "web", "load")
# BENCH_REUSE=1 keeps the databases a previous run imported (same sizes) instead of building
# them again: for measuring a change to the statistics, not for the import's figures.
REUSE = os.environ.get("BENCH_REUSE") == "1"
ONLY = [p.strip() for p in os.environ.get("BENCH_ONLY", ",".join(PARTS)).split(",") if p.strip()]
if unknown := set(ONLY) - set(PARTS):
    sys.exit(f"BENCH_ONLY: unknown {', '.join(sorted(unknown))} (choose from {', '.join(PARTS)})")
PERIOD = ("2025-01-01", "2025-12-31")

# The lower bound: only the FKO total, one statement, nothing else, written the fastest way
# we know on each database (each form was timed against the others; a faster one found
# later must replace it, or the ratio flatters the statistics). Each picks a goal's
# outcome (the final, else the latest status in P) with the database's own idiom:
# PostgreSQL's DISTINCT ON (10 % faster than ROW_NUMBER), SQLite's bare column beside max()
# (documented to come from the max row; 15 % faster) over one sortable number: final
# first, then date, then id. PostgreSQL reads the baselines once and hashes them (20-25 %
# faster than a seek per goal; on SQLite no faster).
FKO_TOTAL_SQL = {
    "PostgreSQL": """
WITH b AS MATERIALIZED (SELECT goal_id, total FROM scorings WHERE instrument = 'FKO'
                        AND occasion = 'baseline'),
     f AS (SELECT DISTINCT ON (goal_id) goal_id, total FROM scorings
           WHERE instrument = 'FKO' AND occasion IN ('status', 'final')
           AND scored_on BETWEEN '{start}' AND '{end}'
           ORDER BY goal_id, CASE WHEN occasion = 'final' THEN 0 ELSE 1 END, scored_on DESC,
                    id DESC)
SELECT COUNT(*), SUM(CASE WHEN f.total <= b.total THEN 1 ELSE 0 END)
FROM f JOIN b ON b.goal_id = f.goal_id
""",
    "SQLite": """
WITH b AS (SELECT goal_id, total FROM scorings WHERE instrument = 'FKO'
           AND occasion = 'baseline'),
     f AS (SELECT goal_id, total, max((occasion = 'final') * 1000000000000000000
                 + CAST(replace(scored_on, '-', '') AS INTEGER) * 10000000000 + id)
           FROM scorings WHERE instrument = 'FKO' AND occasion IN ('status', 'final')
           AND scored_on BETWEEN '{start}' AND '{end}' GROUP BY goal_id)
SELECT COUNT(*), SUM(CASE WHEN f.total <= b.total THEN 1 ELSE 0 END)
FROM f JOIN b ON b.goal_id = f.goal_id
""",
}

CHILD = r"""
import json, resource, sys, time
from datetime import date
from pathlib import Path
from sqlalchemy import text
from bostotte import create_app
from bostotte.extensions import db
mode, url, arg = sys.argv[1], sys.argv[2], sys.argv[3]
from bostotte.config import normalise_db_url
# The page's leader logs in without a second factor (as in demo mode): the bench measures
# the page, not the login.
app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_db_url(url), "BOSTOTTE_REQUIRE_TOTP": False})
out = {}
with app.app_context():
    if mode == "migrate":
        from flask_migrate import upgrade
        upgrade(revision="heads")
    elif mode == "import":
        from bostotte.imports.services import import_folder
        t = time.perf_counter()
        report = import_folder(db.session, Path(arg), date(2026, 11, 23))
        db.session.commit()
        from bostotte.common.db import analyze
        analyze(db.session)  # as `flask bostotte import` does
        out["seconds"] = time.perf_counter() - t
        out["rows"] = sum(c.read for c in report.files.values())
    elif mode == "export":
        # As `flask bostotte export`: the four files, then every table in alle/.
        from bostotte.imports.complete import export_complete
        from bostotte.imports.export import export_folder
        t = time.perf_counter()
        export_folder(db.session, Path(arg))
        out["rows"] = sum(export_complete(db.session, Path(arg)).values())
        out["seconds"] = time.perf_counter() - t
    elif mode == "import-complete":
        # As `flask bostotte import` of a folder with alle/, into an empty database.
        from bostotte.common.db import analyze
        from bostotte.imports.complete import import_complete
        t = time.perf_counter()
        report = import_complete(db.session, Path(arg))
        db.session.commit()
        analyze(db.session)
        out["seconds"] = time.perf_counter() - t
        out["rows"] = sum(report.inserted.values())
    elif mode == "upgrade":
        # From the previous release's head (tests/test_upgrade.py) back to today's: the
        # rows must all be there afterwards.
        from flask_migrate import downgrade, upgrade
        from tests.test_upgrade import PREVIOUS_HEAD, TABLES
        def counts():
            with db.engine.connect() as conn:
                return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                        for t in TABLES}
        before = counts()
        t = time.perf_counter()
        downgrade(revision=PREVIOUS_HEAD)
        out["down_seconds"] = time.perf_counter() - t
        t = time.perf_counter()
        upgrade(revision="heads")
        out["seconds"] = time.perf_counter() - t
        assert counts() == before, (before, counts())
        out["rows"] = sum(before.values())
    elif mode == "stats":
        # The statistics and the bound (sys.argv[4]) in turns, 5 rounds, best of each, so
        # that a slow spell of a shared machine slows both rather than one.
        from bostotte.stats.services import compute
        from bostotte.stats.queries import Period
        start, end = (date.fromisoformat(x) for x in arg.split(":"))
        bound_sql = text(sys.argv[4])
        times, bound_times = [], []
        for _ in range(5):
            t = time.perf_counter()
            result = compute(db.session, Period(start, end), today=date(2026, 11, 23))
            times.append(time.perf_counter() - t)
            with db.engine.connect() as conn:
                t = time.perf_counter()
                row = conn.execute(bound_sql).one()
                bound_times.append(time.perf_counter() - t)
        out["seconds"], out["bound_seconds"] = min(times), min(bound_times)
        # The bound must compute the same total, or it bounds nothing.
        total = result["fko"]["total"]
        out["fko_total"] = [total["n"], total["maintained_or_improved"]]
        out["bound_fko_total"] = [row[0], row[1]]
    elif mode == "page":
        from bench.leader import leader_client
        from bostotte.common.time import local_today
        from bostotte.stats.queries import Period, Scope
        from bostotte.stats.services import dashboard
        start, end = (date.fromisoformat(x) for x in arg.split(":"))
        client, teams = leader_client(app)  # a leader of every team, logged in
        url = f"/statistik?fra={start}&til={end}"
        scope = Scope(tuple(sorted(t.id for t in teams)))

        def engine():
            return dashboard(db.session, Period(start, end), today=local_today(), scope=scope)

        def page():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        for call, key in ((page, "seconds"), (engine, "engine_seconds")):
            call()  # warm: templates compiled, caches filled, as in a running server
            times = []
            for _ in range(3):
                t = time.perf_counter()
                call()
                times.append(time.perf_counter() - t)
            out[key] = min(times)
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def child(mode: str, url: str, *args: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, mode, url, *(args or ("",))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"{mode} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def databases(size: int, suffix: str = "", *, reuse: bool = False) -> list[tuple[str, str]]:
    """A new, empty database per kind: (name, URL); with `reuse`, the existing ones."""
    sqlite_path = DATA / f"bench-{size}{suffix}.db"
    if not reuse:
        for end in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{end}").unlink(missing_ok=True)
    dbs = [("SQLite", f"sqlite:///{sqlite_path}")]
    try:
        name = f"bostotte_bench_{size}{suffix.replace('-', '_')}"
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            if not reuse:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        dbs.append(("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + "/" + name))
    except Exception as exc:  # noqa: BLE001 (a bench without PostgreSQL still reports SQLite)
        print(f"PostgreSQL not available ({exc}); SQLite only")
    return dbs


def drop_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        for end in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{end}").unlink(missing_ok=True)
        return
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def complete(name: str, url: str, size: int) -> str:
    """Export the database (four files and alle/), then import alle/ into an empty database
    of the same kind; both dropped afterwards (alle/ at 50,000 citizens is 2–3 GB)."""
    folder = DATA / f"export-{size}-{name.lower()}"
    shutil.rmtree(folder, ignore_errors=True)
    exported = child("export", url, str(folder))
    target = dict(databases(size, "-alle"))[name]
    child("migrate", target)
    imported = child("import-complete", target, str(folder))
    drop_database(target)
    shutil.rmtree(folder, ignore_errors=True)
    return (
        f"export (four files + alle/) {exported['seconds']:.1f} s, peak "
        f"{exported['max_rss_mb']:.0f} MB | alle/ into an empty database "
        f"{imported['rows']:,} rows {imported['seconds']:.1f} s, peak "
        f"{imported['max_rss_mb']:.0f} MB"
    )


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.generate import generate  # noqa: PLC0415 (needs the root on sys.path first)

    DATA.mkdir(parents=True, exist_ok=True)
    lines = []
    for size in SIZES if set(ONLY) - {"web", "load"} else []:
        reuse = REUSE and (DATA / f"bench-{size}.db").exists()
        if not reuse:
            folder = DATA / f"csv-{size}"
            t = time.perf_counter()
            scorings = generate(folder, size)
            print(
                f"{size:,} citizens: {scorings:,} scorings generated in "
                f"{time.perf_counter() - t:.1f} s",
                flush=True,
            )
        for name, url in databases(size, reuse=reuse):
            child("migrate", url)  # a reused database gets today's migrations
            if reuse:
                parts = [f"{name:10} {size:>6,} citizens | (reused)"]
            else:
                imp = child("import", url, str(folder))
                parts = [
                    f"{name:10} {size:>6,} citizens | import {imp['rows']:,} rows "
                    f"{imp['seconds']:.1f} s, peak {imp['max_rss_mb']:.0f} MB"
                ]
            if "complete" in ONLY:
                parts.append(complete(name, url, size))
            if "stats" in ONLY:
                stats = child(
                    "stats",
                    url,
                    ":".join(PERIOD),
                    FKO_TOTAL_SQL[name].format(start=PERIOD[0], end=PERIOD[1]),
                )
                assert stats["fko_total"] == stats["bound_fko_total"], stats
                parts.append(
                    f"stats {stats['seconds'] * 1000:.0f} ms, peak "
                    f"{stats['max_rss_mb']:.0f} MB | FKO-total bound "
                    f"{stats['bound_seconds'] * 1000:.0f} ms | ratio "
                    f"{stats['seconds'] / stats['bound_seconds']:.2f}x"
                )
            if "measures" in ONLY:
                from bench import measures  # noqa: PLC0415 (needs the root on sys.path first)

                parts.append(measures.run(name, url, PERIOD))
            if "leader" in ONLY:
                from bench import leader  # noqa: PLC0415 (needs the root on sys.path first)

                parts.append(leader.run(name, url, PERIOD))
            if "page" in ONLY:
                page = child("page", url, ":".join(PERIOD))
                parts.append(
                    f"/statistik {page['seconds'] * 1000:.0f} ms vs engine "
                    f"{page['engine_seconds'] * 1000:.0f} ms: "
                    f"{page['seconds'] / page['engine_seconds']:.2f}x (target ≤ 1.20x)"
                )
            if "upgrade" in ONLY:
                up = child("upgrade", url)
                parts.append(
                    f"upgrade from the previous release's head {up['seconds']:.1f} s "
                    f"({up['rows']:,} rows kept; downgrade {up['down_seconds']:.1f} s)"
                )
            line = " | ".join(parts)
            print(line, flush=True)
            lines.append(line)
    if "web" in ONLY:
        from bench import web  # noqa: PLC0415 (needs the root on sys.path first)

        lines += web.run(PG_ADMIN)
    if "load" in ONLY:
        from bench import load  # noqa: PLC0415 (needs the root on sys.path first)

        lines += load.run(PG_ADMIN)
    print(
        "\nSummary (import targets: ≤ 2 minutes on PostgreSQL at 50,000 citizens, peak "
        "≤ 300 MB; one-year stats call in turns with the bound, best of 5; /statistik "
        "page, best of 3; web: the citizen page ≥ 10 % of the bare app's requests/s, "
        "Mine borgere and Mine opgaver ≤ 200 ms; load: zero errors, lost and duplicated):"
    )
    for line in lines:
        print("  " + line)


if __name__ == "__main__":
    main()
