"""`BENCH_ONLY=leader`: what a leader feels on /statistik at national scale (issue 22).

On a bench database (bench/run.py builds them), as a leader of every team logged in (a
session row, its token in the cookie), in two processes of their own: the first opens
everything for the first time (its numbers computed and stored), the second reads it back
as a leader does the next time, so each process's peak memory is its own:

- five views (the year, a half-year, a quarter, one team's year, one theme's year): the
  first opening of each (its numbers computed and stored, stats.snapshots) and then the
  page when nothing has changed (best of 5): target ≤ 300 ms. The year's stored numbers
  are checked equal to the engine's own call (stats.services.dashboard) for the view;
- after a write (one FKO status recorded, then taken back), the page again: stale numbers
  with their time and "Genberegn nu", or exact ones when computing takes under a second;
  target ≤ 300 ms either way (best of 3);
- the socialudvalg PDF (midtvejsstatus) and the CSV, first and then when stored (best of
  3): targets ≤ 2 s and ≤ 0.5 s at 5,000 citizens;
- each process's peak memory (max RSS): reading stored numbers stays flat from 5,000 to
  50,000 citizens; computing them is the engine's (the `stats` part) and issue 21's
  expected-progress history, read once per day and process.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from bench.serve import module_child
from bostotte import create_app, instruments
from bostotte.auth import sessions
from bostotte.auth.identity import SESSION_KEY
from bostotte.auth.models import Role, Team, User
from bostotte.common.time import local_today, utcnow
from bostotte.config import normalise_db_url
from bostotte.extensions import db
from bostotte.goals.models import Goal
from bostotte.scoring.models import Scoring
from bostotte.stats import snapshots
from bostotte.stats.models import StatSnapshot
from bostotte.stats.queries import Period, Scope
from bostotte.stats.services import dashboard


def run(name: str, url: str, period: tuple[str, str]) -> str:
    first = _child(name, url, period, "first")
    out = _child(name, url, period, "stored")
    views = ", ".join(
        f"{v}: first {first['first'][v]:.1f} s, then {out['page'][v] * 1000:.0f} ms"
        for v in out["page"]
    )
    return (
        f"/statistik {views} | worst stored page {max(out['page'].values()) * 1000:.0f} ms "
        f"(target ≤ 300 ms) | after a write {out['after_write'] * 1000:.0f} ms, "
        f"{'stale with its time' if out['stale'] else 'exact'} | engine's numbers equal: "
        f"{first['equal']} | PDF first {first['pdf_first']:.2f} s, stored "
        f"{out['pdf'] * 1000:.0f} ms (target ≤ 2 s at 5,000) | CSV first "
        f"{first['csv_first']:.2f} s, stored {out['csv'] * 1000:.0f} ms (target ≤ 0.5 s) | "
        f"peak computing {first['max_rss_mb']:.0f} MB, reading stored {out['max_rss_mb']:.0f} MB"
    )


def _child(name: str, url: str, period: tuple[str, str], mode: str) -> dict[str, Any]:
    return module_child("bench.leader", [url, *period, mode], f"leader bench ({mode}) on {name}")


def _best(call, rounds: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def _timed(call) -> float:  # type: ignore[no-untyped-def]
    return _best(call, 1)


def child(url: str, start: str, end: str, mode: str) -> dict[str, object]:
    """mode "first": every view, the PDF and the CSV opened for the first time (their
    numbers computed and stored); "stored": in a new process, the same read back."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": normalise_db_url(url),
            "BOSTOTTE_REQUIRE_TOTP": False,
            "RATELIMIT_ENABLED": False,  # the bench downloads more often than a leader may
        }
    )
    out: dict[str, object] = {}
    with app.app_context():
        session = db.session
        if mode == "first":
            session.execute(delete(StatSnapshot))  # every view's first opening computes
            session.commit()
        client, teams = leader_client(app)

        year = date.fromisoformat(start).year
        views = {
            "year": {"fra": start, "til": end},
            "half-year": {"fra": f"{year}-01-01", "til": f"{year}-06-30"},
            "quarter": {"fra": f"{year}-07-01", "til": f"{year}-09-30"},
            "team": {"fra": start, "til": end, "team": teams[0].id},
            "theme": {"fra": start, "til": end, "tema": "mestring"},
        }

        def get(path: str, args: dict[str, object]) -> str:
            response = client.get(path, query_string=args)
            assert response.status_code == 200, (path, args, response.status_code)
            return response.get_data(as_text=True) if path == "/statistik" else ""

        year = Period(date.fromisoformat(start), date.fromisoformat(end))
        scope = Scope(tuple(sorted(t.id for t in teams)))
        pdf_args = {**views["year"], "type": "midtvejs"}
        if mode == "first":
            out["csv_first"] = _timed(lambda: get("/statistik/export.csv", views["year"]))
            session.execute(delete(StatSnapshot))
            session.commit()
            out["first"] = {
                name: _timed(lambda args=args: get("/statistik", args))
                for name, args in views.items()
            }
            out["pdf_first"] = _timed(lambda: get("/statistik/rapport.pdf", pdf_args))
            # The stored numbers are the engine's, exactly (the year's view).
            view = snapshots.View(scope, year, None, app.config["BOSTOTTE_MIN_CELL"], True)
            stored = snapshots.numbers(session, view, local_today())
            engine = dashboard(
                session,
                year,
                today=local_today(),
                scope=scope,
                min_cell=app.config["BOSTOTTE_MIN_CELL"],
            )
            out["equal"] = stored.exact and stored.dashboard == engine
        else:
            out["page"] = {
                name: _best(lambda args=args: get("/statistik", args), 5)
                for name, args in views.items()
            }
            out["pdf"] = _best(lambda: get("/statistik/rapport.pdf", pdf_args), 3)
            out["csv"] = _best(lambda: get("/statistik/export.csv", views["year"]), 3)
            _after_a_write(session, out, end, lambda: get("/statistik", views["year"]))
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def leader_client(app: Any) -> tuple[Any, list[Team]]:
    """A test client logged in as a leader of every team (made once, a second run reuses
    her), as `complete_login` leaves her: a session row, its token in the cookie; and the
    teams, in id order. In the app's context."""
    session = db.session
    teams = list(session.scalars(select(Team).order_by(Team.id)))
    email = "bench-leder@bench.invalid"
    leader = session.scalar(select(User).where(User.email == email)) or User(
        email=email, name="Bench Leder", role=Role.LEADER, teams=teams
    )
    session.add(leader)
    session.commit()
    token = sessions.start(session, leader, "password", utcnow())
    session.commit()
    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"], s["_fresh"], s[SESSION_KEY] = str(leader.id), True, token
    return client, teams


def _after_a_write(session: Any, out: dict[str, object], end: str, page: Any) -> None:
    """One FKO status recorded (and taken back afterwards), then the page."""
    goal = session.scalars(select(Goal).order_by(Goal.id).limit(1)).one()
    scoring = Scoring(
        citizen_id=goal.citizen_id,
        goal_id=goal.id,
        instrument="FKO",
        instrument_version=instruments.get("FKO").version,
        occasion="status",
        scored_on=date.fromisoformat(end),
        participation="together",
        total=2,
    )
    session.add(scoring)
    session.commit()
    out["stale"] = "Genberegn nu" in page()
    out["after_write"] = _best(page, 3)
    session.delete(scoring)
    session.commit()


if __name__ == "__main__":
    print(json.dumps(child(*sys.argv[1:5])))
