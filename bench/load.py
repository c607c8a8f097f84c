"""The load part of `make bench` (BENCH_ONLY=load): many clients at once against gunicorn
with 4 workers, on SQLite and on PostgreSQL, then the rows counted.

On a new database per kind (SQLite in a temporary folder; `bostotte_loadbench` on
PostgreSQL when it answers) with the demo data and bench/generate.py's histories for
BENCH_LOAD_CITIZENS citizens (default 500, three years up to today, imported), and logins
made for the load (workers of the imported teams with the citizens shared among them, a
leader of those teams, citizens with a login of their own), BENCH_LOAD_CLIENTS clients
(default 40; threads with a `requests` session each, as a browser: real logins with a
password, CSRF tokens read from the forms, redirects followed) work for BENCH_LOAD_SECONDS
(default 120) against `deploy/gunicorn.conf.py` with 4 workers:

- workers (most clients; the demo's and the load's): log in, open Mine borgere and Mine
  opgaver, read citizen pages, record ORS, SRS and FKO status scorings, write notes on
  delmål and edit goals (versioned: a stale form's 409 conflict page is a correct answer,
  counted apart; some edits go to a few shared goals so conflicts happen), log out and in
  again now and then;
- citizens: open /mig, fill in an ORS themselves;
- leaders: open /statistik.

Every write carries a token of its own (a scoring's note or her comment, the note's text,
the goal's text), and the client keeps each one the server acknowledged (a redirect after
the POST). Afterwards the database is read: every acknowledged token must be there once
(lost: missing; duplicated: more than once), a goal's history may not hold two changes from
the same version, and no request may have answered 5xx or failed to connect. Per database:
throughput, latency p50/p95/p99 per kind of request, errors, lost, duplicated, conflicts.
Correctness is the point; the speed is the shared machine's.

Second (BENCH_LOAD_DOWNLOADS, default on): while 4 citizens (distinct logins, as the
per-user limit refuses repeats) pull /mig/mine-data.pdf of a long history
(tests/hardening/history.py, the size of issue 24's) and a leader the socialudvalg PDF
(/statistik/rapport.pdf), a colleague's citizen page is timed against the same page idle.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests

from bench.serve import ROOT, Server, databases, drop, setup_child

WORKERS = 4
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "120"))
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "40"))
CITIZENS = int(os.environ.get("BENCH_LOAD_CITIZENS", "500"))
DOWNLOADS = os.environ.get("BENCH_LOAD_DOWNLOADS", "1") not in {"0", ""}
PG_NAME = "bostotte_loadbench"
PASSWORD = "Belastning-paa-fire-processer-2026"
LOAD_WORKERS = 8  # logins made for the imported teams' citizens
LOAD_CITIZENS = 10  # citizens of those teams with a login of their own
DEMO_PASSWORD = "demo1234"
DEMO_WORKERS = ("vejleder@demo.dk", "vejleder2@demo.dk", "vejleder3@demo.dk", "vejleder4@demo.dk")
TIMEOUT = 120  # longer than gunicorn's: a slow answer is measured, not cut off


# ------------------------------------------------------------------ in a child process


def _setup(url: str, folder: Path) -> dict[str, Any]:
    """Migrate, load the demo and the generated citizens, make the load's logins; for the
    downloads, a citizen of the demo with a long history. `python -m bench.load setup`."""
    from flask_migrate import upgrade  # noqa: PLC0415 (the parent never loads the app)
    from sqlalchemy import func, select, update  # noqa: PLC0415

    from bench.generate import generate  # noqa: PLC0415
    from bostotte import create_app  # noqa: PLC0415
    from bostotte.auth.models import Role, Team, User  # noqa: PLC0415
    from bostotte.auth.services import create_user  # noqa: PLC0415
    from bostotte.citizens.models import Citizen  # noqa: PLC0415
    from bostotte.common.db import analyze  # noqa: PLC0415
    from bostotte.common.time import local_today  # noqa: PLC0415
    from bostotte.config import normalise_db_url  # noqa: PLC0415
    from bostotte.demo.services import load_demo  # noqa: PLC0415
    from bostotte.extensions import db  # noqa: PLC0415
    from bostotte.imports.services import import_folder  # noqa: PLC0415

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_db_url(url)})
    today = local_today()
    out: dict[str, Any] = {}
    with app.app_context():
        s = db.session
        upgrade(revision="heads")
        load_demo(s, today)
        s.commit()
        generate(folder, CITIZENS, first=today - timedelta(days=3 * 365 + 61))
        import_folder(s, folder, today)
        s.commit()
        teams = list(s.scalars(select(Team).where(Team.is_demo.is_(False)).order_by(Team.id)))
        workers = []
        for n in range(LOAD_WORKERS):
            team = teams[n % len(teams)]
            workers.append(
                create_user(
                    s,
                    email=f"load-vejleder{n}@bench.invalid",
                    name=f"Belastning Vejleder {n}",
                    role=Role.WORKER,
                    password=PASSWORD,
                    teams=[team],
                )
            )
        s.flush()
        for team in teams:
            mine = [w for w in workers if team in w.teams]
            ids = list(s.scalars(select(Citizen.id).where(Citizen.team_id == team.id)))
            for i, cid in enumerate(ids):
                s.execute(
                    update(Citizen)
                    .where(Citizen.id == cid)
                    .values(primary_worker_id=mine[i % len(mine)].id)
                )
        create_user(
            s,
            email="load-leder@bench.invalid",
            name="Belastning Leder",
            role=Role.LEADER,
            password=PASSWORD,
            teams=teams,
        )
        ors_citizens = list(
            s.scalars(
                select(Citizen.id)
                .where(Citizen.team_id.in_([t.id for t in teams]), Citizen.uses_fit.is_(True))
                .order_by(Citizen.id)
            )
        )
        for n, cid in enumerate(ors_citizens[: LOAD_CITIZENS * 3 : 3]):
            create_user(
                s,
                email=f"load-borger{n}@bench.invalid",
                name=f"Belastning Borger {n}",
                role=Role.CITIZEN,
                password=PASSWORD,
                citizen_id=cid,
            )
        s.commit()
        analyze(s)
        out["workers"] = [w.email for w in workers]
        out["citizens"] = [f"load-borger{n}@bench.invalid" for n in range(LOAD_CITIZENS)]
        out["leader"] = "load-leder@bench.invalid"
        out["citizen_count"] = s.query(Citizen).count()
        # One citizen per team whose goals every worker of the team edits now and then, so
        # that two saves from one version can meet (the 409 conflict page).
        out["hot"] = {}
        for email in [*DEMO_WORKERS, *out["workers"]]:
            user = s.scalar(select(User).where(User.email == email))
            assert user is not None
            team_ids = [t.id for t in user.teams]
            out["hot"][email] = s.scalar(
                select(func.min(Citizen.id)).where(
                    Citizen.team_id.in_(team_ids), Citizen.uses_fko.is_(True)
                )
            )
        demo_worker = s.scalar(select(User).where(User.email == "vejleder@demo.dk"))
        assert demo_worker is not None
        out["download"] = _download_citizens(s, demo_worker) if DOWNLOADS else {}
    return out


def _download_citizens(s: Any, colleague: Any) -> dict[str, Any]:
    """Four citizens of the demo's Team Nord with issue 24's long history and a login
    each (the rate limit counts per user), and a citizen of the colleague's to time."""
    from sqlalchemy import select  # noqa: PLC0415

    from bostotte.auth.models import Role, User  # noqa: PLC0415
    from bostotte.auth.services import create_user  # noqa: PLC0415
    from bostotte.citizens.models import Citizen, Plan  # noqa: PLC0415
    from tests.hardening.history import long_history  # noqa: PLC0415

    staff = list(s.scalars(select(User).where(User.is_demo.is_(True), User.role != Role.CITIZEN)))
    taken = set(s.scalars(select(User.citizen_id).where(User.citizen_id.is_not(None))))
    logins = []
    candidates = s.scalars(
        select(Citizen).where(Citizen.is_demo.is_(True)).order_by(Citizen.id)
    ).all()
    for citizen in candidates:
        # long_history writes its notes on a delmål of the plan's first goal
        plans = s.scalars(select(Plan).where(Plan.citizen_id == citizen.id)).all()
        plan = next((p for p in plans if p.goals and p.goals[0].subgoals), None)
        if citizen.id in taken or plan is None:
            continue
        email = f"load-download{len(logins)}@bench.invalid"
        create_user(
            s, email=email, name=email, role=Role.CITIZEN, password=PASSWORD, citizen_id=citizen.id
        )
        s.commit()
        long_history(s, citizen, plan, staff, scale=1)
        s.commit()
        logins.append(email)
        if len(logins) == 4:
            break
    page = s.scalar(
        select(Citizen.id)
        .where(Citizen.primary_worker_id == colleague.id)
        .order_by(Citizen.id.desc())
    )
    return {"citizens": logins, "colleague": colleague.email, "page": f"/borgere/{page}"}


