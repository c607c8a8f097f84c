"""A live server on a fresh SQLite database with the demo data, and Debian's Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from bostotte import create_app
from bostotte.demo.services import load_demo
from bostotte.extensions import db
from tests.conftest import TODAY

CHROMIUM = os.environ.get("BOSTOTTE_CHROMIUM", "/usr/bin/chromium")
T = TypeVar("T")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@contextmanager
def serve_demo(tmp: Path, prepare: Callable[[], T] = lambda: None) -> Iterator[tuple[str, T]]:
    """A server on a new SQLite database with the demo data, as `make run` serves it (no
    second factor). `prepare` runs in the app after the demo is loaded (a test's own
    records, the daily job); its result comes back beside the address, and it is committed."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'e2e.db'}",
            "SECRET_KEY": "e2e-secret",
            "BOSTOTTE_OUTBOX": str(tmp / "outbox"),
            "BOSTOTTE_REQUIRE_TOTP": False,
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        load_demo(db.session, TODAY)
        db.session.commit()
        prepared = prepare()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", prepared
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_demo(tmp_path_factory.mktemp("e2e")) as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (browser tests only)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, request):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    errors: list[str] = []
    # Console errors include CSP violations and failed asset loads (404s). A form shown
    # again with its errors answers 400 on purpose; the browser logs that too.
    # A test that shows a refusal on purpose names its status: @pytest.mark.expect_status(403)
    marker = request.node.get_closest_marker("expect_status")
    expected = ["status of 400", *(f"status of {s}" for s in (marker.args if marker else ()))]
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not any(e in msg.text for e in expected)
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core's violations on the page as it is now. Evaluated through the DevTools
    protocol: an inserted <script> is (rightly) refused by the app's CSP, on in these tests."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return result["violations"]  # type: ignore[no-any-return]


def check_page(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """No sideways scrolling, no serious or critical axe violations, and a screenshot."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{name}: the page is {width}px wide at {viewport}px"
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in axe_violations(page)
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"
    screenshot(page, name)


def log_in(page, base: str, email: str, password: str = "demo1234") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
