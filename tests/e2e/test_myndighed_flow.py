"""Myndighed: she lands on her worklist (/myndighed), sets a goal with baseline and target
support need with JavaScript off, and the worklist shows what is still missing until it is
done. Desktop and 390 px phone: axe, no sideways scroll, screenshots under
test-output/screenshots/myndighed-*.

From the worklist a missing baseline is 2 clicks away from saved (its link, then "Gem FKO"),
and the form goes straight on to the target (1 more click to save it)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, log_in, screenshot

PHONE = {"width": 390, "height": 844}
SECTIONS = (
    "Mangler FKO-baseline eller -mål",
    "Plan udløber inden for 30 dage",
    "§ 82 b-forløb nær 10 samtaler eller 6 måneder",
    "Mål der venter på opfølgning (§ 141)",
)
CLICKS_FROM_WORKLIST_TO_BASELINE_SAVED = 2


def own_score(page):  # type: ignore[no-untyped-def]
    """The scorer's own value (not the citizen's own, kept for a disagreement)."""
    return page.get_by_role("group", name=re.compile(r"^Støttebehov \("))


@pytest.fixture()
def page_without_js(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture()
def phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="da-DK")
    yield context.new_page()
    context.close()


def _open_citizen_with_room(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/borgere")  # the menu folds away on a phone without JavaScript
    expect(page.get_by_role("heading", name="Henviste borgere")).to_be_visible()
    rows = page.locator("table tbody tr")
    for i in range(rows.count()):
        if re.match(r"[0-2] af 3", rows.nth(i).locator("td").nth(2).inner_text()):
            rows.nth(i).locator("a").first.click()
            return
    raise AssertionError("no referred citizen with room for a goal")


def _add_goal(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Tilføj mål").click()
    page.get_by_label("Tema").select_option("socialt_liv")
    page.get_by_label("Mål (specifikt)").fill(text)
    page.get_by_label("Målbart").fill("Jeg har været der 8 gange")
    page.get_by_label("Måldato").fill("2027-06-01")
    page.get_by_role("button", name="Tilføj mål").click()
    expect(page.get_by_role("heading", name=re.compile("Registrér FKO"))).to_be_visible()


def test_myndighed_sets_goal_baseline_and_target(page_without_js, live_server):  # type: ignore[no-untyped-def]
    page = page_without_js
    log_in(page, live_server, "myndighed@demo.dk")
    expect(page.get_by_role("heading", name="Arbejdsliste", level=1)).to_be_visible()
    _open_citizen_with_room(page, live_server)
    _add_goal(page, "Jeg vil gå til fællesspisning hver torsdag")
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
    # the provider's buttons are not hers
    expect(goal.get_by_role("link", name="Tilføj delmål")).to_have_count(0)
    expect(goal.get_by_role("link", name=re.compile("^Skriv note"))).to_have_count(0)
    screenshot(page, "05-myndighed-mobil-uden-js")


def test_the_worklist_leads_to_what_is_missing(page, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "myndighed@demo.dk")
    expect(page.get_by_role("heading", name="Arbejdsliste", level=1)).to_be_visible()
    for title in SECTIONS:
        expect(page.get_by_role("heading", name=re.compile("^" + re.escape(title)))).to_be_visible()
    check_page(page, "myndighed-arbejdsliste-desktop")

    text = "Jeg vil handle ind i Netto hver mandag"
    _open_citizen_with_room(page, live_server)
    _add_goal(page, text)  # she leaves the baseline for later
    page.get_by_role("link", name="Arbejdsliste").first.click()
    row = page.locator("#liste-fko tbody tr", has_text=text)
    expect(row).to_contain_text("Udgangspunkt og mål for støttebehov")
    check_page(page, "myndighed-arbejdsliste-fko-desktop")

    clicks = 0
    row.get_by_role("link", name=re.compile("^Registrér udgangspunkt")).click()
    clicks += 1
    expect(page.get_by_label("Udgangspunkt (baseline)")).to_be_checked()
    own_score(page).get_by_label("3 – Højt").check()
    page.get_by_role("button", name="Gem FKO").click()
    clicks += 1
    assert clicks == CLICKS_FROM_WORKLIST_TO_BASELINE_SAVED
    expect(page.get_by_label("Mål for støttebehov")).to_be_checked()  # straight on

    page.get_by_role("link", name="Arbejdsliste").first.click()
    row = page.locator("#liste-fko tbody tr", has_text=text)
    expect(row).to_contain_text("Mål for støttebehov")
    expect(row).not_to_contain_text("Udgangspunkt")
    row.get_by_role("link", name=re.compile("^Registrér mål for støttebehov")).click()
    own_score(page).get_by_label("1 – Let").check()
    page.get_by_role("button", name="Gem FKO").click()
    page.get_by_role("link", name="Arbejdsliste").first.click()
    expect(page.locator("#liste-fko tbody tr", has_text=text)).to_have_count(0)


def test_the_worklist_on_a_phone(phone, live_server):  # type: ignore[no-untyped-def]
    log_in(phone, live_server, "myndighed@demo.dk")
    expect(phone.get_by_role("heading", name="Arbejdsliste", level=1)).to_be_visible()
    check_page(phone, "myndighed-arbejdsliste-mobil")
    # the section list at the top leads to each section
    phone.get_by_role("navigation", name="Afsnit på siden").get_by_role(
        "link", name=SECTIONS[3]
    ).click()
    expect(phone).to_have_url(re.compile("#opfoelgning$"))
