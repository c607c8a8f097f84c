"""Tilsyn in a browser: the leader enters PITSTOP's visit (seed 003) against the demo's
earlier visit and reads its theme scores and spindelvæv, on a desktop and on a phone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import check_page, log_in

SHOTS = Path("/tmp/shots_tilsyn")

PITSTOP = {
    "1.a": 4, "1.b": 4, "2.a": 4, "2.b": 5,
    "3.a": 3, "3.b": 3, "3.d": 5,
    "4.a": 5, "4.b": 5, "5.a": 5, "5.b": 5, "5.c": 5, "7.a": 5,
    "8.a": 5, "8.b": 5, "9.a": 4, "9.b": 2, "9.c": 5, "9.d": 3,
    "10.a": 2, "10.b": 3, "14.a": 5, "14.b": 5,
}  # fmt: skip


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    check_page(page, name)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(
        Path(__file__).resolve().parents[2] / "test-output/screenshots" / f"{name}.png", SHOTS
    )


def _enter_pitstop(page, base: str) -> str:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Tilsyn", exact=True).click()
    expect(page.get_by_role("heading", name="Tilsyn", level=1)).to_be_visible()
    expect(page.locator("#besoeg")).to_contain_text("Socialtilsyn Hovedstaden")  # the demo's
    page.get_by_role("link", name="Registrér besøg").click()
    page.locator("#f-visit_date").fill("2026-03-04")
    page.get_by_label("Anmeldt driftsorienteret tilsyn", exact=True).check()
    page.locator("#f-visitor").fill("Socialtilsyn Hovedstaden")
    page.locator("#f-offer").fill("PITSTOP")
    # a score out of range cannot be chosen; a date in the future is refused in Danish
    page.locator("#f-visit_date").fill("2030-01-01")
    page.get_by_role("button", name="Gem besøget").click()
    expect(page.get_by_text("Datoen må ikke ligge i fremtiden.").first).to_be_visible()
    page.locator("#f-visit_date").fill("2026-03-04")
    for indicator, score in PITSTOP.items():
        page.locator(f'[id="f-score-{indicator}"]').select_option(str(score))
    page.locator("#f-tekst-organisation").fill("Tilbuddet har i høj grad en kompetent ledelse.")
    page.get_by_role("button", name="Gem besøget").click()
    expect(page.get_by_text("Besøget er gemt.")).to_be_visible()
    return page.url


def test_leader_enters_a_visit_and_sees_the_radar(page, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "leder@demo.dk")
    url = _enter_pitstop(page, live_server)
    expect(page.get_by_role("heading", name="Organisation og ledelse: 4,3")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Målgruppe, metoder og resultater: 3,7")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Kompetencer: 2,5")).to_be_visible()
    expect(page.locator("#indikator-9\\.b")).to_contain_text("Scoren ændres fra 4 til 2")
    figure = page.locator("#chart-tilsyn-radar")
    expect(figure.locator("svg.chart__svg--wide")).to_be_visible()
    expect(figure.locator("svg.chart__svg--narrow")).to_be_hidden()
    # the demo's earlier visit, and this one
    expect(figure.locator("svg.chart__svg--wide path.web--first")).to_have_count(1)
    expect(figure.locator("svg.chart__svg--wide path.web--latest")).to_have_count(1)
    expect(figure.locator(".chart__summary")).to_contain_text("Mod forrige besøg er scoren")
    figure.get_by_text("Se tallene").click()
    expect(figure.locator("table")).to_contain_text("Organisation og ledelse")
    _shot(page, "tilsyn-01-besoeg")
    page.goto(url + "/rediger")
    _shot(page, "tilsyn-02-rediger")

    # the handleplan: an action for 9.b, suggested as scored 3 or lower
    page.goto(url)
    page.locator("#handleplan").get_by_role("link", name=re.compile("^9.b")).click()
    expect(page.locator("#f-indicator")).to_have_value("9.b")
    page.locator("#f-text").fill("Fastholdelsessamtaler med alle medarbejdere")
    page.locator("#f-owner_id").select_option(label="Mette Lindberg")
    page.locator("#f-deadline").fill("4. Q 2026")
    page.get_by_role("button", name="Gem punktet").click()
    expect(page.locator("#handleplan-punkter")).to_contain_text("4. Q 2026")
    expect(page.locator("#handleplan-punkter")).to_contain_text("Mette Lindberg")
    _shot(page, "tilsyn-06-handleplan")


def test_the_visit_on_a_phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="da-DK")
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and "status of 400" not in m.text else None
        ),
    )
    log_in(page, live_server, "leder@demo.dk")
    page.goto(f"{live_server}/tilsyn")
    _shot(page, "tilsyn-03-telefon-liste")
    page.locator("#besoeg a").first.click()
    figure = page.locator("#chart-tilsyn-radar")
    expect(figure.locator("svg.chart__svg--narrow")).to_be_visible()
    expect(figure.locator("svg.chart__svg--wide")).to_be_hidden()
    _shot(page, "tilsyn-04-telefon-besoeg")
    page.goto(f"{live_server}/tilsyn/besoeg/ny")
    _shot(page, "tilsyn-05-telefon-formular")
    context.close()
    assert errors == []
