"""API tokens in a browser: a worker makes a personal token on Min konto on her phone,
copies the secret from the page that shows it once, uses it, and revokes it; the
administrator makes an integration's token. axe-core on each page (no serious or critical
violations); screenshots under test-output/screenshots/api-tokens-*."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import check_page, log_in

PHONE = {"width": 375, "height": 812}
SHOWN_ONCE = "Kopiér nøglen nu – den vises ikke igen"


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
    check_page(page, "api-tokens-01-konto-fejl-telefon")

    page.get_by_label("Læse borgere", exact=False).check()
    page.get_by_role("button", name="Opret API-nøgle").click()
    expect(page.get_by_role("heading", name="API-nøglen er oprettet", level=1)).to_be_visible()
    expect(page.get_by_text(SHOWN_ONCE)).to_be_visible()
    secret = page.get_by_label("Nøglen »Regneark til teammøde«").input_value()
    assert secret.startswith("bst_")
    check_page(page, "api-tokens-02-noeglen-telefon")
    page.set_viewport_size({"width": 1280, "height": 900})
    check_page(page, "api-tokens-03-noeglen-desktop")

    listed = page.request.get(
        f"{live_server}/api/v1/citizens", headers={"Authorization": f"Bearer {secret}"}
    )
    assert listed.status == 200 and listed.json()["items"]

    page.get_by_role("link", name="Tilbage til Min konto").click()
    table = page.get_by_role("table", name="Dine API-nøgler med adgang, datoer og status")
    expect(table).to_contain_text("Regneark til teammøde")
    expect(table).to_contain_text("Aktiv")
    assert secret not in page.content()
    check_page(page, "api-tokens-04-konto-desktop")
    page.set_viewport_size(PHONE)
    check_page(page, "api-tokens-05-konto-telefon")

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
    check_page(page, "api-tokens-06-integration-desktop")

    page.get_by_role("link", name="Tilbage til administration").click()
    table = page.get_by_role("table", name="Integrationernes API-nøgler", exact=False)
    expect(table).to_contain_text("Nexus")
    expect(table).to_contain_text("Team Nord")
    check_page(page, "api-tokens-07-admin-desktop")
    page.set_viewport_size(PHONE)
    check_page(page, "api-tokens-08-admin-telefon")
