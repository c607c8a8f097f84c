"""In a browser: the administrator adds a pedagogical method and a worker's delmål form
offers it; the leader's /statistik says when its numbers were computed, and when they are
stale offers "Genberegn nu". axe-core and no sideways scroll at desktop and 390 px;
screenshots under test-output/screenshots/methods-* and statistik-stale-*."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import check_page, log_in, serve_demo

PHONE = {"width": 390, "height": 844}


def test_the_administrator_adds_a_method(page, tmp_path):  # type: ignore[no-untyped-def]
    with serve_demo(tmp_path) as (url, _):
        _add_method(page, url)
        page.goto("about:blank")  # nothing still loading when its server stops


def _add_method(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    log_in(page, live_server, "admin@demo.dk")
    page.goto(f"{live_server}/admin")
    page.get_by_role("link", name="Pædagogiske metoder").click()
    expect(page.get_by_role("heading", name="Pædagogiske metoder", level=1)).to_be_visible()
    page.get_by_role("button", name="Tilføj metode").click()  # empty: a Danish message
    expect(page.get_by_text("Udfyld feltet").first).to_be_visible()
    page.get_by_label("Navn").fill("Low Arousal")
    page.get_by_role("button", name="Tilføj metode").click()
    expect(page.get_by_text("Metoden Low Arousal kan nu vælges på delmål.")).to_be_visible()
    check_page(page, "methods-desktop")
    page.set_viewport_size(PHONE)
    check_page(page, "methods-phone")


def test_stale_statistics_say_so_and_recompute(page, tmp_path):  # type: ignore[no-untyped-def]
    # A server of its own: the test makes its stored numbers stale behind its back.
    with serve_demo(tmp_path) as (url, _):
        _stale_statistics(page, url, f"sqlite:///{tmp_path / 'e2e.db'}")
        page.goto("about:blank")  # nothing still loading when its server stops


def _stale_statistics(page, live_server: str, database_url: str) -> None:  # type: ignore[no-untyped-def]
    log_in(page, live_server, "leder@demo.dk")
    page.goto(f"{live_server}/statistik")
    expect(page.get_by_text("Intet er ændret siden.")).to_be_visible()
    # As at national scale: computing took seconds, and a worker has recorded since.
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE stat_snapshots SET seconds = 12"))
        conn.execute(text("UPDATE stat_data_version SET version = version + 1"))
    engine.dispose()
    page.reload()
    expect(page.get_by_role("button", name="Genberegn nu")).to_be_visible()
    check_page(page, "statistik-stale-desktop")
    page.set_viewport_size(PHONE)
    check_page(page, "statistik-stale-phone")
    page.get_by_role("button", name="Genberegn nu").click()
    expect(page.get_by_text("Tallene er beregnet igen og er nu helt opdaterede.")).to_be_visible()
    expect(page.get_by_text("Intet er ændret siden.")).to_be_visible()
