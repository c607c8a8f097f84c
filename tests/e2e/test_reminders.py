"""Mine opgaver after the demo data and a night's run, on a desktop and a 390 px phone: one
card per citizen, most urgent first; a task resolved by recording it, a signal marked as
seen with a note, and what a citizen wrote marked as read."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from bostotte.extensions import db
from bostotte.reminders.jobs import run_daily
from tests.conftest import TODAY
from tests.e2e.conftest import check_page, log_in, serve_demo
from tests.reminders.conftest import at

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Like `live_server`, and the daily job has run once at 06:00 on TODAY."""
    with serve_demo(
        tmp_path_factory.mktemp("e2e-reminders"), lambda: run_daily(db.session, TODAY, at(TODAY))
    ) as (url, run):
        assert run.created > 0
        yield url


def earliest_dues(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Each card's earliest deadline, in the page's order (cards with one)."""
    return page.eval_on_selector_all(
        "article.task-card",
        """cards => cards
            .map(c => [...c.querySelectorAll('li.task-line')].map(l => l.dataset.due).sort()[0])
            .filter(d => d)""",
    )


def test_cards_most_urgent_first_and_a_task_resolved_by_recording_it(page, server):  # type: ignore[no-untyped-def]
    log_in(page, server, "vejleder@demo.dk")
    expect(page.get_by_role("heading", name="Mine opgaver", level=1)).to_be_visible()
    dues = earliest_dues(page)
    assert dues and dues == sorted(dues)  # the oldest deadline first
    names = page.locator("article.task-card h2").all_inner_texts()
    assert len(names) == len(set(names)), "one card per citizen"
    check_page(page, "reminders-01-mine-opgaver")
    page.set_viewport_size(PHONE)
    check_page(page, "reminders-02-mine-opgaver-telefon")
    page.set_viewport_size(DESKTOP)

    line = page.locator(
        "li.task-line", has=page.get_by_role("link", name=re.compile("^Registrér ORS"))
    ).first
    expect(line).to_be_visible()
    line_id = line.get_attribute("id")
    line.get_by_role("link", name=re.compile("^Registrér ORS")).click()

    expect(page.get_by_role("heading", name=re.compile("ORS"))).to_be_visible()
    for label, value in (
        ("Individuelt", "6"),
        ("Nære relationer", "6,5"),
        ("Socialt", "7"),
        ("Generelt", "7"),
    ):
        page.get_by_role("textbox", name=re.compile(f"^{label} \\(")).first.fill(value)
    page.get_by_role("button", name="Gem ORS").click()
    expect(page.get_by_text("ORS – trivsel er gemt.")).to_be_visible()

    page.get_by_role("link", name="Mine opgaver", exact=True).click()
    expect(page.get_by_role("heading", name="Mine opgaver", level=1)).to_be_visible()
    expect(page.locator(f"#{line_id}")).to_have_count(0)


def test_a_signal_marked_as_seen_with_a_note(page, server):  # type: ignore[no-untyped-def]
    log_in(page, server, "vejleder@demo.dk")
    page.goto(f"{server}/opgaver?alle=1")
    signals = page.locator("li.signal")
    count = signals.count()
    assert count > 0, "the demo data has signals (a falling ORS, a low SRS, a higher FKO)"
    signal = signals.first
    signal_id = signal.get_attribute("id")
    expect(signal.get_by_role("link", name=re.compile("^Se grafen"))).to_be_visible()
    signal.locator("summary").click()
    signal.get_by_role("button", name="Markér som set").click()  # without a note first
    signal = page.locator(f"#{signal_id}")
    expect(signal.locator(".form-error-message")).to_contain_text("Udfyld feltet")
    check_page(page, "reminders-03-signal-note-mangler")
    signal.get_by_label("Kort note").fill("Talt med borgeren; vi følger op i næste uge.")
    signal.get_by_role("button", name="Markér som set").click()
    expect(page.get_by_text(re.compile("er markeret som set\\."))).to_be_in_viewport()
    expect(page.locator(f"#{signal_id}")).to_have_count(0)
    expect(page.locator("li.signal")).to_have_count(count - 1)


def test_what_a_citizen_wrote_marked_as_read(page, server):  # type: ignore[no-untyped-def]
    log_in(page, server, "vejleder@demo.dk")
    page.set_viewport_size(PHONE)
    page.goto(f"{server}/opgaver?alle=1")
    voice = page.locator("li.voice")
    count = voice.count()
    assert count > 0, "the demo data has comments on scorings citizens filled in themselves"
    item = voice.first
    item_id = item.get_attribute("id")
    expect(item).to_contain_text("»")  # her own words, quoted
    item.scroll_into_view_if_needed()
    check_page(page, "reminders-04-fra-borgeren-telefon")
    item.get_by_role("button", name=re.compile("^Markér som læst")).click()
    expect(page.get_by_text(re.compile("er markeret som læst\\."))).to_be_in_viewport()
    expect(page.locator(f"#{item_id}")).to_have_count(0)
    expect(page.locator("li.voice")).to_have_count(count - 1)
