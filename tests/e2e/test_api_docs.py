"""The API documentation page (/api/v1/docs) as a reader sees it: Swagger UI from our own
origin under the app's Content-Security-Policy, every operation listed, and "Try it out"
with a bearer token; at desktop and phone width (screenshots test-output/screenshots/
api-docs-*)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from werkzeug.serving import make_server

from bostotte import create_app
from bostotte.api import tokens
from bostotte.common.time import utcnow
from bostotte.extensions import db
from tests import factories as make
from tests.e2e.conftest import screenshot

# Records what the browser refused under the policy (runs before the page's own scripts).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A live server on its own small database (a worker with a citizen), and the secret
    of the worker's API token, for "Try it out"."""
    db_path: Path = tmp_path_factory.mktemp("api-docs") / "api-docs.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "SECRET_KEY": "e2e-secret",
            "BOSTOTTE_REQUIRE_TOTP": False,
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        world = make.world(db.session)
        _, secret = tokens.create_personal(
            db.session,
            world.w1,
            "Swagger UI",
            [s.id for s in tokens.scopes_for(world.w1)],
            1,
            utcnow(),
        )
        citizen = world.c1.display_name
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {
        "base": f"http://127.0.0.1:{server.server_port}",
        "token": secret,
        "citizen": citizen,
        "csp": app.config["BOSTOTTE_CSP"],
    }
    server.shutdown()


def open_docs(page, server: dict[str, Any]) -> Any:  # type: ignore[no-untyped-def]
    page.add_init_script(CSP_LISTENER)
    response = page.goto(f"{server['base']}/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    return response


def operation(page, method: str, path: str):  # type: ignore[no-untyped-def]
    return page.locator(f".opblock-{method.lower()}").filter(
        has=page.locator(f".opblock-summary-path[data-path='{path}']")
    )


def test_the_docs_list_every_operation_under_the_apps_own_policy(page, docs_server):  # type: ignore[no-untyped-def]
    response = open_docs(page, docs_server)
    # No relaxation: the page runs under the policy every other page has.
    assert response.headers["content-security-policy"] == docs_server["csp"]
    assert page.locator("html").get_attribute("lang") == "da"
    expect(page).to_have_title("API-dokumentation – Bostøtte")
    expect(page.get_by_role("heading", name="API-dokumentation", level=1)).to_be_visible()
    # Swagger UI's own labels are English: marked so, inside the Danish page.
    assert page.locator("#swagger-ui").get_attribute("lang") == "en"

    document = page.request.get(f"{docs_server['base']}/api/v1/openapi.json").json()
    documented = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    shown = {
        (
            block.locator(".opblock-summary-method").inner_text().strip(),
            block.locator(".opblock-summary-path").get_attribute("data-path"),
        )
        for block in page.locator(".opblock").all()
    }
    assert ("GET", "/api/v1/citizens") in shown
    assert shown == documented
    expect(operation(page, "GET", "/api/v1/citizens")).to_be_visible()
    expect(page.get_by_role("heading", name="Borgere, planer og adgangslog")).to_be_visible()
    screenshot(page, "api-docs-desktop")

    page.set_viewport_size({"width": 375, "height": 800})
    expect(operation(page, "GET", "/api/v1/citizens")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(page, "api-docs-phone")
    assert page.evaluate("window.__cspViolations") == []


def test_try_it_out_with_a_bearer_token(page, docs_server):  # type: ignore[no-untyped-def]
    open_docs(page, docs_server)
    page.locator("button.authorize").first.click()
    dialog = page.locator(".dialog-ux .modal-ux")
    dialog.locator("input").fill(docs_server["token"])
    dialog.locator("button.authorize").click()  # its accessible name: "Apply credentials"
    expect(dialog.locator("button.authorize")).to_have_count(0)  # now "Logout"
    dialog.locator("button.btn-done").click()

    citizens = operation(page, "GET", "/api/v1/citizens")
    citizens.locator(".opblock-summary-control").click()
    citizens.get_by_role("button", name="Try it out").click()
    citizens.get_by_role("button", name="Execute").click()
    live = citizens.locator(".live-responses-table")
    expect(live.locator("tr.response .response-col_status")).to_have_text("200")
    expect(live.locator("tr.response .response-col_description")).to_contain_text(
        docs_server["citizen"]
    )
    page.set_viewport_size({"width": 375, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"an answer scrolls the page sideways on a phone ({width}px)"
    screenshot(page, "api-docs-try-it-out-phone")
    assert page.evaluate("window.__cspViolations") == []
