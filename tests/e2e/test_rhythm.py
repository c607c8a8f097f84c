"""The rhythm in a browser, desktop and 390 px phone: the worker sets a citizen's rhythm
from the citizen page (one refusal first), and the leader widens her team's limits from the
overview of overdue tasks. axe-core on each page; screenshots test-output/screenshots/rytme-*."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bostotte.auth.models import User
from bostotte.citizens.models import Citizen, Plan
from bostotte.extensions import db
from tests.e2e.conftest import check_page, log_in, serve_demo

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """The demo data on a database of its own (the rhythms set here stay here), and a citizen
    of the demo worker's with both FKO and FIT."""

    def a_citizen() -> int:
        worker = db.session.scalars(select(User).where(User.email == "vejleder@demo.dk")).one()
        citizen_id = db.session.scalars(
            select(Citizen.id)
            .where(
                Citizen.primary_worker_id == worker.id,
                Citizen.uses_fko,
                Citizen.uses_fit,
                Citizen.plans.any(Plan.status == "active"),
            )
            .order_by(Citizen.id)
        ).first()
        assert citizen_id is not None
        return citizen_id

    with serve_demo(tmp_path_factory.mktemp("e2e-rhythm"), a_citizen) as served:
        yield served


def test_the_worker_agrees_a_rhythm_with_the_citizen(page, server):  # type: ignore[no-untyped-def]
    base, citizen_id = server
    log_in(page, base, "vejleder@demo.dk")
    page.goto(f"{base}/borgere/{citizen_id}")
    rhythm = page.locator(".due-rhythm")
    expect(rhythm).to_contain_text("Rytme: FKO-status hver 3. måned, ORS mindst hver 4. uge.")
    citizen = page.get_by_role("heading", level=1).inner_text()
    rhythm.get_by_role("link", name="Ret rytme").click()

    expect(page.get_by_role("heading", name="Rytme for scoringer", level=1)).to_be_visible()
    expect(page.get_by_text("Dokumentation til tiden måles stadig pr. kvartal")).to_be_visible()
    check_page(page, "rytme-01-formular-desktop")
    page.set_viewport_size(PHONE)
    check_page(page, "rytme-02-formular-telefon")

    months = page.get_by_label("FKO-status: måneder mellem hver status")
    months.fill("9")
    page.get_by_label("ORS: højst antal uger mellem hver ORS").fill("6")
    page.get_by_label(re.compile("^Begrundelse")).fill("Hyppige målinger føles som nederlag.")
    page.get_by_role("button", name="Gem rytme").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Vælg mellem 3 og 6 måneder.")
    expect(months).to_have_value("9")  # what she entered is kept
    expect(page.get_by_label(re.compile("^Begrundelse"))).to_have_value(
        "Hyppige målinger føles som nederlag."
    )
    check_page(page, "rytme-03-fejl-telefon")

    months.fill("6")
    page.get_by_role("button", name="Gem rytme").click()
    expect(page.get_by_role("heading", name=citizen, level=1)).to_be_visible()
    expect(page.get_by_text("Rytmen er gemt: FKO-status hver 6. måned")).to_be_in_viewport()
    expect(page.locator(".due-rhythm")).to_contain_text(
        "FKO-status hver 6. måned, ORS mindst hver 6. uge."
    )
    check_page(page, "rytme-04-gemt-telefon")
    page.set_viewport_size(DESKTOP)
    check_page(page, "rytme-05-gemt-desktop")


def test_the_leader_widens_her_teams_limits(page, server):  # type: ignore[no-untyped-def]
    base, _citizen = server
    log_in(page, base, "leder@demo.dk")
    page.goto(f"{base}/opgaver/overblik")
    page.get_by_role("link", name="Rytme for scoringer").click()
    expect(page.get_by_role("heading", name="Rytme for scoringer i dine teams")).to_be_visible()
    check_page(page, "rytme-06-leder-desktop")
    page.get_by_role("link", name=re.compile("^Ret grænser")).first.click()
    page.set_viewport_size(PHONE)
    check_page(page, "rytme-07-graenser-telefon")
    page.get_by_label("Korteste (måneder)").fill("4")
    page.get_by_label("Længste (måneder)").fill("2")
    page.get_by_role("button", name="Gem grænser").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Det længste interval må ikke være kortere end det korteste."
    )
    check_page(page, "rytme-08-graenser-fejl-telefon")
    page.get_by_label("Korteste (måneder)").fill("2")
    page.get_by_label("Længste (måneder)").fill("12")
    page.get_by_role("button", name="Gem grænser").click()
    expect(page.get_by_text(re.compile("Grænserne for .* er gemt"))).to_be_in_viewport()
    expect(page.get_by_text("med 2 til 12 måneders mellemrum").first).to_be_visible()
    check_page(page, "rytme-09-gemt-telefon")
