"""Her data download at issue 24's history (bench/README.md, 2026-12-07 late evening):
`PYTHONPATH=. .venv/bin/python bench/download.py SCALE pdf|json`, SQLite in a temporary
folder, or the PostgreSQL database in BENCH_DOWNLOAD_DB (replaced). In-process; figures, not
a test."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from flask import render_template
from pypdf import PdfReader

from bostotte import create_app
from bostotte.auth.models import Role, User
from bostotte.citizens.models import Citizen
from bostotte.common.pdf import render_pdf
from bostotte.common.time import utcnow
from bostotte.extensions import db
from bostotte.portal import export, services, views
from bostotte.reminders.cadence import RULES
from bostotte.reminders.signals import KINDS
from tests import factories as make
from tests.conftest import login, reset_schema
from tests.hardening.history import long_history
from tests.portal.conftest import _history


def main(scale: int, what: str) -> None:
    url = os.environ.get("BENCH_DOWNLOAD_DB") or f"sqlite:///{Path(tempfile.mkdtemp()) / 'd.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
            "BOSTOTTE_REQUIRE_TOTP": False,
        }
    )
    reset_schema(app)
    with app.app_context():
        s = db.session
        w = make.world(s)
        _history(s, w, w.c1, w.p1, w.w1, "en")
        staff = [w.w1, w.authority, *(make.user(s, Role.WORKER, [w.t1]) for _ in range(4))]
        s.commit()
        long_history(s, w.c1, w.p1, staff, scale=scale)
        cid, her = w.c1.id, w.borger.id
    for n in range(2):
        with app.test_request_context():
            citizen = db.session.get(Citizen, cid)
            assert citizen is not None
            t0 = time.perf_counter()
            record = export.citizen_record(db.session, citizen, now=utcnow(), pdf=what == "pdf")
            t1 = time.perf_counter()
            if what == "json":
                body = json.dumps(record, ensure_ascii=False).encode()
                print(
                    f"round {n}: record {t1 - t0:.2f} s, dumps {time.perf_counter() - t1:.2f} s,"
                    f" {len(body) // 1024} KB"
                )
                continue
            context = {
                "data": record,
                "when": views._when,
                "day": views._day,
                "month": views._month,
                "instrument_label": services.instrument_label,
                "rules": RULES,
                "signal_kinds": KINDS,
            }
            render_template("portal/my_data_pdf.html", **context)
            t2 = time.perf_counter()
            pdf = render_pdf("portal/my_data_pdf.html", **context)
            t3 = time.perf_counter()
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(
                f"round {n}: record {t1 - t0:.2f} s, template {t2 - t1:.2f} s, template and"
                f" WeasyPrint {t3 - t2:.2f} s, {pages} pages, {len(pdf) // 1024} KB"
            )
    client = app.test_client()
    with app.app_context():
        login(client, db.session.get(User, her))
    t0 = time.perf_counter()
    response = client.get(f"/mig/mine-data.{what}")
    print(f"request {time.perf_counter() - t0:.2f} s, {response.status_code}")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
