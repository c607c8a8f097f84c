"""The web part of `make bench` (BENCH_ONLY=web): bostotte under gunicorn against a bare app.

On a new database (SQLite in a temporary folder, as `make run` has it; PostgreSQL too when
it answers) with the demo data and one more worker with 250 citizens (bench/generate.py's
histories, three years up to today, imported):
- a bare Flask app (bench/hello.py) and bostotte under the same gunicorn settings
  (deploy/gunicorn.conf.py, 2 workers), each loaded in turn by wrk over loopback for a
  fixed time (BENCH_WEB_SECONDS, default 5), three rounds, best of each: requests/s, the
  citizen page's share of the bare app's (issue 20: ≥ 10 %), and gunicorn's CPU time per
  request (what a request costs, whatever else the shared machine is doing);
- the citizen page, logged in as her worker (vejleder@demo.dk; the citizen of hers with
  the median number of scorings, and the one with the most), per request in-process: with
  her charts drawn (as every view was before charts/cache.py kept them; now the first view
  after a change in a process; best of 3) and found drawn (best of 5);
- Mine borgere (/borgere) and Mine opgaver (/opgaver) for the worker with 250 citizens:
  time per request against the running server (best of 5) and size (issue 20: ≤ 200 ms).

The logins are made as `complete_login` leaves them (a session row, its token in the signed
cookie), without a second factor. Nothing is left behind: the folder and the database are
removed. Figures, not tests: the machine is shared and noisy.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select, update

from bench.generate import generate
from bench.serve import Server, databases, drop, get, setup_child
from bostotte import create_app
from bostotte.auth import sessions
from bostotte.auth.identity import SESSION_KEY
from bostotte.auth.models import Role, Team, User
from bostotte.charts.cache import charts
from bostotte.citizens.models import Citizen
from bostotte.common.db import analyze
from bostotte.common.time import local_today, utcnow
from bostotte.config import normalise_db_url
from bostotte.demo.services import load_demo
from bostotte.extensions import db
from bostotte.imports.services import import_folder
from bostotte.scoring.models import Scoring

WORKERS = 2
WRK = ["wrk", "-t2", "-c8", f"-d{os.environ.get('BENCH_WEB_SECONDS', '5')}s"]
ROUNDS = 3
CASELOAD = 250
PG_NAME = "bostotte_webbench"
CASELOAD_EMAIL = "bench-vejleder@bench.invalid"


# ------------------------------------------------------------------ in a child process


def _setup(url: str, folder: Path) -> dict[str, object]:
    """Migrate, load the demo and the 250-citizen caseload, log the two workers in and time
    the citizen page in-process. Runs in its own process (`python -m bench.web setup`)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_db_url(url)})
    out: dict[str, object] = {}
    today = local_today()
    with app.app_context():
        upgrade(revision="heads")
        load_demo(db.session, today)
        db.session.commit()
        # Three years of history up to today (the generator's last scoring is three years
        # after a citizen's start, which is at most 60 days after `first`).
        generate(folder, CASELOAD, first=today - timedelta(days=3 * 365 + 61))
        import_folder(db.session, folder, today)
        db.session.commit()
        teams = list(db.session.scalars(select(Team).where(Team.is_demo.is_(False))))
        worker = User(email=CASELOAD_EMAIL, name="Bench Vejleder", role=Role.WORKER, teams=teams)
        db.session.add(worker)
        db.session.flush()
        db.session.execute(
            update(Citizen)
            .where(Citizen.team_id.in_([t.id for t in teams]))
            .values(primary_worker_id=worker.id)
        )
        db.session.commit()
        analyze(db.session)

        demo_worker = db.session.scalar(select(User).where(User.email == "vejleder@demo.dk"))
        assert demo_worker is not None
        by_scorings = db.session.execute(
            select(Citizen.id, func.count(Scoring.id))
            .join(Scoring, Scoring.citizen_id == Citizen.id)
            .where(Citizen.primary_worker_id == demo_worker.id)
            .group_by(Citizen.id)
            .order_by(func.count(Scoring.id), Citizen.id)
        ).all()
        out["median"] = list(by_scorings[len(by_scorings) // 2])
        out["largest"] = list(by_scorings[-1])

        serializer = app.session_interface.get_signing_serializer(app)
        assert serializer is not None
        cookies = {}
        for key, user in (("worker", demo_worker), ("caseload", worker)):
            token = sessions.start(db.session, user, "password", utcnow())
            cookies[key] = serializer.dumps(
                {"_user_id": str(user.id), "_fresh": True, SESSION_KEY: token}
            )
        db.session.commit()
        out["cookie_name"] = app.config["SESSION_COOKIE_NAME"]
        out["cookies"] = cookies

    # The citizen page in-process: drawing her charts (as every view did before they were
    # kept: charts/cache.py), then finding them drawn. Templates are compiled first.
    client = app.test_client()
    client.set_cookie(out["cookie_name"], cookies["worker"])  # type: ignore[arg-type]
    pages = {key: f"/borgere/{out[key][0]}" for key in ("median", "largest")}  # type: ignore[index]
    for page in pages.values():
        assert client.get(page).status_code == 200
    for key, page in pages.items():
        times: dict[bool, list[float]] = {False: [], True: []}
        for drawn in (False, False, False, True, True, True, True, True):
            if not drawn:
                charts.clear()
            t = time.perf_counter()
            assert client.get(page).status_code == 200
            times[drawn].append(time.perf_counter() - t)
        out[f"{key}_cold_ms"] = min(times[False]) * 1000  # best of 3
        out[f"{key}_warm_ms"] = min(times[True]) * 1000  # best of 5
    return out


# ------------------------------------------------------------------ the parent


def _cpu_seconds(master: int) -> float:
    """CPU time of gunicorn: the master, its running workers, and the workers it has
    reaped (max_requests recycles a worker after ~2,000 requests)."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
    total = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # exited in between: counted with the master's children
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def _wrk(server: Server, path: str, cookie: str | None = None) -> tuple[float, float]:
    """Requests/s over the run, and the server's CPU milliseconds per request (what the
    page costs whatever else the shared machine is doing). Every answer must be the page
    itself: wrk would count a 302 to the login page as a success."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    status, _body = get(server.port, path, cookie)
    assert status == 200, (path, status)
    cpu = _cpu_seconds(server.process.pid)
    result = subprocess.run(
        [*WRK, *headers, f"http://127.0.0.1:{server.port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = _cpu_seconds(server.process.pid) - cpu
    assert "Non-2xx" not in result.stdout, result.stdout
    assert get(server.port, path, cookie)[0] == 200, path  # still logged in afterwards
    rps = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    count = re.search(r"(\d+) requests in", result.stdout)
    assert rps and count, result.stdout
    return float(rps.group(1)), 1000 * cpu / int(count.group(1))


def _server_ms(port: int, path: str, cookie: str) -> tuple[float, int]:
    """Best of 5 sequential requests (after one to warm), and the page's size."""
    times = []
    for i in range(6):
        t = time.perf_counter()
        status, body = get(port, path, cookie)
        if i:
            times.append(time.perf_counter() - t)
        assert status == 200, (path, status)
    return min(times) * 1000, len(body)


def _measure(name: str, url: str, work: Path, bare: Server) -> str:
    """The bare app and the citizen pages loaded in turns, ROUNDS times, best of each (a
    slow spell of the shared machine then slows both rather than one)."""
    setup = setup_child("bench.web", name, url, work / f"caseload-{name}")
    cookie = {k: f"{setup['cookie_name']}={v}" for k, v in setup["cookies"].items()}
    env = {
        "BOSTOTTE_DATABASE_URL": url,
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "BOSTOTTE_REQUIRE_TOTP": "0",
    }
    server = Server(
        env, work / f"gunicorn-{name}.log", workers=WORKERS, app="bostotte:create_app()", wait=60
    )
    runs: dict[str, list[tuple[float, float]]] = {"bare": [], "median": [], "largest": []}
    try:
        for _ in range(ROUNDS):
            runs["bare"].append(_wrk(bare, "/"))
            for key in ("median", "largest"):
                runs[key].append(_wrk(server, f"/borgere/{setup[key][0]}", cookie["worker"]))
        best = {k: (max(r for r, _c in v), min(c for _r, c in v)) for k, v in runs.items()}
        bare_rps, bare_cpu = best["bare"]
        parts = [f"bare Flask app {bare_rps:,.0f} req/s, CPU {bare_cpu:.2f} ms/request"]
        for key in ("median", "largest"):
            rps, cpu = best[key]
            parts.append(
                f"citizen page ({key}, {setup[key][1]} scorings) {rps:,.0f} req/s = "
                f"{100 * rps / bare_rps:.1f} % of bare (target ≥ 10 %), CPU {cpu:.1f} ms/request "
                f"({cpu / bare_cpu:.0f}x bare), in-process {setup[f'{key}_warm_ms']:.0f} ms, "
                f"drawing her charts {setup[f'{key}_cold_ms']:.0f} ms"
            )
        for path, label in (("/borgere", "Mine borgere"), ("/opgaver", "Mine opgaver")):
            ms, size = _server_ms(server.port, path, cookie["caseload"])
            parts.append(
                f"{label} ({CASELOAD} citizens) {ms:.0f} ms, {size / 1024:,.0f} KB "
                "(target ≤ 200 ms)"
            )
    except AssertionError as error:
        tail = server.tail()
        raise SystemExit(
            f"web: unexpected answer {error}; the server's log ends:\n{tail}"
        ) from error
    finally:
        server.stop()
    return f"{name:10} web | " + " | ".join(parts)


def run(pg_admin: str) -> list[str]:
    """The web part's lines for `bench/run.py`."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing (make bench installs Debian's wrk)")
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    line = (
        f"web: gunicorn ({WORKERS} workers, deploy/gunicorn.conf.py), {' '.join(WRK)}, "
        f"bare app and citizen pages in turns, {ROUNDS} rounds, best of each"
    )
    print(line, flush=True)
    lines = [line]
    with tempfile.TemporaryDirectory(prefix="bostotte-web-bench-") as tmp:
        work = Path(tmp)
        found = databases(work, pg_admin, PG_NAME)
        bare = Server(
            {}, work / "gunicorn-bare.log", workers=WORKERS, app="bench.hello:app", wait=60
        )
        try:
            for name, url in found:
                line = _measure(name, url, work, bare)
                print(line, flush=True)
                lines.append(line)
        finally:
            bare.stop()
            drop(found, pg_admin, PG_NAME)
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        print(json.dumps(_setup(sys.argv[2], Path(sys.argv[3]))))
    else:  # the web part alone, as BENCH_ONLY=web does it
        run(os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
