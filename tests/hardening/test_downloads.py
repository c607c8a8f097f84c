"""A slow download must not take the service down (issue 24): her data PDF for a long history
is a summary with a bounded number of pages (the figures are in bench/README.md, not timed
here), the JSON keeps every record, and expensive downloads and reports are rate-limited per
user with a Danish 429 and Retry-After."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from bostotte import create_app
from bostotte.auth.models import Role
from bostotte.extensions import limiter
from bostotte.portal import export
from tests import factories as make
from tests.conftest import IsolatedClient, login
from tests.hardening.history import LOG_ROWS, NOTES, SCORINGS, long_history

MAX_PAGES = 30


@pytest.fixture()
def long(w, session):  # type: ignore[no-untyped-def]
    """Citizen 1 with issue 24's history: 443 scorings, 257 notes, 7,000 reads."""
    goal = make.goal(session, w.w1, w.p1)
    make.subgoal(session, goal)
    session.commit()
    long_history(session, w.c1, w.p1, [w.w1, w.authority, w.leader])
    return w


def test_her_pdf_of_a_long_history_summarises_and_says_so(long, login_as):
    r = login_as(long.borger).get("/mig/mine-data.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(r.data)).pages
    assert len(pages) <= MAX_PAGES
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    reads = LOG_ROWS + 1  # and her own download, logged before it is made
    assert f"Dine oplysninger er set {reads} gange i alt" in text
    assert "per måned de seneste to år og per år før det" in text
    assert f"{long.w1.name} (mestringsvejleder)" in text  # who, in which role
    assert "2015" in text  # the oldest reads, counted per year
    assert "Alle dine målinger, år for år" in text
    shown = export.PDF_SCORINGS
    assert f"Dine {shown} nyeste målinger" in text
    assert f"De {SCORINGS - shown} ældre målinger står hver for sig i JSON-filen" in text
    assert f"{NOTES - export.PDF_NOTES} ældre noter står i JSON-filen" in text
    assert text.count("Samtale nr.") == shown  # the latest in full, no more
    assert "Note nr. 256 " in text and "Note nr. 0 " not in text


def test_her_json_keeps_every_record(long, login_as):
    r = login_as(long.borger).get("/mig/mine-data.json")
    data = json.loads(r.get_data(as_text=True))
    assert len(data["access_log"]) == LOG_ROWS + 1
    assert len(data["scorings"]) == SCORINGS
    notes = [
        n for p in data["plans"] for g in p["goals"] for sg in g["subgoals"] for n in sg["notes"]
    ]
    assert len(notes) == NOTES
    assert "access_summary" not in data and "notes_left_out" not in json.dumps(data)


@pytest.fixture()
def limited(app, session):  # type: ignore[no-untyped-def]
    """The app with the rate limits on (the suite's app has them off)."""
    on = create_app({**app.config, "RATELIMIT_ENABLED": True})
    on.test_client_class = IsolatedClient
    yield on
    # The limiter is one object for every app: leave it as the suite's app had it.
    limiter.reset()
    limiter.enabled = False


def test_downloads_are_limited_per_user_with_a_danish_429(limited, w, session):
    other = make.user(session, Role.CITIZEN, citizen_id=w.c2.id)
    session.commit()
    her = login(limited.test_client(), w.borger)
    statuses = [her.get("/mig/mine-data.json").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    refused = her.get("/mig/mine-data.pdf")  # the downloads share one count
    assert refused.status_code == 429
    assert "For mange forsøg" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 61  # the minute, in whole seconds up
    # Per user, not per address: another citizen on the same address is not held up.
    assert login(limited.test_client(), other).get("/mig/mine-data.json").status_code == 200


def test_the_leaders_reports_are_limited_per_user(limited, w, session):
    colleague = make.user(session, Role.LEADER, [w.t1])
    session.commit()
    leader = login(limited.test_client(), w.leader)
    statuses = [leader.get("/statistik/export.csv").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    refused = leader.get("/statistik/rapport.pdf")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert login(limited.test_client(), colleague).get("/statistik/export.csv").status_code == 200
