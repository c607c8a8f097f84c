"""The citizen page as the worker opens it: the quick-action bar in the first screen on a
phone and at desktop width, reachable by keyboard with a visible focus; and after a save the
confirmation is at the top of the screen, announced, and the page does not move.
Screenshots under test-output/screenshots/citizen-*."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import OUTPUT, check_page, log_in, serve_demo

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DEMO_CITIZEN = "Louise Kjær"  # FKO, FIT and REM, three goals with delmål and notes

# Layout shifts after the page has loaded (CLS, as Chromium reports them): the flash and
# the bar must not be pushed around by late CSS, fonts or JavaScript.
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 700);
})"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo data of its own: the saves here change no other test's page."""
    with serve_demo(tmp_path_factory.mktemp("e2e-citizen")) as (url, _):
        yield url


def open_citizen(page, server: str) -> str:  # type: ignore[no-untyped-def]
    log_in(page, server, "vejleder@demo.dk")
    page.goto(f"{server}/borgere?q=Louise")
    page.get_by_role("link", name=DEMO_CITIZEN).first.click()
    expect(page.get_by_role("heading", name=DEMO_CITIZEN, level=1)).to_be_visible()
    return page.url  # type: ignore[no-any-return]


def bar(page):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Hurtige handlinger")


def assert_in_first_screen(page, locator, what: str) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("window.scrollY") == 0, f"{what}: the page has scrolled"
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (
        f"{what} at y={box and box['y']:.0f}..{box and box['y'] + box['height']:.0f}, "
        f"the screen is {height}px high"
    )


@pytest.mark.parametrize(("size", "name"), [(PHONE, "telefon"), (DESKTOP, "desktop")])
def test_the_bar_is_in_the_first_screen_and_works_by_keyboard(page, server, size, name):  # type: ignore[no-untyped-def]
    page.set_viewport_size(size)
    open_citizen(page, server)
    actions = bar(page)
    for label in ("Kvartal", "Samtale", "REM"):
        expect(actions.get_by_role("link", name=re.compile(f"^{label}"))).to_be_visible()
    assert_in_first_screen(page, actions, "the quick-action bar")
    # what is due comes right after it
    expect(page.get_by_role("heading", name="Opgaver og frister", level=2)).to_be_visible()
    check_page(page, f"citizen-01-top-{name}")
    page.screenshot(path=str(OUTPUT / f"citizen-01b-first-screen-{name}.png"))

    # Tab from the top of the page reaches the bar; its focus is drawn
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('nav.quick-actions')"):
            break
    else:
        raise AssertionError("Tab never reached the quick-action bar")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2, f"no visible focus: {outline}"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Kvartalets FKO-status", level=1)).to_be_visible()


@pytest.mark.parametrize(
    ("size", "name", "choice"), [(PHONE, "telefon", 0), (DESKTOP, "desktop", 1)]
)
def test_after_a_note_the_confirmation_is_at_the_top_and_nothing_moves(  # type: ignore[no-untyped-def]
    page, server, size, name, choice
):
    page.set_viewport_size(size)
    citizen_url = open_citizen(page, server)

    # Note: more than one open delmål, so the bar opens a list under itself
    bar(page).locator("summary", has_text="Note").click()
    choices = bar(page).locator(".quick-actions__choices a")
    expect(choices.first).to_be_visible()
    assert choices.count() > 1
    panel = bar(page).locator(".quick-actions__panel").first.bounding_box()
    assert panel and panel["x"] >= 0 and panel["x"] + panel["width"] <= size["width"], panel
    check_page(page, f"citizen-02-note-choices-{name}")
    subgoal = choices.nth(choice).inner_text()
    choices.nth(choice).click()
    expect(page.get_by_role("heading", name="Note til delmål", level=1)).to_be_visible()
    expect(page.get_by_text(subgoal).first).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Note")).fill(
        "Vi øvede det sammen i dag; hun klarede det selv."
    )
    page.get_by_role("button", name="Gem note").click()

    # back at the top of her page: no #anchor, not scrolled, the message in view
    expect(page.get_by_role("heading", name=DEMO_CITIZEN, level=1)).to_be_visible()
    assert page.url == citizen_url, page.url
    status = page.get_by_role("status").filter(has_text="Noten er gemt.")
    expect(status).to_be_visible()
    assert_in_first_screen(page, status, "the confirmation")
    box = status.bounding_box()
    shift = page.evaluate(LAYOUT_SHIFT)
    assert shift < 0.001, f"the page moved after loading (layout shift {shift:.4f})"
    assert status.bounding_box() == box
    assert page.evaluate("window.scrollY") == 0
    check_page(page, f"citizen-03-saved-{name}")
    page.screenshot(path=str(OUTPUT / f"citizen-03b-saved-first-screen-{name}.png"))
    # the note is there, the newest under its delmål
    expect(page.locator(".subgoal", has_text=subgoal).locator(".notes li").first).to_contain_text(
        "hun klarede det selv"
    )
