"""The access log as its two readers see it, on a desktop and a 390 px phone (axe, no
sideways scroll): the citizen's whole log a page at a time, and the administrator's viewer
with its filter. Screenshots under test-output/screenshots/access-log-*."""

from __future__ import annotations

from sqlalchemy import select

from bostotte.audit.services import PER_PAGE, log_accesses
from bostotte.auth.models import Role, User
from bostotte.demo.logins import BORGER_EMAIL
from bostotte.extensions import db
from tests.e2e.conftest import check_page, log_in, serve_demo

PHONE = {"width": 390, "height": 844}


def _long_history() -> int:
    """Her record read more times than one page shows, by a worker of her team."""
    citizen_id = db.session.scalar(select(User.citizen_id).where(User.email == BORGER_EMAIL))
    worker = db.session.scalar(select(User).where(User.role == Role.WORKER).limit(1))
    assert citizen_id is not None and worker is not None
    for _ in range(PER_PAGE + 10):
        log_accesses(db.session, worker, [citizen_id], "borgerside", f"/borgere/{citizen_id}")
    return citizen_id


def test_the_citizen_and_the_administrator_read_the_log(browser, tmp_path):  # type: ignore[no-untyped-def]
    with serve_demo(tmp_path, _long_history) as (base, citizen_id):
        for size, suffix in ((None, "desktop"), (PHONE, "phone")):
            context = browser.new_context(
                viewport=size or {"width": 1280, "height": 900}, locale="da-DK"
            )
            page = context.new_page()
            log_in(page, base, BORGER_EMAIL)
            page.goto(f"{base}/mig/hvem-har-set")
            assert page.locator(".pagination").count() == 1
            check_page(page, f"access-log-citizen-{suffix}")
            page.get_by_role("link", name="Næste side").click()
            assert "side=2" in page.url
            check_page(page, f"access-log-citizen-page2-{suffix}")
            context.close()

            context = browser.new_context(
                viewport=size or {"width": 1280, "height": 900}, locale="da-DK"
            )
            page = context.new_page()
            log_in(page, base, "admin@demo.dk")
            page.goto(f"{base}/admin")
            page.get_by_role("link", name="Adgangslog: hvem har set hvad").click()
            page.get_by_label("Borger-id").fill(str(citizen_id))
            page.get_by_role("button", name="Vis").click()
            assert f"borger={citizen_id}" in page.url
            assert page.get_by_text("Hent som regneark (CSV)").count() == 1
            check_page(page, f"access-log-admin-{suffix}")
            page.get_by_label("Bruger-id").fill("Hanne")  # not an id: a Danish message
            page.get_by_role("button", name="Vis").click()
            assert page.locator(".error-summary").count() == 1
            assert page.get_by_text("Skriv et helt tal.").count() >= 1
            context.close()
