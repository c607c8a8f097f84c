"""A session on a phone and a tablet: from the citizen page, ORS at the start, the talk, SRS
at the end, one save, then the graph with today's point; one mistake on the way. axe-core on
each page (no serious or critical violations), no sideways scrolling; screenshots under
test-output/screenshots/samtale-*.

Clicks from the citizen page to a saved session: 2 (»Samtale« in her quick actions, »Gem
samtalen«) and 1 POST, with the eight values typed on one page. With the mistake made here:
2 more (the error summary's link, »Gem samtalen« again) and a second POST. Before this page
it was two forms (»Registrér ORS«, »Registrér SRS«), each found thousands of pixels down her
page: 4 clicks, 2 POSTs, and no graph after.

A second session the same day offers her ORS from earlier; a § 82 b talk is counted in the
same save. A talk longer than the idle logout: her typing keeps the login alive (at most one
keep-alive every 5 minutes, none while nobody types), and a login that ran out anyway costs
nothing of what she typed (the clock is Playwright's)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bostotte.auth.models import User
from bostotte.citizens.models import Citizen
from bostotte.common.time import local_today
from bostotte.extensions import db
from bostotte.scoring.services import record_scoring
from tests.e2e.conftest import OUTPUT, check_page, log_in, serve_demo

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
CLICKS_WITHOUT_MISTAKE = 2
POSTS_WITHOUT_MISTAKE = 1
POSTS_WITH_ONE_MISTAKE = 2
ORS = {"Individuelt": "6,5", "Nære relationer": "7", "Socialt": "5,5", "Generelt": "6"}
SRS = {"Relationen": "9", "Mål og emner": "9,5", "Tilgang eller metode": "8", "Generelt": "9"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[int]]]:
    """The demo data on its own database (these tests write), and three FIT citizens of the
    worker's team: the first as the demo has her; the second filled in ORS herself this
    morning and is in a § 82 b forløb (3 of 10 sessions used); the third for the long talk."""

    def three_citizens() -> list[int]:
        worker = db.session.scalar(select(User).where(User.email == "vejleder@demo.dk"))
        first, second, third = [
            c
            for c in db.session.scalars(select(Citizen).order_by(Citizen.id))
            if c.uses_fit and c.team_id in worker.team_ids and c.active_plan
        ][:3]
        today = local_today()  # the server's today
        record_scoring(
            db.session,
            worker,
            second,
            "ORS",
            {"scored_on": today, "participation": "citizen_self"},
            {"individuelt": 6, "interpersonelt": 6, "socialt": 6, "generelt": 6.5},
            today=today,
        )
        plan = second.active_plan
        plan.legal_basis, plan.sessions_granted, plan.sessions_used = "§82b", 10, 3
        return [first.id, second.id, third.id]

    with serve_demo(tmp_path_factory.mktemp("e2e-samtale"), three_citizens) as served:
        yield served


def item(section, label: str):  # type: ignore[no-untyped-def]
    return section.get_by_role("textbox", name=re.compile(f"^{label} \\("))


def test_worker_holds_a_session_on_her_phone(page, server):  # type: ignore[no-untyped-def]
    base, (citizen_id, _, _) = server
    log_in(page, base, "vejleder@demo.dk")
    expect(page.get_by_role("heading", name="Mine opgaver", level=1)).to_be_visible()
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/borgere/{citizen_id}")
    name = page.get_by_role("heading", level=1).inner_text()

    posts: list[str] = []  # the form's; her typing's keep-alive is not a save
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and "/samtale" in r.url else None,
    )
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

    # a tablet, as in the meeting; and the form again: today's ORS is offered, and a new
    # one's fields (with today's values as last) unfold under »Nej«
    page.set_viewport_size(TABLET)
    check_page(page, "samtale-04-graf-tablet")
    page.goto(f"{base}/borgere/{citizen_id}/samtale")
    expect(
        page.get_by_text(re.compile(r"^Der er allerede registreret ORS i dag kl\. "))
    ).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Sidst: 6,5 ")).first).to_be_hidden()
    page.get_by_label("Nej, registrér en ny ORS").check()
    expect(page.get_by_text(re.compile(r"^Sidst: 6,5 ")).first).to_be_visible()
    check_page(page, "samtale-05-tablet")
    page.set_viewport_size({"width": 1280, "height": 900})
    check_page(page, "samtale-06-desktop")
    page.screenshot(path=str(OUTPUT / "samtale-06b-desktop-viewport.png"))


def test_a_second_session_today_uses_her_ors_and_counts_the_82b_talk(page, server):  # type: ignore[no-untyped-def]
    """She filled in ORS herself this morning: the session uses it (the new ORS's fields
    stay folded), records the SRS with the note, and counts the talk in her forløb."""
    base, (_, citizen_id, _) = server
    log_in(page, base, "vejleder@demo.dk")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/borgere/{citizen_id}/samtale")
    question = page.get_by_text(
        re.compile(r"^Borgeren har allerede udfyldt ORS i dag kl\. .*: 24,5\. Vil du bruge den\?$")
    )
    expect(question).to_be_in_viewport()
    expect(page.get_by_label(re.compile(r"^Ja, brug ORS fra kl\. "))).to_be_checked()
    start = page.locator("section", has=page.get_by_role("heading", name="1. Ved samtalens start"))
    expect(item(start, "Individuelt")).to_be_hidden()
    count = page.get_by_label("Tæl samtalen som en af forløbets samtaler")
    expect(count).to_be_checked()
    expect(page.get_by_text("Forløbet (§ 82 b): 3 af 10 samtaler brugt.")).to_be_visible()
    check_page(page, "samtale-07-dagens-ors-telefon")

    end = page.locator("section", has=page.get_by_role("heading", name="3. Ved samtalens slutning"))
    page.get_by_label("Note fra samtalen").fill("Hun havde udfyldt ORS på telefonen i bussen.")
    for label, value in SRS.items():
        item(end, label).fill(value)
    page.get_by_role("button", name="Gem samtalen").click()
    expect(
        page.get_by_text(
            "Samtalen er gemt med dagens ORS 24,5 og SRS 35,5. "
            "Den er talt med i forløbet: 4 af 10 samtaler brugt."
        )
    ).to_be_in_viewport()
    check_page(page, "samtale-08-dagens-ors-graf-telefon")


@pytest.mark.expect_status(401)  # the check before the save, after the login ran out
def test_typing_keeps_the_login_alive_and_an_expired_one_loses_nothing(page, server):  # type: ignore[no-untyped-def]
    base, (_, _, citizen_id) = server
    log_in(page, base, "vejleder@demo.dk")
    page.clock.install()  # the page's timers and Date, moved by the test
    page.goto(f"{base}/borgere/{citizen_id}/samtale")
    keep_alive: list[str] = []
    page.on("request", lambda r: keep_alive.append(r.method) if "/konto/aktiv" in r.url else None)

    # her typing: dozens of input events, one keep-alive
    start = page.locator("section", has=page.get_by_role("heading", name="1. Ved samtalens start"))
    with page.expect_request(lambda r: "/konto/aktiv" in r.url and r.method == "POST"):
        item(start, "Individuelt").press_sequentially("6,5")
    for label, value in list(ORS.items())[1:]:
        item(start, label).press_sequentially(value)
    note = page.get_by_label("Note fra samtalen")
    note.press_sequentially("Vi talte længe om flytningen og om hendes søster.")
    page.wait_for_timeout(300)
    assert keep_alive == ["POST"]

    # she typed within the five minutes: one more at their end; then the talk, and no
    # typing for half an hour: nothing is sent (an unattended screen still times out)
    with page.expect_request(lambda r: "/konto/aktiv" in r.url and r.method == "POST"):
        page.clock.fast_forward("05:01")
    page.clock.fast_forward("30:00")
    page.wait_for_timeout(300)
    assert keep_alive == ["POST", "POST"]

    # the login ends anyway (here: logged out in another tab); the save keeps the page
    other = page.context.new_page()
    other.goto(f"{base}/konto")
    other.get_by_role("button", name="Log ud").first.click()
    end = page.locator("section", has=page.get_by_role("heading", name="3. Ved samtalens slutning"))
    for label, value in SRS.items():
        item(end, label).fill(value)
    saves: list[str] = []
    page.on(
        "request",
        lambda r: saves.append(r.url) if r.method == "POST" and "/samtale" in r.url else None,
    )
    page.get_by_role("button", name="Gem samtalen").click()
    expect(page.get_by_role("alert")).to_contain_text("Du er blevet logget ud")
    expect(page.get_by_role("link", name="Log ind i en ny fane")).to_be_visible()
    assert saves == [] and page.url.endswith(f"/borgere/{citizen_id}/samtale")
    expect(note).to_have_value("Vi talte længe om flytningen og om hendes søster.")
    expect(item(end, "Mål og emner")).to_have_value("9,5")
    check_page(page, "samtale-09-logget-ud")

    # she logs in in the other tab; her next keystroke's keep-alive carries the old login's
    # CSRF token and is refused, so the form takes the new one; then the save goes through
    log_in(other, base, "vejleder@demo.dk")
    expect(other.get_by_role("heading", name="Mine opgaver", level=1)).to_be_visible()
    page.clock.fast_forward("05:01")  # past the five minutes since her last keep-alive
    with page.expect_response(lambda r: "/konto/aktiv" in r.url and r.request.method == "GET"):
        note.press_sequentially(" Hun vil selv ringe.")
    assert keep_alive[-2:] == ["POST", "GET"]
    page.get_by_role("button", name="Gem samtalen").click()
    expect(page.get_by_text("Samtalen er gemt: ORS 25 og SRS 35,5.")).to_be_visible()
    assert len(saves) == 1
