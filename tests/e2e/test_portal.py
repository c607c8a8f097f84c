"""The citizen's own pages as she uses them on a phone (375 px): Mine mål, her own ORS,
a comment, her data, who has seen it; and the invitation that gets her in. Each page is
checked with axe-core (no serious or critical violations); screenshots under
test-output/screenshots/portal-*."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import OUTPUT, log_in, screenshot

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 800}
AXE_REPORT = OUTPUT.parent / "axe-portal.json"


@pytest.fixture()
def phone(page):  # type: ignore[no-untyped-def]
    """The suite's page (CSP on, console errors fail the test) at phone width."""
    page.set_viewport_size(PHONE)
    return page


def check_axe(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """axe-core on the page as it is now: no serious or critical violations."""
    # Evaluated through the DevTools protocol rather than add_script_tag: an inserted
    # <script> is (rightly) refused by the app's CSP, which stays on in these tests.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    found = [
        {
            "page": name,
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    report = json.loads(AXE_REPORT.read_text()) if AXE_REPORT.exists() else {}
    report[name] = {"violations": found, "passes": len(result["passes"])}
    AXE_REPORT.parent.mkdir(parents=True, exist_ok=True)
    AXE_REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name}: {serious}"


def fits_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"


def worker_opens_louise(browser, live_server) -> str:  # type: ignore[no-untyped-def]
    """The worker reads Louise's record (an access-log row); returns the worker's name."""
    context = browser.new_context(locale="da-DK")
    worker = context.new_page()
    log_in(worker, live_server, "vejleder@demo.dk")
    worker.goto(f"{live_server}/borgere?q=Louise")
    worker.get_by_role("link", name="Louise Kjær").first.click()
    expect(worker.get_by_role("heading", name="Louise Kjær", level=1)).to_be_visible()
    name = worker.locator(".header-user .user").inner_text().replace("Logget ind som", "")
    context.close()
    return name.strip()


def test_citizen_uses_her_pages_on_a_phone(phone, live_server, browser, tmp_path):  # type: ignore[no-untyped-def]
    page = phone
    AXE_REPORT.unlink(missing_ok=True)
    worker_name = worker_opens_louise(browser, live_server)
    log_in(page, live_server, "borger@demo.dk")
    expect(page.get_by_role("heading", name="Mine mål", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Til næste møde")).to_be_visible()
    expect(page.get_by_text("ORS viser, hvordan du har det.")).to_be_visible()
    fits_phone(page)
    check_axe(page, "mig")
    screenshot(page, "portal-01-mine-maal-375")

    # ORS before the meeting: first without answers, then with them
    page.get_by_role("link", name=re.compile("Før mødet")).click()
    expect(page.get_by_role("heading", name="Før mødet: Hvordan har du det?")).to_be_visible()
    sliders = page.locator("input[type=range]")
    expect(sliders).to_have_count(4)
    expect(sliders.first).to_be_visible()  # shown by the script; hidden without it
    page.get_by_role("button", name="Gem mine svar").click()
    expect(page.get_by_text("Der er fejl i formularen")).to_be_visible()
    expect(page.locator("#f-individuelt-error")).to_contain_text("Du har ikke valgt et tal endnu.")
    fits_phone(page)
    check_axe(page, "udfyld-ors-fejl")
    screenshot(page, "portal-02-ors-fejl-375")

    page.get_by_role("textbox", name="Individuelt").fill("6,5")
    # the slider follows the box, and the keyboard moves the slider one decimal at a time
    first_slider = sliders.first
    expect(first_slider).to_have_value("6.5")
    first_slider.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("textbox", name="Individuelt")).to_have_value("6,6")
    expect(first_slider).to_have_attribute("aria-valuetext", "6,6 af 10")
    page.get_by_role("textbox", name="Nære relationer").fill("7")
    page.get_by_role("textbox", name="Socialt").fill("5,5")
    page.get_by_role("textbox", name="Generelt").fill("8")
    page.get_by_label("Vil du skrive noget til din mestringsvejleder?").fill("Jeg har sovet bedre")
    check_axe(page, "udfyld-ors")
    screenshot(page, "portal-03-ors-udfyldt-375")
    page.get_by_role("button", name="Gem mine svar").click()
    expect(page.get_by_text("Tak. Dine svar er gemt.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Din seneste ORS er 27,1 af 40"))).to_be_visible()

    # a comment on that scoring
    page.get_by_role("link", name="Skriv en kommentar til en måling").click()
    expect(page.get_by_role("heading", name="Mine målinger", level=1)).to_be_visible()
    fits_phone(page)
    check_axe(page, "maalinger")
    page.locator(".portal-list__item a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ORS")
    expect(page.get_by_text("Dig selv")).to_be_visible()
    page.get_by_label("Din kommentar").fill("Socialt var nok lidt højere")
    page.get_by_role("button", name="Gem kommentaren").click()
    expect(page.get_by_text("Din kommentar er gemt.")).to_be_visible()
    expect(page.locator(".portal-comment")).to_contain_text("Socialt var nok lidt højere")
    fits_phone(page)
    check_axe(page, "maaling-kommentar")
    screenshot(page, "portal-04-kommentar-375")

    page.goto(f"{live_server}/mig/nej-tak")
    check_axe(page, "nej-tak")
    screenshot(page, "portal-05-nej-tak-375")

    # her data: a PDF to read and JSON for a computer
    page.goto(f"{live_server}/mig")
    page.get_by_role("link", name="Hent alle dine data").click()
    check_axe(page, "mine-data")
    screenshot(page, "portal-06-mine-data-375")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name=re.compile("Hent som PDF")).click()
    pdf = tmp_path / "mine-data.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    with page.expect_download() as json_download:
        page.get_by_role("link", name=re.compile("Hent som JSON")).click()
    data = json.loads(Path(json_download.value.path()).read_text())
    assert data["citizen"]["display_name"] == "Louise Kjær"
    assert any(
        c["text"] == "Socialt var nok lidt højere" for s in data["scorings"] for c in s["comments"]
    )

    page.goto(f"{live_server}/mig/hvem-har-set")
    expect(page.get_by_role("heading", name="Hvem har set mine oplysninger")).to_be_visible()
    first_row = page.locator("table.portal-seen tbody tr").first
    expect(first_row).to_contain_text(worker_name)
    expect(first_row).to_contain_text("Mestringsvejleder")
    expect(page.locator("table.portal-seen")).not_to_contain_text("Louise Kjær")
    fits_phone(page)
    check_axe(page, "hvem-har-set")
    screenshot(page, "portal-07-hvem-har-set-375")


