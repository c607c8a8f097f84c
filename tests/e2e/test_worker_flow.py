"""A mestringsvejleder adds a goal and a delmål and records an ORS, as a person would."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot


def open_citizen_with_room_for_a_goal(page, live_server):  # type: ignore[no-untyped-def]
    """The first citizen in Mine borgere who uses FIT and has fewer than 3 active goals."""
    rows = page.locator("table tbody tr")
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        if re.match(r"[0-2] af 3", cells.nth(2).inner_text()):
            rows.nth(i).locator("a").first.click()
            if page.get_by_role("link", name="Registrér ORS").count():
                return
            page.go_back()
    raise AssertionError("no demo citizen with FIT and room for a goal")


def ors_field(page, label):  # type: ignore[no-untyped-def]
    """The worker's own field (the citizen's own values, for disagreement, are labelled apart)."""
    return page.get_by_role("textbox", name=re.compile(f"^{label} \\(")).first


def test_worker_adds_goal_subgoal_and_ors(page, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "vejleder@demo.dk")
    expect(page.get_by_role("heading", name="Mine opgaver")).to_be_visible()  # her start page
    page.get_by_role("link", name="Borgere", exact=True).click()
    expect(page.get_by_role("heading", name="Mine borgere")).to_be_visible()
    screenshot(page, "01-mine-borgere")

    open_citizen_with_room_for_a_goal(page, live_server)
    citizen_url = page.url

    page.get_by_role("link", name="Tilføj mål").click()
    page.get_by_label("Tema").select_option("sundhed")
    page.get_by_label("Mål (specifikt)").fill("Jeg vil gå en tur tre gange om ugen")
    page.get_by_label("Målbart").fill("Jeg har gået tre ture om ugen i fire uger")
    page.get_by_label("Måldato").fill("2027-03-01")
    page.get_by_role("button", name="Tilføj mål").click()
    expect(page.get_by_text("Målet er tilføjet.")).to_be_visible()
    goal = page.locator("article.goal-card", has_text="Jeg vil gå en tur tre gange om ugen")
    expect(goal).to_be_visible()

    goal.get_by_role("link", name="Tilføj delmål").click()
    page.get_by_label("Delmål").fill("Gå en tur rundt om søen om mandagen")
    page.get_by_label("Metode").select_option("MI")
    page.get_by_role("button", name="Tilføj delmål").click()
    expect(page.get_by_text("Delmålet er tilføjet.")).to_be_visible()
    expect(
        goal.locator(".subgoal__title", has_text="Gå en tur rundt om søen om mandagen")
    ).to_be_visible()

    page.get_by_role("link", name="Registrér ORS").click()
    # a wrong value first: the message stands next to the field and nothing is lost
    ors_field(page, "Individuelt").fill("12")
    ors_field(page, "Nære relationer").fill("6,5")
    ors_field(page, "Socialt").fill("7")
    ors_field(page, "Generelt").fill("8,1")
    page.get_by_role("button", name="Gem ORS").click()
    expect(page.locator("#f-v_individuelt-error")).to_contain_text("mellem 0 og 10")
    expect(ors_field(page, "Nære relationer")).to_have_value("6,5")
    screenshot(page, "02-ors-fejl")
    ors_field(page, "Individuelt").fill("5,5")
    page.get_by_role("button", name="Gem ORS").click()

    assert page.url.startswith(citizen_url)
    expect(page.get_by_text("ORS – trivsel er gemt.")).to_be_visible()
    expect(page.locator("#instrument-ORS")).to_contain_text("Seneste: 27,1")
    screenshot(page, "03-borger-efter-ors")

    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "04-borger-mobil")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the citizen page scrolls sideways on a phone ({width}px)"