# ------------------------------------------------------------------ the parent: forms


class Form(HTMLParser):
    """The fields a browser would send for the page's forms (all but the log-out form):
    hidden and text inputs, checked radios and boxes, textareas, selected options."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._in: dict[str, Any] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._in = {"action": a.get("action"), "fields": {}}
            self.forms.append(self._in)
            return
        if self._in is None:
            return
        fields = self._in["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type") or "text"
            if kind in {"radio", "checkbox"}:
                if "checked" in a:
                    fields[name] = a.get("value") or "on"
            elif kind not in {"submit", "button"}:
                fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and (self._select not in fields or "selected" in a):
            fields[self._select] = a.get("value") or ""

    def handle_data(self, data: str) -> None:
        if self._in is not None and self._textarea:
            self._in["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def main(self) -> dict[str, Any]:
        forms = [f for f in self.forms if f["action"] != "/logout"]
        assert forms, "no form on the page"
        return forms[-1]


# ------------------------------------------------------------------ the parent: clients


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    acked: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    conflicts: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    refusals: list[str] = field(default_factory=list)


class Client:
    def __init__(self, base: str, tally: Tally, name: str, email: str, password: str) -> None:
        self.base, self.tally, self.name = base, tally, name
        self.email, self.password = email, password
        self.http = requests.Session()
        self.rng = random.Random(name)
        self.n = 0

    def token(self, kind: str) -> str:
        self.n += 1
        return f"load-{kind}-{self.name}-{self.n}"

    def request(self, kind: str, method: str, path: str, **kw: Any) -> requests.Response | None:
        t = time.perf_counter()
        try:
            r = self.http.request(
                method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kw
            )
        except requests.RequestException as exc:
            with self.tally.lock:
                self.tally.errors.append(
                    f"{kind} {method} {path}: {type(exc).__name__} {str(exc)[:160]}"
                )
            return None
        elapsed = time.perf_counter() - t
        with self.tally.lock:
            self.tally.times[kind].append(elapsed)
            self.tally.statuses[f"{r.status_code // 100}xx"] += 1
            if r.status_code >= 500:
                self.tally.errors.append(
                    f"{kind} {method} {path}: {r.status_code} after {elapsed:.1f} s"
                )
        return r

    def get(self, kind: str, path: str, expect: int = 200) -> str | None:
        r = self.request(kind, "GET", path)
        if r is None:
            return None
        if r.status_code != expect and r.status_code < 500:
            self.refuse(kind, f"GET {path} answered {r.status_code}")
            if r.status_code == 302 and "/login" in r.headers.get("Location", ""):
                self.login()  # logged out (a log-in again that failed): as she would
            return None
        return r.text if r.status_code == expect else None

    def refuse(self, kind: str, why: str) -> None:
        with self.tally.lock:
            self.tally.refused[kind] += 1
            if len(self.tally.refusals) < 30:
                self.tally.refusals.append(f"{self.name} {kind}: {why}")

    def post_form(
        self, kind: str, path: str, values: dict[str, str], token: str | None, think: float = 0
    ) -> str | None:
        """GET the form, fill it in and POST it as a browser would. The answer's redirect
        acknowledges the write (its token kept); 409 is a conflict; a 4xx page a refusal."""
        html = self.get(f"{kind} (form)", path)
        if html is None:
            return None
        form = Form(html).main()
        data = {**form["fields"], **values}
        if think:
            time.sleep(think)  # she types: a colleague may save the same record meanwhile
            # gunicorn closes a connection idle for 2 s (keepalive); a browser that finds
            # its kept connection closed under a POST sends it again on a new one. The
            # client opens the new one first instead, so no save is sent twice.
            self.http.close()
        r = self.request(kind, "POST", form["action"] or path, data=data)
        if r is None or r.status_code >= 500:
            return None
        if r.status_code in (302, 303):
            if token:
                with self.tally.lock:
                    self.tally.acked[kind].append(token)
            return str(r.headers["Location"])
        if r.status_code == 409:
            with self.tally.lock:
                self.tally.conflicts[kind] += 1
            return None
        message = re.findall(r'class="form-error-message"[^>]*>\s*(?:<[^>]+>\s*)*([^<]+)', r.text)
        self.refuse(kind, f"POST {path} answered {r.status_code} {message[:2]}")
        return None

    def login(self) -> bool:
        r = self.request("login (form)", "GET", "/login")
        if r is not None and r.status_code == 302:
            return True  # still logged in (a log-out that failed): her session goes on
        if r is None or r.status_code != 200:
            return False
        html = r.text
        fields = Form(html).main()["fields"]
        fields.update(email=self.email, password=self.password)
        r = self.request("login", "POST", "/login", data=fields)
        if r is None or r.status_code not in (302, 303):
            if r is not None and r.status_code < 500:
                self.refuse("login", f"{self.email}: {r.status_code}")
            return False
        return True

    def logout(self) -> None:
        html = self.get("logout (form)", "/konto")
        if html is None:
            return
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        if token:
            self.request("logout", "POST", "/logout", data={"csrf_token": token.group(1)})

    def run(self, until: float) -> None:
        while time.monotonic() < until and not self.login():
            time.sleep(1)
        while time.monotonic() < until:
            self.step()

    def step(self) -> None:
        raise NotImplementedError


class Worker(Client):
    """A mestringsvejleder's day: her lists, her citizens' pages, scorings, notes, goals."""

    def __init__(self, *args: Any, hot: int) -> None:
        super().__init__(*args)
        self.hot = [hot]  # her team's shared citizen (setup's "hot")
        self.citizens: list[int] = []

    def refresh(self) -> None:
        html = self.get("Mine borgere", "/borgere?mine=1")
        if html:
            ids = sorted({int(i) for i in re.findall(r'href="/borgere/(\d+)"', html)})
            self.citizens = ids

    def step(self) -> None:
        if not self.citizens:
            self.refresh()
            if not self.citizens:
                time.sleep(1)
                return
        action = self.rng.choices(
            ["lists", "page", "scoring", "note", "goal", "relogin"],
            weights=[10, 35, 25, 12, 15, 3],
        )[0]
        if action == "lists":
            self.get("Mine opgaver", "/opgaver") if self.rng.random() < 0.6 else self.refresh()
            return
        if action == "relogin":
            self.logout()
            self.login()
            return
        cid = self.rng.choice(
            self.hot if action == "goal" and self.rng.random() < 0.7 else self.citizens
        )
        page = self.get("citizen page", f"/borgere/{cid}")
        if page is None or action == "page":
            return
        page = page.replace("&amp;", "&")
        if action == "scoring":
            links = re.findall(rf'href="(/borgere/{cid}/scoringer/(?:ORS|SRS|FKO)/ny[^"]*)"', page)
            links = [link for link in links if "FKO" not in link or "occasion=status" in link]
            if not links:
                return
            link = self.rng.choice(links)
            inst = re.search(r"/(ORS|SRS|FKO)/", link).group(1)  # type: ignore[union-attr]
            token = self.token(inst)
            values = {"worker_note": token}
            if inst == "FKO":
                values["v_value"] = str(self.rng.randint(0, 4))
            else:
                items = {
                    "ORS": ("individuelt", "interpersonelt", "socialt", "generelt"),
                    "SRS": ("relation", "maal_og_emner", "tilgang", "generelt"),
                }[inst]
                values.update({f"v_{i}": f"{self.rng.uniform(0, 10):.1f}" for i in items})
            self.post_form(inst, link, values, token)
        elif action == "note":
            links = re.findall(rf'href="(/borgere/{cid}/delmaal/\d+/note)"', page)
            if links:
                token = self.token("note")
                self.post_form("note", self.rng.choice(links), {"text": token}, token)
        elif action == "goal":
            links = re.findall(rf'href="(/borgere/{cid}/maal/\d+/rediger)"', page)
            if links:
                token = self.token("goal")
                # The generated goals have no "how will we know": she writes one as well.
                values = {"specific": token, "measurable": "Det kan ses i dagbogen."}
                think = self.rng.uniform(1, 4)
                self.post_form("goal edit", self.rng.choice(links), values, token, think)


class Citizen(Client):
    """A citizen on /mig: her page, and an ORS filled in herself."""

    def step(self) -> None:
        if self.get("/mig", "/mig") is None:
            time.sleep(0.5)
            return
        if self.rng.random() < 0.5:
            token = self.token("mig")
            values = {
                i: f"{self.rng.uniform(0, 10):.1f}"
                for i in ("individuelt", "interpersonelt", "socialt", "generelt")
            }
            self.post_form(
                "her ORS on /mig", "/mig/udfyld/ORS", {**values, "citizen_comment": token}, token
            )


class Leader(Client):
    def step(self) -> None:
        self.get("/statistik", "/statistik")


# ------------------------------------------------------------------ the parent: the run


def _clients(base: str, tally: Tally, setup: dict[str, Any]) -> list[Client]:
    """About 3 in 4 workers (half the demo's, half the load's), 1 in 6 citizens, 1 in 15
    leaders; at least one of each."""
    leaders = max(1, CLIENTS // 15)
    citizens = max(1, CLIENTS // 6)
    workers = max(1, CLIENTS - leaders - citizens)
    out: list[Client] = []
    staff = [(e, DEMO_PASSWORD) for e in DEMO_WORKERS] + [(e, PASSWORD) for e in setup["workers"]]
    for i in range(workers):
        email, password = staff[i % len(staff)]
        out.append(Worker(base, tally, f"w{i}", email, password, hot=setup["hot"][email]))
    for i in range(citizens):
        email = setup["citizens"][i % len(setup["citizens"])]
        out.append(Citizen(base, tally, f"c{i}", email, PASSWORD))
    for i in range(leaders):
        email, password = ("leder@demo.dk", DEMO_PASSWORD) if i % 2 else (setup["leader"], PASSWORD)
        out.append(Leader(base, tally, f"l{i}", email, password))
    return out


def _count(url: str, tally: Tally) -> dict[str, int]:
    """The rows: every acknowledged token there once; a goal's changes from distinct
    versions."""
    from sqlalchemy import create_engine, text  # noqa: PLC0415

    from bostotte.config import normalise_db_url  # noqa: PLC0415

    engine = create_engine(normalise_db_url(url))
    found: Counter[str] = Counter()
    with engine.connect() as conn:
        for sql in (
            "SELECT worker_note FROM scorings WHERE worker_note LIKE 'load-%'",
            "SELECT citizen_comment FROM scorings WHERE citizen_comment LIKE 'load-%'",
            "SELECT text FROM subgoal_notes WHERE text LIKE 'load-%'",
        ):
            found.update(row[0] for row in conn.execute(text(sql)))
        for (changes,) in conn.execute(text("SELECT changes FROM goal_revisions")):
            data = json.loads(changes) if isinstance(changes, str) else changes
            after = (data.get("specific") or [None, None])[1]
            if isinstance(after, str) and after.startswith("load-"):
                found[after] += 1
        # A goal edited twice from the same version: one edit overwrote the other.
        same_version = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT goal_id, version FROM goal_revisions"
                " WHERE subgoal_id IS NULL GROUP BY goal_id, version HAVING count(*) > 1) x"
            )
        ).scalar_one()
    engine.dispose()
    acked = [t for tokens in tally.acked.values() for t in tokens]
    return {
        "acknowledged": len(acked),
        "lost": sum(1 for t in acked if found[t] == 0),
        "duplicated": sum(1 for t in acked if found[t] > 1)
        + sum(1 for t, n in found.items() if n > 1 and t not in set(acked)),
        "unacknowledged_found": sum(1 for t in found if t not in set(acked)),
        "same_version_goal_edits": int(same_version),
    }


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _warm(server: Server) -> None:
    """A few pages first, so each worker has imported and compiled what it serves (the
    first request of a process takes seconds); not counted."""
    client = Client(server.base, Tally(), "warm", "vejleder@demo.dk", DEMO_PASSWORD)
    client.login()
    for _ in range(3 * WORKERS):
        client.get("warm", "/opgaver")
        client.get("warm", "/borgere?mine=1")


def _load(name: str, url: str, work: Path, setup: dict[str, Any], server: Server) -> list[str]:
    tally = Tally()
    clients = _clients(server.base, tally, setup)
    load1 = os.getloadavg()[0]
    start = time.monotonic()
    until = start + SECONDS
    threads = [threading.Thread(target=c.run, args=(until,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 2 * TIMEOUT)
    wall = time.monotonic() - start
    counts = _count(url, tally)
    requests_done = sum(len(v) for v in tally.times.values())
    lines = [
        f"{name:10} load | {len(clients)} clients ({sum(isinstance(c, Worker) for c in clients)}"
        f" workers, {sum(isinstance(c, Citizen) for c in clients)} citizens, "
        f"{sum(isinstance(c, Leader) for c in clients)} leaders), {SECONDS:.0f} s, "
        f"{setup['citizen_count']} citizens | {requests_done:,} requests in {wall:.0f} s = "
        f"{requests_done / wall:.1f} req/s | 5xx and connection errors {len(tally.errors)} | "
        f"writes acknowledged {counts['acknowledged']:,}, lost {counts['lost']}, duplicated "
        f"{counts['duplicated']}, goal changes from one version twice "
        f"{counts['same_version_goal_edits']}, found but never acknowledged "
        f"{counts['unacknowledged_found']} | conflicts (409) {dict(tally.conflicts) or 0} | "
        f"refused (4xx) {dict(tally.refused) or 0} | load average {load1:.1f} → "
        f"{os.getloadavg()[0]:.1f}"
    ]
    for kind in sorted(tally.times, key=lambda k: -len(tally.times[k])):
        v = tally.times[kind]
        lines.append(
            f"{'':10}   {kind:28} n={len(v):5}  p50 {_percentile(v, 50) * 1000:6.0f} ms  "
            f"p95 {_percentile(v, 95) * 1000:6.0f} ms  p99 {_percentile(v, 99) * 1000:6.0f} ms"
        )
    for error in tally.errors[:10]:
        lines.append(f"{'':10}   error: {error}")
    for why in tally.refusals[:8]:
        lines.append(f"{'':10}   refused: {why}")
    return lines


def _downloads(name: str, setup: dict[str, Any], server: Server) -> str:
    """A colleague's citizen page idle, then while 4 citizens pull their data PDF and a
    leader the socialudvalg PDF, in turns (idle, busy, idle, busy)."""
    d = setup["download"]
    tally = Tally()
    colleague = Client(server.base, tally, "colleague", d["colleague"], DEMO_PASSWORD)
    assert colleague.login(), "the colleague could not log in"
    pullers = [
        Client(server.base, tally, f"d{i}", e, PASSWORD) for i, e in enumerate(d["citizens"])
    ]
    pullers.append(Client(server.base, tally, "leader", "leder@demo.dk", DEMO_PASSWORD))
    for p in pullers:
        assert p.login(), f"{p.email} could not log in"
    paths = ["/mig/mine-data.pdf"] * (len(pullers) - 1) + ["/statistik/rapport.pdf"]

    def page_times(n: int) -> list[float]:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            assert colleague.get("citizen page", d["page"]) is not None, d["page"]
            times.append(time.perf_counter() - t)
        return times

    page_times(2)  # warm: her charts drawn in the workers that serve her
    idle: list[float] = []
    busy: list[float] = []
    pdf_times: list[float] = []
    statuses: Counter[int] = Counter()
    for _round in range(2):
        idle += page_times(5)
        done = threading.Event()

        def pull(client: Client, path: str) -> None:
            t = time.perf_counter()
            r = client.request("PDF", "GET", path)
            with tally.lock:
                pdf_times.append(time.perf_counter() - t)
                statuses[r.status_code if r is not None else 0] += 1

        threads = [
            threading.Thread(target=pull, args=(c, p)) for c, p in zip(pullers, paths, strict=True)
        ]
        for t in threads:
            t.start()
        time.sleep(0.3)  # the downloads have begun
        while any(t.is_alive() for t in threads):
            busy += page_times(1)
        for t in threads:
            t.join()
        done.set()
    ratio = statistics.median(busy) / statistics.median(idle)
    return (
        f"{name:10} downloads | colleague's citizen page idle median "
        f"{statistics.median(idle) * 1000:.0f} ms (n={len(idle)}), during 4 data PDFs and "
        f"the socialudvalg PDF median {statistics.median(busy) * 1000:.0f} ms, max "
        f"{max(busy) * 1000:.0f} ms (n={len(busy)}): {ratio:.1f}x | the PDFs took "
        f"{min(pdf_times):.1f}–{max(pdf_times):.1f} s, answers {dict(statuses)} | 5xx "
        f"{len(tally.errors)}"
    )


def _server_errors(log: Path) -> list[str]:
    """The exceptions the server logged (the last line of each traceback), counted, and the
    workers gunicorn killed for their timeout."""
    text = log.read_text(errors="replace")
    found = Counter(re.findall(r"^(\w+(?:\.\w+)*(?:Error|Exception)\b.*)$", text, re.M))
    found.update(re.findall(r"WORKER TIMEOUT", text))
    return [f"{'':10}   server log: {n} × {line[:300]}" for line, n in found.most_common(8)]


def run(pg_admin: str) -> list[str]:
    """The load part's lines for `bench/run.py`."""
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    line = (
        f"load: gunicorn ({WORKERS} workers, deploy/gunicorn.conf.py), {CLIENTS} clients for "
        f"{SECONDS:.0f} s, demo + {CITIZENS} generated citizens; machine: {os.cpu_count()} "
        f"cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(line, flush=True)
    lines = [line]
    with tempfile.TemporaryDirectory(prefix="bostotte-load-bench-") as tmp:
        work = Path(tmp)
        found = databases(work, pg_admin, PG_NAME)
        only = os.environ.get("BENCH_LOAD_DATABASES")
        try:
            for name, url in found:
                if only and name.lower() not in only.lower():
                    continue
                setup = setup_child("bench.load", name, url, work / f"data-{name}")
                env = {
                    "BOSTOTTE_DATABASE_URL": url,
                    "SECRET_KEY": os.environ["SECRET_KEY"],
                    "BOSTOTTE_REQUIRE_TOTP": "0",
                    "BOSTOTTE_SECURE_COOKIES": "0",  # plain HTTP on loopback
                }
                # Kept after the run (bench/data/ is not in git): the tracebacks of any 5xx.
                log = ROOT / "bench" / "data" / f"load-gunicorn-{name.lower()}.log"
                log.parent.mkdir(parents=True, exist_ok=True)
                log.unlink(missing_ok=True)
                server = Server(env, log, workers=WORKERS)
                try:
                    _warm(server)
                    out = _load(name, url, work, setup, server) if SECONDS > 0 else []
                    if DOWNLOADS:
                        out.append(_downloads(name, setup, server))
                finally:
                    server.stop()
                out += _server_errors(server.log_path)
                for x in out:
                    print(x, flush=True)
                lines += out
        finally:
            drop(found, pg_admin, PG_NAME)
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        print(json.dumps(_setup(sys.argv[2], Path(sys.argv[3]))))
    else:  # the load part alone, as BENCH_ONLY=load does it
        run(os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
