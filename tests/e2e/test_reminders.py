"""Mine opgaver after the demo data and a night's run: one task resolved by recording it."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from werkzeug.serving import make_server

from bostotte import create_app
from bostotte.demo.services import load_demo
from bostotte.extensions import db
from bostotte.reminders.jobs import run_daily
from tests.conftest import TODAY
from tests.e2e.conftest import log_in, screenshot
from tests.reminders.conftest import at


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Like `live_server`, and the daily job has run once at 06:00 on TODAY."""
    tmp = tmp_path_factory.mktemp("e2e-reminders")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'e2e.db'}",
            "SECRET_KEY": "e2e-secret",
            "BOSTOTTE_OUTBOX": str(tmp / "outbox"),
            "BOSTOTTE_REQUIRE_TOTP": False,  # the demo, as `make run` serves it
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        load_demo(db.session, TODAY)
        db.session.commit()
        assert run_daily(db.session, TODAY, at(TODAY)).created > 0
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()


def test_worker_resolves_a_task_by_recording_the_scoring(page, server):  # type: ignore[no-untyped-def]
    log_in(page, server, "vejleder@demo.dk")
    expect(page.get_by_role("heading", name="Mine opgaver", level=1)).to_be_visible()
    for table in ("#tasks-scorings", "#tasks-dates"):
        rows = page.locator(f"{table} tbody tr")
        dues = [rows.nth(i).get_attribute("data-due") for i in range(rows.count())]
        assert dues and dues == sorted(dues)  # soonest (most overdue) first
    tasks = page.locator("#tasks-scorings tbody tr")
    before = tasks.count()
    screenshot(page, "reminders-01-mine-opgaver")

    task = tasks.filter(has=page.get_by_role("link", name=re.compile("^Registrér ORS"))).first
    expect(task).to_be_visible()
    task_id = task.get_attribute("id")
    citizen = task.locator("th a").inner_text()
    task.get_by_role("link", name=re.compile("^Registrér ORS")).click()

    expect(page.get_by_role("heading", name=re.compile("ORS"))).to_be_visible()
    for label, value in (
        ("Individuelt", "6"),
        ("Nære relationer", "6,5"),
        ("Socialt", "7"),
        ("Generelt", "7"),
    ):
        page.get_by_role("textbox", name=re.compile(f"^{label} \\(")).first.fill(value)
    page.get_by_role("button", name="Gem ORS").click()
    expect(page.get_by_text("ORS – trivsel er gemt.")).to_be_visible()

    page.get_by_role("link", name="Mine opgaver", exact=True).click()
    expect(page.locator(f"#{task_id}")).to_have_count(0)
    expect(tasks).to_have_count(before - 1)
    screenshot(page, "reminders-02-efter-ors")
    assert citizen  # the task named the citizen it was about


def test_worker_marks_a_signal_as_seen(page, server):  # type: ignore[no-untyped-def]
    log_in(page, server, "vejleder@demo.dk")
    page.goto(f"{server}/opgaver?alle=1#signaler")
    cards = page.locator("div.signal")
    count = cards.count()
    assert count > 0, "the demo data has signals (declining ORS, low SRS, overdue goals)"
    card = cards.first
    expect(card.get_by_role("link", name=re.compile("^Se grafen"))).to_be_visible()
    card.locator("summary").click()
    card.get_by_role("button", name="Markér som set").click()  # without a note first
    error = page.locator("div.signal .form-error-message").first
    expect(error).to_contain_text("Udfyld feltet")
    screenshot(page, "reminders-03-signal-note-mangler")
    card = page.locator("div.signal", has=page.locator(".form-error-message")).first
    card.get_by_label("Kort note").fill("Talt med borgeren; vi følger op i næste uge.")
    card.get_by_role("button", name="Markér som set").click()
    expect(page.get_by_text(re.compile("er markeret som set\\."))).to_be_visible()
    expect(page.locator("div.signal")).to_have_count(count - 1)
    screenshot(page, "reminders-04-signal-set")

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{server}/opgaver")
    screenshot(page, "reminders-05-mobil")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"Mine opgaver scrolls sideways on a phone ({width}px)"
