"""A note that also sets the delmål's status, on a phone and on a desktop: one save, the
confirmation in view at the top of the citizen page, and the change in the goal's history.
axe-core on each page; screenshots under test-output/screenshots/goal-history-*."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bostotte.auth.models import User
from bostotte.citizens.models import Citizen, Plan
from bostotte.extensions import db
from bostotte.goals.models import Goal, SubGoal
from tests.e2e.conftest import check_page, log_in, serve_demo

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

    def an_open_subgoal() -> Demo:
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
        return Demo("", citizen.id, citizen.display_name, goal.id, subgoal.title)

    with serve_demo(tmp_path_factory.mktemp("e2e-goal-history"), an_open_subgoal) as (url, found):
        yield dataclasses.replace(found, base=url)


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
