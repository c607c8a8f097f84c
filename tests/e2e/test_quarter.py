"""The quarter's FKO status on a phone: from Mine opgaver's 'FKO-status' line to every goal's
status saved, with one mistake first. axe-core on each page (no serious or critical
violations); screenshots under test-output/screenshots/quarter-*.

Page loads from Mine opgaver to saved: 2 without a mistake (the quarter page; the citizen
page after saving), 3 with the one mistake made here. Before there was this page it was two
per goal (the goal's form; the citizen page after saving): 6 for three goals."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from bostotte.extensions import db
from bostotte.reminders.jobs import run_daily
from tests.conftest import TODAY
from tests.e2e.conftest import OUTPUT, check_page, log_in, serve_demo
from tests.reminders.conftest import at

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PAGE_LOADS_WITHOUT_MISTAKE = 2
PAGE_LOADS_WITH_ONE_MISTAKE = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo data, and the daily job has run once (so Mine opgaver has FKO tasks)."""
    with serve_demo(
        tmp_path_factory.mktemp("e2e-quarter"), lambda: run_daily(db.session, TODAY, at(TODAY))
    ) as (url, _):
        yield url


def test_worker_records_the_quarter_on_her_phone(page, server):  # type: ignore[no-untyped-def]
    log_in(page, server, "vejleder@demo.dk")
    expect(page.get_by_role("heading", name="Mine opgaver", level=1)).to_be_visible()
    fko = page.locator("li.task-line", has_text="Registrér FKO-status for")
    card = page.locator("article.task-card", has=fko).first
    line = card.locator(fko).first
    expect(line).to_be_visible()
    citizen = card.locator("h2").inner_text()
    line.scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "quarter-00-mine-opgaver.png"))  # the viewport only

    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))  # full page loads, not #fragment jumps

    # desktop first: how the page reads on a wide screen
    line.get_by_role("link", name=re.compile("^Alle mål på én side")).click()
    expect(page.get_by_role("heading", name="Kvartalets FKO-status", level=1)).to_be_visible()
    quarter_url = page.url
    assert quarter_url.endswith("/kvartal")
    expect(page.get_by_text(citizen).first).to_be_visible()
    goals = page.locator("section.goal-card")
    n = goals.count()
    assert n >= 1
    check_page(page, "quarter-01-desktop")

    page.set_viewport_size(PHONE)
    check_page(page, "quarter-02-telefon")

    # the mistake: a note for the last goal, but no value chosen for it
    for i in range(n - 1):
        goals.nth(i).get_by_role("radio", name=re.compile("^2 – Moderat")).check()
    goals.nth(0).get_by_label(re.compile("^Note")).fill("Åbner selv posten nu")
    goals.nth(n - 1).get_by_label(re.compile("^Note")).fill("Har brug for følge til lægen")
    page.get_by_label("Borgeren ønskede ikke at deltage", exact=False).check()
    page.get_by_role("button", name="Gem FKO-status").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Vælg støttebehovet, eller slet noten")
    # what she entered is all still there
    if n > 1:
        expect(goals.nth(0).get_by_role("radio", name=re.compile("^2 – Moderat"))).to_be_checked()
    expect(goals.nth(0).get_by_label(re.compile("^Note"))).to_have_value("Åbner selv posten nu")
    expect(page.get_by_label("Borgeren ønskede ikke at deltage", exact=False)).to_be_checked()
    check_page(page, "quarter-03-fejl-telefon")

    # the summary's link lands on the goal's first choice
    summary.get_by_role("link").first.click()
    last = goals.nth(n - 1)
    expect(last.get_by_role("radio").first).to_be_focused()
    last.get_by_role("radio", name=re.compile("^3 – Højt")).check()
    page.get_by_role("button", name="Gem FKO-status").click()

    expect(page.get_by_text(f"FKO-status registreret for {n} mål.")).to_be_in_viewport()
    expect(page.get_by_role("heading", name=citizen, level=1)).to_be_visible()
    check_page(page, "quarter-04-gemt-telefon")
    page.get_by_role("link", name="Registrér kvartalets FKO-status").scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "quarter-04b-link-telefon.png"))  # the viewport only

    assert len(loads) == PAGE_LOADS_WITH_ONE_MISTAKE, loads

    page.set_viewport_size(DESKTOP)
    page.goto(quarter_url)
    expect(page.get_by_text("3 – Højt").first).to_be_visible()  # the new latest status
    check_page(page, "quarter-05-desktop-efter")
