"""The leader's dashboard in a browser: log in, change period and team, download the CSV and
the PDF, on a desktop and on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot


def test_leader_reads_the_dashboard_and_downloads_the_reports(page, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "leder@demo.dk")
    page.get_by_role("link", name="Statistik", exact=True).click()
    expect(page.get_by_role("heading", name="Statistik", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Mestring (FKO)")).to_be_visible()
    total = page.locator("#fko-heading ~ div table tbody tr").first
    expect(total.locator("th")).to_have_text("Alle temaer")
    screenshot(page, "leader-01-statistik")

    # last year, one team: the URL carries the filters (a bookmark shows the same view)
    page.get_by_role("textbox", name="Fra", exact=True).fill("2025-01-01")
    page.get_by_role("textbox", name="Til", exact=True).fill("2025-12-31")
    page.get_by_role("combobox", name="Team", exact=True).select_option(label="Team Nord")
    page.get_by_role("button", name="Vis").click()
    expect(page).to_have_url(re.compile(r"fra=2025-01-01.*til=2025-12-31.*team=\d+"))
    expect(page.get_by_text("Periode: 01.01.2025–31.12.2025")).to_be_visible()
    expect(page.locator("#opdeling-team ~ div").first).not_to_contain_text("Team Syd")
    expect(page.locator(".stats-intro")).to_contain_text("Team Nord")
    screenshot(page, "leader-02-team-nord-2025")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name=re.compile("Hent tallene som regneark")).click()
    csv_file = csv_download.value
    assert csv_file.suggested_filename.startswith("statistik-2025-01-01-2025-12-31-team")
    content = csv_file.path().read_text(encoding="utf-8-sig")
    assert content.splitlines()[0].startswith("Måling;Periode fra;Periode til;")
    assert "Team Syd" not in content

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name=re.compile("Afsluttende status")).click()
    pdf_file = pdf_download.value
    assert pdf_file.suggested_filename.endswith(".pdf")
    assert pdf_file.path().read_bytes()[:5] == b"%PDF-"

    # a target: bad input first (kept, with a Danish message), then right
    page.locator("#f-maal_tema").select_option(label="Sundhed")
    page.locator("#f-andel").fill("mange")
    page.get_by_role("button", name="Gem mål").click()
    expect(
        page.get_by_text("Skriv målet som en procent mellem 0 og 100, fx 63.").first
    ).to_be_visible()
    expect(page.locator("#f-andel")).to_have_value("mange")
    screenshot(page, "leader-03-maal-fejl")
    page.locator("#f-andel").fill("48")
    page.get_by_role("button", name="Gem mål").click()
    expect(page.get_by_text(re.compile("Målet for Sundhed .* er 48"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"team=\d+.*#maal"))


def test_dashboard_on_a_phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="da-DK")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server, "leder@demo.dk")
    page.goto(f"{live_server}/statistik")
    expect(page.get_by_role("heading", name="Statistik", level=1)).to_be_visible()
    # nothing wider than the screen: no sideways scrolling of the page itself
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px phone"
    screenshot(page, "leader-04-telefon")
    context.close()
    assert errors == []
