"""A note that also sets the delmål's status, on a phone and on a desktop: one save, the
confirmation in view at the top of the citizen page, and the change in the goal's history.
axe-core on each page; screenshots under test-output/screenshots/goal-history-*."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from bostotte import create_app
from bostotte.auth.models import User
from bostotte.citizens.models import Citizen, Plan
from bostotte.demo.services import load_demo
from bostotte.extensions import db
from bostotte.goals.models import Goal, SubGoal
from tests.conftest import TODAY
from tests.e2e.conftest import check_page, log_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class Demo:
    base: str
    citizen_id: int
    citizen: str
    goal_id: int
    subgoal: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo data on a server of its own (this test changes a delmål), and one of the
    worker's citizens with an open delmål in an active goal."""
    tmp = tmp_path_factory.mktemp("e2e-goal-history")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'e2e.db'}",
            "SECRET_KEY": "e2e-secret",
            "BOSTOTTE_OUTBOX": str(tmp / "outbox"),
            "BOSTOTTE_REQUIRE_TOTP": False,
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        load_demo(db.session, TODAY)
        db.session.commit()
        worker = db.session.scalars(select(User).where(User.email == "vejleder@demo.dk")).one()
        citizen, goal, subgoal = db.session.execute(
            select(Citizen, Goal, SubGoal)
            .join(Plan, Plan.citizen_id == Citizen.id)
            .join(Goal, Goal.plan_id == Plan.id)
            .join(SubGoal, SubGoal.goal_id == Goal.id)
            .where(
                Citizen.primary_worker_id == worker.id,
                Plan.status == "active",
                Goal.status == "active",
                SubGoal.status == "in_progress",
            )
            .order_by(Citizen.id, Goal.id, SubGoal.id)
            .limit(1)
        ).one()
        found = Demo("", citizen.id, citizen.display_name, goal.id, subgoal.title)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield Demo(
        f"http://127.0.0.1:{http.server_port}",
        found.citizen_id,
        found.citizen,
        found.goal_id,
        found.subgoal,
    )
    http.shutdown()


def test_a_note_sets_the_delmaals_status_and_the_history_shows_it(page, demo):  # type: ignore[no-untyped-def]
    log_in(page, demo.base, "vejleder@demo.dk")
    page.goto(f"{demo.base}/borgere/{demo.citizen_id}")
    card = page.locator(f"#goal-{demo.goal_id}")
    card.get_by_role("link", name=f"Skriv note til delmålet {demo.subgoal}").click()
    expect(page.get_by_role("heading", name="Note til delmål", level=1)).to_be_visible()
    expect(page.get_by_role("radio", name="I gang")).to_be_checked()
    check_page(page, "goal-history-01-note-desktop")
    page.set_viewport_size(PHONE)
    check_page(page, "goal-history-01-note-telefon")

    page.get_by_label(re.compile("^Note")).fill("Hun klarede det selv hele måneden.")
    page.get_by_role("radio", name="Opnået").check()
    page.get_by_role("button", name="Gem note").click()

    # back on the citizen page, at its top: the confirmation where the eye is
    expect(page.get_by_text("Noten er gemt.")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") == 0
    expect(page.get_by_text("Hun klarede det selv hele måneden.").first).to_be_attached()
    check_page(page, "goal-history-02-gemt-telefon")

    card = page.locator(f"#goal-{demo.goal_id}")
    card.get_by_role("link", name=re.compile("^Historik: ændringer af målet")).click()
    expect(page.get_by_role("heading", name="Historik for målet", level=1)).to_be_visible()
    newest = page.locator(".goal-history__entry").first
    expect(newest).to_contain_text(f"Delmålet «{demo.subgoal}» blev ændret")
    expect(newest).to_contain_text("Status: fra «I gang» til «Opnået»")
    expect(newest).to_contain_text("Mette")  # the demo worker's name
    check_page(page, "goal-history-03-historik-telefon")

    page.set_viewport_size(DESKTOP)
    check_page(page, "goal-history-04-historik-desktop")
