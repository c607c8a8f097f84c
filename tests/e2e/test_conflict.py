"""The conflict page in a browser: she opens a goal, a colleague saves it meanwhile, her save
shows both texts (409), and she saves hers on purpose. axe-core and no sideways scroll at
desktop and 390 px; screenshots under test-output/screenshots/conflict-*."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, log_in

PHONE = {"width": 390, "height": 844}


@pytest.mark.expect_status(409)
def test_a_colleagues_save_meanwhile_shows_the_conflict_page(page, browser, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "vejleder@demo.dk")
    page.goto(f"{live_server}/borgere")
    hrefs = page.eval_on_selector_all("main a", "links => links.map(a => a.getAttribute('href'))")
    citizens = [h for h in hrefs if re.fullmatch(r"/borgere/\d+", h or "")]
    page.goto(f"{live_server}{citizens[0]}")
    page.locator("a", has_text="Ret mål").first.click()
    expect(page.get_by_role("heading", name="Ret mål", level=1)).to_be_visible()
    goal_url = page.url

    colleague_context = browser.new_context(locale="da-DK")
    colleague = colleague_context.new_page()
    log_in(colleague, live_server, "vejleder@demo.dk")
    colleague.goto(goal_url)
    colleague.get_by_label("Mål (specifikt)").fill("Kollegaens formulering af målet")
    colleague.get_by_role("button", name="Gem mål").click()
    expect(colleague.get_by_text("Målet er gemt.")).to_be_visible()
    colleague_context.close()

    page.get_by_label("Mål (specifikt)").fill("Min formulering af målet")
    page.get_by_role("button", name="Gem mål").click()
    expect(page.get_by_role("heading", name="En kollega har gemt imens", level=1)).to_be_visible()
    expect(page.get_by_text("Min formulering af målet")).to_be_visible()
    expect(page.get_by_text("Kollegaens formulering af målet")).to_be_visible()
    check_page(page, "conflict-desktop")
    page.set_viewport_size(PHONE)
    check_page(page, "conflict-phone")

    page.get_by_role("button", name="Gem mine værdier i stedet").click()
    expect(page.get_by_text("Målet er gemt.")).to_be_visible()
    expect(page.get_by_text("Min formulering af målet").first).to_be_visible()
