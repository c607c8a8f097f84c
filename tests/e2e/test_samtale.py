"""A session on a phone and a tablet: from the citizen page, ORS at the start, the talk, SRS
at the end, one save, then the graph with today's point; one mistake on the way. axe-core on
each page (no serious or critical violations), no sideways scrolling; screenshots under
test-output/screenshots/samtale-*.

Clicks from the citizen page to a saved session: 2 (»Samtale« in her quick actions, »Gem
samtalen«) and 1 POST, with the eight values typed on one page. With the mistake made here:
2 more (the error summary's link, »Gem samtalen« again) and a second POST. Before this page
it was two forms (»Registrér ORS«, »Registrér SRS«), each found thousands of pixels down her
page: 4 clicks, 2 POSTs, and no graph after."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from bostotte import create_app
from bostotte.auth.models import User
from bostotte.citizens.models import Citizen
from bostotte.demo.services import load_demo
from bostotte.extensions import db
from tests.conftest import TODAY
from tests.e2e.conftest import OUTPUT, check_page, log_in

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
CLICKS_WITHOUT_MISTAKE = 2
POSTS_WITHOUT_MISTAKE = 1
POSTS_WITH_ONE_MISTAKE = 2
ORS = {"Individuelt": "6,5", "Nære relationer": "7", "Socialt": "5,5", "Generelt": "6"}
SRS = {"Relationen": "9", "Mål og emner": "9,5", "Tilgang eller metode": "8", "Generelt": "9"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """The demo data on its own database (this test writes), and a FIT citizen of the
    worker's team."""
    tmp = tmp_path_factory.mktemp("e2e-samtale")
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
        worker = db.session.scalar(select(User).where(User.email == "vejleder@demo.dk"))
        citizen = next(
            c
            for c in db.session.scalars(select(Citizen).order_by(Citizen.id))
            if c.uses_fit and c.team_id in worker.team_ids
        )
        citizen_id = citizen.id
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_port}", citizen_id
    http.shutdown()


def item(section, label: str):  # type: ignore[no-untyped-def]
    return section.get_by_role("textbox", name=re.compile(f"^{label} \\("))


def test_worker_holds_a_session_on_her_phone(page, server):  # type: ignore[no-untyped-def]
    base, citizen_id = server
    log_in(page, base, "vejleder@demo.dk")
    expect(page.get_by_role("heading", name="Mine opgaver", level=1)).to_be_visible()
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/borgere/{citizen_id}")
    name = page.get_by_role("heading", level=1).inner_text()

    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    clicks = 0

    # her quick actions, at the top of the page on a phone
    samtale = page.get_by_role("navigation", name="Hurtige handlinger").get_by_role(
        "link", name=re.compile("^Samtale")
    )
    expect(samtale).to_be_in_viewport()
    page.screenshot(path=str(OUTPUT / "samtale-00-borgerside-telefon.png"))  # the viewport
    samtale.click()
    clicks += 1
    expect(page.get_by_role("heading", name=f"Samtale med {name}", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Sidst: \d")).first).to_be_visible()
    check_page(page, "samtale-01-telefon")

    start = page.locator("section", has=page.get_by_role("heading", name="1. Ved samtalens start"))
    end = page.locator("section", has=page.get_by_role("heading", name="3. Ved samtalens slutning"))
    for label, value in ORS.items():
        item(start, label).fill(value)
    item(start, "Socialt").fill("55")  # the mistake: the comma forgotten
    page.get_by_label("Note fra samtalen").fill("Vi talte om posten og om fodbold.")
    for label, value in SRS.items():
        item(end, label).fill(value)
    page.get_by_role("button", name="Gem samtalen").click()
    clicks += 1

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("ORS – Socialt: Værdien skal være mellem 0 og 10.")
    # everything she typed is still there, and only the wrong field is marked
    expect(item(start, "Individuelt")).to_have_value("6,5")
    expect(item(end, "Mål og emner")).to_have_value("9,5")
    expect(page.get_by_label("Note fra samtalen")).to_have_value(
        "Vi talte om posten og om fodbold."
    )
    expect(page.locator('[aria-invalid="true"]')).to_have_count(1)
    check_page(page, "samtale-02-fejl-telefon")

    summary.get_by_role("link").first.click()
    expect(item(start, "Socialt")).to_be_focused()
    item(start, "Socialt").fill("5,5")
    page.get_by_role("button", name="Gem samtalen").click()
    mistake_clicks = 2

    # the graph with today's point, the message at the top of the viewport
    expect(page.get_by_text("Samtalen er gemt: ORS 25 og SRS 35,5.")).to_be_in_viewport()
    expect(page.get_by_role("heading", name="4. Grafen")).to_be_visible()
    expect(page.locator("#chart-ors-srs")).to_contain_text("Seneste ORS: 25")
    check_page(page, "samtale-03-graf-telefon")

    assert clicks == CLICKS_WITHOUT_MISTAKE
    assert len(posts) == POSTS_WITH_ONE_MISTAKE == POSTS_WITHOUT_MISTAKE + 1, posts
    assert mistake_clicks == 2

    # a tablet, as in the meeting; and the form again, now showing today's values as last
    page.set_viewport_size(TABLET)
    check_page(page, "samtale-04-graf-tablet")
    page.goto(f"{base}/borgere/{citizen_id}/samtale")
    expect(page.get_by_text(re.compile(r"^Sidst: 6,5 ")).first).to_be_visible()
    check_page(page, "samtale-05-tablet")
    page.set_viewport_size({"width": 1280, "height": 900})
    check_page(page, "samtale-06-desktop")
    page.screenshot(path=str(OUTPUT / "samtale-06b-desktop-viewport.png"))
