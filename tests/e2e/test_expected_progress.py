"""Expected progress as the worker sees it with the demo's history: the "Ikke på sporet" list
from Mine opgaver, and the band on a listed citizen's ORS chart, at desktop and at phone width
(axe, no sideways scroll; screenshots under test-output/screenshots/progress-*)."""

from playwright.sync_api import expect

from tests.e2e.conftest import OUTPUT, check_page, log_in


def test_the_list_and_the_band_at_desktop_and_phone_width(page, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "vejleder@demo.dk")
    page.goto(f"{live_server}/opgaver")
    page.get_by_role("link", name="Ikke på sporet").click()
    expect(page.get_by_role("heading", name="Ikke på sporet", level=1)).to_be_visible()
    page.get_by_role("link", name="Vis hele teamets borgere").click()
    rows = page.locator("table tbody tr")
    assert 1 <= rows.count() <= 8, "a short list from the demo's history"
    check_page(page, "progress-list-desktop")
    name = rows.first.locator("th a").inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "progress-list-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    rows.first.locator("th a").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    chart = page.locator("#chart-ors-srs")
    if not chart.is_visible():  # the link's anchor may have opened the fold already
        page.locator("#instrument-ORS summary", has_text="Graf:").first.click()
    expect(chart).to_be_visible()
    expect(chart.locator("svg .envelope--expected").first).to_be_attached()
    expect(chart).to_contain_text("Forventet ud fra tidligere forløb")
    summary = chart.locator(".chart__summary, p", has_text="Forventet fremgang").first
    expect(summary).to_contain_text("under det forventede")
    check_page(page, "progress-chart-desktop")
    chart.screenshot(path=str(OUTPUT / "progress-chart-only-desktop.png"))

    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "progress-chart-phone")
    chart.screenshot(path=str(OUTPUT / "progress-chart-only-phone.png"))

    # a goal's FKO chart: the band of goals with the same baseline, by quarter
    page.set_viewport_size({"width": 1280, "height": 900})
    fko = page.locator("figure.chart[id^='chart-fko-']", has=page.locator(".envelope--expected"))
    if not fko.first.is_visible():
        fko.first.locator("xpath=ancestor::details[1]/summary").click()
    expect(fko.first).to_contain_text("Forventet ud fra tidligere mål")
    fko.first.screenshot(path=str(OUTPUT / "progress-fko-only-desktop.png"))
