"""The progress graphs as a person sees them: on the worker's citizen page and on /mig, at
desktop and at phone width (screenshots under test-output/screenshots/charts-*)."""

from playwright.sync_api import expect

from tests.e2e.conftest import OUTPUT, log_in, screenshot

DEMO_CITIZEN = "Louise Kjær"  # the demo borger: FKO, FIT and REM, two years of history


def shoot_charts(page, prefix: str) -> None:  # type: ignore[no-untyped-def]
    """Each chart on its own too, so a reviewer can read it at full size."""
    figures = page.locator("figure.chart")
    for i in range(figures.count()):
        figure = figures.nth(i)
        if figure.is_visible():
            name = figure.get_attribute("id") or str(i)
            figure.screenshot(path=str(OUTPUT / f"{prefix}-{name}.png"))


def visible_svg_layout(page, chart_id: str) -> str:  # type: ignore[no-untyped-def]
    svgs = page.locator(f"#chart-{chart_id} svg.chart__svg")
    shown = [
        svgs.nth(i).get_attribute("data-layout")
        for i in range(svgs.count())
        if svgs.nth(i).is_visible()
    ]
    assert len(shown) == 1, f"{chart_id}: exactly one layout should show, not {shown}"
    return shown[0]


def assert_fits_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    # the smallest chart text a phone shows, in CSS pixels (a line box is ~1.2 em high)
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
        'figure.chart svg text')].filter(t => t.getClientRects().length)
        .map(t => t.getBoundingClientRect().height / 1.2))""")
    assert smallest >= 11, f"chart text as small as {smallest:.1f}px on a phone"


def test_worker_shows_the_graphs_at_desktop_and_phone_width(page, live_server):  # type: ignore[no-untyped-def]
    log_in(page, live_server, "vejleder@demo.dk")
    page.goto(f"{live_server}/borgere?q=Louise")
    page.get_by_role("link", name=DEMO_CITIZEN).first.click()
    expect(page.get_by_role("heading", name=DEMO_CITIZEN, level=1)).to_be_visible()

    # the page opens on what is due: the graphs wait in folds, their message stands above them
    expect(page.locator("#instrument-ORS .chart__callout")).to_contain_text("Seneste ORS:")
    expect(page.locator("#instrument-REM .chart__callout")).to_contain_text("Siden første REM")
    expect(page.locator("#chart-ors-srs")).not_to_be_visible()
    first_goal = page.locator("article.goal-card").first
    for fold in (
        page.locator("#instrument-ORS summary", has_text="Graf:"),
        page.locator("#instrument-REM summary", has_text="Graf:"),
        first_goal.locator("summary", has_text="FKO over tid"),
        first_goal.locator("summary", has_text="Delmål på tidslinjen"),
    ):
        fold.first.click()  # the fold, not the "Se tallene" inside it
    ors = page.locator("#chart-ors-srs")
    expect(ors.locator("svg[role=img] title").first).to_contain_text("ORS og SRS")
    expect(page.locator("#chart-rem-radar")).to_be_visible()
    expect(page.locator("#chart-rem-indikatorer")).to_be_visible()
    expect(first_goal.locator("figure.chart[id^=chart-fko-]")).to_be_visible()
    expect(first_goal.locator("figure.chart[id^=chart-delmaal-]")).to_be_visible()
    assert visible_svg_layout(page, "ors-srs") == "wide"

    # the numbers open without JavaScript: a native <details>
    ors.get_by_text("Se tallene").click()
    expect(ors.locator("table tbody tr").first).to_be_visible()
    ors.get_by_text("Se tallene").click()

    screenshot(page, "charts-01-borger-1280")
    shoot_charts(page, "charts-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    assert visible_svg_layout(page, "ors-srs") == "narrow"
    assert visible_svg_layout(page, "rem-radar") == "narrow"
    assert_fits_phone(page)
    screenshot(page, "charts-02-borger-375")
    shoot_charts(page, "charts-375")


def test_citizen_sees_her_latest_score_in_words_on_a_phone(page, live_server):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, live_server, "borger@demo.dk")
    page.goto(f"{live_server}/mig")
    expect(page.locator("#chart-ors-srs")).to_contain_text("Dit seneste tal:")
    expect(page.locator("#chart-rem-radar")).to_contain_text("Siden din første REM")
    expect(page.locator("figure.chart[id^=chart-fko-]").first).to_contain_text("Nu:")
    assert visible_svg_layout(page, "ors-srs") == "narrow"
    assert_fits_phone(page)
    screenshot(page, "charts-03-mig-375")
    shoot_charts(page, "charts-mig-375")

    page.set_viewport_size({"width": 1280, "height": 900})
    assert visible_svg_layout(page, "ors-srs") == "wide"
    screenshot(page, "charts-04-mig-1280")
