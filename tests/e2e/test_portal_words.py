"""Her self-fill on a phone (390 px): the sliders start without a value (no knob, "Ikke valgt
endnu"), a tap or the keyboard sets one, "Gem" with nothing set gives one plain message per
item linked to its field, and without JavaScript the number boxes alone still work. Screenshots
of /mig at desktop and phone width under test-output/screenshots/words-*."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bostotte.portal.plain import NOT_ANSWERED, clinical_terms
from tests.e2e.conftest import check_page, log_in, screenshot

PHONE = {"width": 390, "height": 844}
ITEMS = ("individuelt", "interpersonelt", "socialt", "generelt")


@pytest.fixture()
def phone(page):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    return page


def test_mig_reads_plain_at_desktop_and_phone_width(page, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "borger@demo.dk")
    page.goto(f"{live_server}/mig")
    text = page.locator("main").inner_text()
    assert clinical_terms(text) == []
    expect(page.locator("figure.chart[id^=chart-fko-]").first).to_contain_text("Nu:")
    expect(page.locator(".portal-areas")).to_contain_text(
        "Overblik i hverdagen (Struktureringsevne)"
    )
    check_page(page, "words-01-mig-1280")
    page.set_viewport_size(PHONE)
    check_page(page, "words-02-mig-390")


def test_sliders_start_without_a_value_and_gem_says_what_is_missing(phone, live_server):  # type: ignore[no-untyped-def]
    page = phone
    log_in(page, live_server, "borger@demo.dk")
    page.goto(f"{live_server}/mig/udfyld/ORS")
    sliders = page.locator("input[type=range]")
    expect(sliders).to_have_count(4)
    for item in ITEMS:
        slider = page.locator(f"input[type=range][data-scale-for=f-{item}]")
        expect(slider).to_be_visible()
        expect(slider).to_have_class(re.compile(r"\bis-unset\b"))
        expect(slider).to_have_attribute("aria-valuetext", "Ikke valgt endnu")
        expect(page.locator(f"#f-{item}")).to_have_value("")
    expect(page.locator(".portal-scale__status").first).to_have_text("Ikke valgt endnu.")
    check_page(page, "words-03-udfyld-tom-390")

    # "Gem" with nothing set: one plain message per item, each a link to its field
    page.get_by_role("button", name="Gem mine svar").click()
    expect(page.get_by_text("Der er fejl i formularen")).to_be_visible()
    links = page.locator(".error-summary a")
    expect(links).to_have_count(4)
    for k, item in enumerate(ITEMS):
        expect(links.nth(k)).to_have_attribute("href", f"#f-{item}")
        expect(links.nth(k)).to_contain_text(NOT_ANSWERED)
        expect(page.locator(f"#f-{item}-error")).to_contain_text(NOT_ANSWERED)
        expect(page.locator(f"input[type=range][data-scale-for=f-{item}]")).to_have_class(
            re.compile(r"\bis-unset\b")
        )
    check_page(page, "words-04-udfyld-fejl-390")
    links.first.click()
    expect(page.locator("#f-individuelt")).to_be_focused()

    # a tap on the line sets the knob there and writes the number in the box
    first = page.locator("input[type=range][data-scale-for=f-individuelt]")
    box = first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2)
    expect(first).to_have_class(re.compile(r"\bis-set\b"))
    value = page.locator("#f-individuelt").input_value()
    assert value and 7 <= float(value.replace(",", ".")) <= 9, value
    expect(first).to_have_attribute("aria-valuetext", f"{value} af 10")

    # the keyboard: the first arrow puts the knob in the middle, the next moves it
    second = page.locator("input[type=range][data-scale-for=f-interpersonelt]")
    second.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#f-interpersonelt")).to_have_value("5")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#f-interpersonelt")).to_have_value("5,1")
    expect(second).to_have_attribute("aria-valuetext", "5,1 af 10")

    # emptying the box takes the knob away again
    page.locator("#f-interpersonelt").fill("")
    expect(second).to_have_class(re.compile(r"\bis-unset\b"))
    expect(second).to_have_attribute("aria-valuetext", "Ikke valgt endnu")
    page.locator("#f-interpersonelt").fill("6")
    expect(second).to_have_value("6")
    page.locator("#f-socialt").fill("5,5")
    page.locator("#f-generelt").fill("7")
    check_page(page, "words-05-udfyld-sat-390")
    page.get_by_role("button", name="Gem mine svar").click()
    expect(page.get_by_text("Tak. Dine svar er gemt.")).to_be_visible()


def test_without_javascript_the_boxes_alone_work(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="da-DK", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "borger@demo.dk")
    page.goto(f"{live_server}/mig/udfyld/SRS")
    expect(page.locator("input[type=range]").first).to_be_hidden()
    page.get_by_role("button", name="Gem mine svar").click()
    expect(page.locator(".error-summary a")).to_have_count(4)
    for item, value in zip(
        ("relation", "maal_og_emner", "tilgang", "generelt"), "9876", strict=True
    ):
        page.locator(f"#f-{item}").fill(value)
    screenshot(page, "words-06-udfyld-uden-js-390")
    page.get_by_role("button", name="Gem mine svar").click()
    expect(page.get_by_text("Tak. Dine svar er gemt.")).to_be_visible()
    context.close()
