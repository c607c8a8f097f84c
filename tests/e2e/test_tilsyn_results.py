"""The resultatdokumentation in a browser (issue 23, theme 3): the leader opens it from
Tilsyn, reads last year's numbers and the demo's text on how the results were used, edits
the text, and a too long one is refused in Danish; on a desktop and on a phone."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import expect

from bostotte.demo.tilsyn import RESULTS_USED
from tests.conftest import TODAY
from tests.e2e.conftest import check_page, log_in

SHOTS = Path("/tmp/shots_tilsyn")
LAST_YEAR = str(TODAY.year - 1)
FIRST_LINE = RESULTS_USED.split("\n")[0]


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    check_page(page, name)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(
        Path(__file__).resolve().parents[2] / "test-output/screenshots" / f"{name}.png", SHOTS
    )


def test_leader_reads_and_writes_the_resultatdokumentation(page, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "leder@demo.dk")
    page.get_by_role("link", name="Tilsyn", exact=True).click()
    page.get_by_role("link", name="Resultatdokumentation").click()
    expect(page.get_by_role("heading", name="Resultatdokumentation", level=1)).to_be_visible()
    page.locator("#f-aar").select_option(LAST_YEAR)
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_text(f"Periode: 01.01.{LAST_YEAR}–31.12.{LAST_YEAR}")).to_be_visible()
    for table in ("#redskaber", "#mestring"):
        expect(page.locator(table)).to_be_visible()
    expect(page.locator("#redskaber")).to_contain_text("FKO")
    expect(page.locator("#mestring")).to_contain_text("I alt")
    expect(page.locator("#dokumentation-andel")).to_contain_text("Til tiden:")
    expect(page.locator("#f-tekst")).to_have_value(RESULTS_USED)
    pdf = page.get_by_role("link", name="Resultatdokumentationen som PDF")
    expect(pdf).to_have_attribute("href", f"/tilsyn/resultatdokumentation.pdf?aar={LAST_YEAR}")
    _shot(page, "tilsyn-07-resultatdokumentation")

    # too long: refused in Danish, her text stays, nothing saved
    page.locator("#f-tekst").fill("x" * 5001)
    page.get_by_role("button", name="Gem teksten").click()
    expect(page.get_by_text("Teksten må højst være 5000 tegn.").first).to_be_visible()
    page.locator("#f-tekst").fill(RESULTS_USED + "\n\nNyt i december: vi drøftede REM.")
    page.get_by_role("button", name="Gem teksten").click()
    expect(page.get_by_text("er gemt")).to_be_visible()
    expect(page.locator("#f-tekst")).to_have_value(
        RESULTS_USED + "\n\nNyt i december: vi drøftede REM."
    )
    # this year's page has a text of its own (none yet)
    page.locator("#f-aar").select_option(str(TODAY.year))
    page.get_by_role("button", name="Vis").click()
    expect(page.locator("#f-tekst")).to_have_value("")


def test_the_resultatdokumentation_on_a_phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="da-DK")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "leder@demo.dk")
    page.goto(f"{live_server}/tilsyn/resultatdokumentation?aar={LAST_YEAR}")
    expect(page.get_by_role("heading", name="Resultatdokumentation", level=1)).to_be_visible()
    expect(page.locator("#f-tekst")).to_contain_text(FIRST_LINE)
    _shot(page, "tilsyn-08-telefon-resultatdokumentation")
    context.close()
    assert errors == []


def test_henstillinger_on_the_visit_and_in_the_handleplan(page, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "leder@demo.dk")
    page.goto(f"{live_server}/tilsyn")
    page.locator("#besoeg tr", has_text="Mestringsvejledningen").get_by_role("link").click()
    section = page.locator("#henstillinger")
    expect(section).to_contain_text("dokumentere borgernes resultater systematisk")
    expect(section).to_contain_text("Indikator 3.b:")
    # theme 3 links to its resultatdokumentation
    expect(page.locator("#tema-maalgruppe")).to_contain_text("Resultatdokumentation")
    page.locator("#handleplan").get_by_role("link", name="Henstilling 2").click()
    expect(page.locator("#f-recommendation_id")).not_to_have_value("")
    expect(page.locator("#f-indicator")).to_have_value("")
    page.locator("#f-text").fill("Sygefraværet drøftes på hvert personalemøde")
    page.locator("#f-deadline").fill("1. Q 2027")
    _shot(page, "tilsyn-09-punkt-til-henstilling")
    page.get_by_role("button", name="Gem punktet").click()
    expect(page.locator("#handleplan-punkter")).to_contain_text("Henstilling 2")
    expect(page.locator("#handleplan-punkter")).to_contain_text("1. Q 2027")
    _shot(page, "tilsyn-10-besoeg-med-henstillinger")
