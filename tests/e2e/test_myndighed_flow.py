"""Myndighed sets a goal with baseline and target support need, with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot


def own_score(page):  # type: ignore[no-untyped-def]
    """The scorer's own value (not the citizen's own, kept for a disagreement)."""
    return page.get_by_role("group", name=re.compile(r"^Støttebehov \("))


@pytest.fixture()
def page_without_js(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_myndighed_sets_goal_baseline_and_target(page_without_js, live_server):  # type: ignore[no-untyped-def]
    page = page_without_js
    log_in(page, live_server, "myndighed@demo.dk")
    expect(page.get_by_role("heading", name="Henviste borgere")).to_be_visible()
    rows = page.locator("table tbody tr")
    for i in range(rows.count()):
        if re.match(r"[0-2] af 3", rows.nth(i).locator("td").nth(2).inner_text()):
            rows.nth(i).locator("a").first.click()
            break
    else:
        raise AssertionError("no referred citizen with room for a goal")
    page.get_by_role("link", name="Tilføj mål").click()
    page.get_by_label("Tema").select_option("socialt_liv")
    page.get_by_label("Mål (specifikt)").fill("Jeg vil gå til fællesspisning hver torsdag")
    page.get_by_label("Målbart").fill("Jeg har været der 8 torsdage")
    page.get_by_label("Måldato").fill("2027-06-01")
    page.get_by_role("button", name="Tilføj mål").click()

    expect(page.get_by_role("heading", name=re.compile("Registrér FKO"))).to_be_visible()
    expect(page.get_by_label("Udgangspunkt (baseline)")).to_be_checked()
    own_score(page).get_by_label("3 – Højt").check()
    page.get_by_role("button", name="Gem FKO").click()
    # straight on to the target
    expect(page.get_by_label("Mål for støttebehov")).to_be_checked()
    own_score(page).get_by_label("1 – Let").check()
    page.get_by_role("button", name="Gem FKO").click()

    goal = page.locator("article.goal-card", has_text="fællesspisning hver torsdag")
    expect(goal).to_contain_text("Udgangspunkt: 3 Højt")
    expect(goal).to_contain_text("Mål: 1 Let")
    screenshot(page, "05-myndighed-mobil-uden-js")