def test_worker_sees_the_self_filled_ors_and_invites_a_citizen(phone, live_server, browser):  # type: ignore[no-untyped-def]
    page = phone
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "vejleder@demo.dk")
    page.goto(f"{live_server}/borgere?q=Louise")
    page.get_by_role("link", name="Louise Kjær").first.click()
    ors = page.locator("#instrument-ORS")
    expect(ors).to_contain_text("borgeren udfyldte selv")
    expect(page.locator("#fra-borgeren")).to_contain_text("Socialt var nok lidt højere")
    # the parts of the long citizen page this feature adds, each at full size
    page.locator("#fra-borgeren").screenshot(path=str(OUTPUT / "portal-08-fra-borgeren.png"))
    ors.screenshot(path=str(OUTPUT / "portal-08-ors-selv-udfyldt.png"))
    page.locator("#borgerens-adgang").screenshot(
        path=str(OUTPUT / "portal-08-borgerens-adgang.png")
    )

    # invite another citizen of hers, who has no login yet
    page.goto(f"{live_server}/borgere")
    page.locator("table tbody tr a").filter(has_not_text="Louise").first.click()
    name = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Invitér til Mine mål").click()
    page.get_by_label("Borgerens e-mail").fill("ny.borger@mail.dk")
    page.get_by_label("Send linket til e-mailen").uncheck()
    check_axe(page, "invitation-vejleder")
    page.get_by_role("button", name="Lav invitationen").click()
    expect(page.get_by_role("heading", name="Invitationen er lavet")).to_be_visible()
    link = page.get_by_label(f"Link til {name}").input_value()
    screenshot(page, "portal-09-invitation-link")

    context = browser.new_context(viewport=PHONE, locale="da-DK")
    citizen = context.new_page()
    citizen.goto(live_server + "/invitation/" + link.rsplit("/invitation/", 1)[1])
    expect(citizen.get_by_role("heading", name="Vælg din adgangskode")).to_be_visible()
    citizen.get_by_label(re.compile(r"^Adgangskode \(")).fill("kort")
    citizen.get_by_label(re.compile("^Adgangskode igen")).fill("kort")
    citizen.get_by_role("button", name="Gem og log ind").click()
    expect(citizen.locator("#f-password-error")).to_contain_text("mindst 8 tegn")
    check_axe(citizen, "invitation-borger")
    screenshot(citizen, "portal-10-invitation-adgangskode-375")
    citizen.get_by_label(re.compile(r"^Adgangskode \(")).fill("min-nye-kode")
    citizen.get_by_label(re.compile("^Adgangskode igen")).fill("min-nye-kode")
    citizen.get_by_role("button", name="Gem og log ind").click()
    expect(citizen.get_by_text("Din adgangskode er gemt. Du er logget ind.")).to_be_visible()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(f"Hej {name.split()[0]}")
    screenshot(citizen, "portal-11-ny-borger-375")
    context.close()
