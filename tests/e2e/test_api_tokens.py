"""API tokens in a browser: a worker makes a personal token on Min konto on her phone,
copies the secret from the page that shows it once, uses it, and revokes it; the
administrator makes an integration's token. axe-core on each page (no serious or critical
violations); screenshots under test-output/screenshots/api-tokens-*."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 812}
SHOWN_ONCE = "Kopiér nøglen nu – den vises ikke igen"


def check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """No sideways scrolling at phone width, no serious or critical axe violations, and a
    screenshot."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{name}: the page is {width}px wide at {viewport}px"
    # Through the DevTools protocol: the app's CSP (on in these tests) refuses a <script>.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"
    screenshot(page, name)


def test_a_worker_makes_uses_and_revokes_a_token_on_her_phone(page, live_server):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "vejleder@demo.dk")
    page.goto(f"{live_server}/konto")
    expect(page.get_by_role("heading", name="API-nøgler", level=2)).to_be_visible()
    expect(page.get_by_text("Du har ingen API-nøgler.")).to_be_visible()
    page.locator("summary", has_text="Opret API-nøgle").click()

    # bad input first: the form stays open with a Danish message and what she wrote
    page.get_by_label("Navn").fill("Regneark til teammøde")
    page.get_by_role("button", name="Opret API-nøgle").click()
    expect(page.get_by_role("alert")).to_contain_text("Vælg mindst én adgang.")
    expect(page.get_by_label("Navn")).to_have_value("Regneark til teammøde")
    check(page, "api-tokens-01-konto-fejl-telefon")

    page.get_by_label("Læse borgere", exact=False).check()
    page.get_by_role("button", name="Opret API-nøgle").click()
    expect(page.get_by_role("heading", name="API-nøglen er oprettet", level=1)).to_be_visible()
    expect(page.get_by_text(SHOWN_ONCE)).to_be_visible()
    secret = page.get_by_label("Nøglen »Regneark til teammøde«").input_value()
    assert secret.startswith("bst_")
    check(page, "api-tokens-02-noeglen-telefon")
    page.set_viewport_size({"width": 1280, "height": 900})
    check(page, "api-tokens-03-noeglen-desktop")

    listed = page.request.get(
        f"{live_server}/api/v1/citizens", headers={"Authorization": f"Bearer {secret}"}
    )
    assert listed.status == 200 and listed.json()["items"]

    page.get_by_role("link", name="Tilbage til Min konto").click()
    table = page.get_by_role("table", name="Dine API-nøgler med adgang, datoer og status")
    expect(table).to_contain_text("Regneark til teammøde")
    expect(table).to_contain_text("Aktiv")
    assert secret not in page.content()
    check(page, "api-tokens-04-konto-desktop")
    page.set_viewport_size(PHONE)
    check(page, "api-tokens-05-konto-telefon")

    page.get_by_role("button", name="Tilbagekald nøglen Regneark til teammøde").click()
    expect(page.get_by_text("Nøglen »Regneark til teammøde« er tilbagekaldt.")).to_be_visible()
    expect(table).to_contain_text("Tilbagekaldt")
    revoked = page.request.get(
        f"{live_server}/api/v1/citizens", headers={"Authorization": f"Bearer {secret}"}
    )
    assert revoked.status == 401


def test_the_administrator_makes_an_integration(page, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "admin@demo.dk")
    page.goto(f"{live_server}/admin")
    page.locator("summary", has_text="Opret integration").click()
    page.get_by_label("Integrationens navn").fill("Nexus")
    page.get_by_label("Læse borgere", exact=False).check()
    page.get_by_label("Læse statistik", exact=False).check()
    page.locator("#opret-integration").get_by_label("Team Nord").check()
    page.get_by_role("button", name="Opret integration").click()
    expect(page.get_by_text(SHOWN_ONCE)).to_be_visible()
    assert page.get_by_label("Nøglen »Nexus«").input_value().startswith("bst_")
    check(page, "api-tokens-06-integration-desktop")

    page.get_by_role("link", name="Tilbage til administration").click()
    table = page.get_by_role("table", name="Integrationernes API-nøgler", exact=False)
    expect(table).to_contain_text("Nexus")
    expect(table).to_contain_text("Team Nord")
    check(page, "api-tokens-07-admin-desktop")
    page.set_viewport_size(PHONE)
    check(page, "api-tokens-08-admin-telefon")
