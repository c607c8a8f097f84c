"""Issue 24 in a browser, on a desktop and a 390 px phone (axe, no sideways scroll): the
administrator creates a staff login and gets a link, never a password; the new worker
chooses her own password with it and logs in; a leader (default: aggregates only) meets
the 403 page that says why. Screenshots under test-output/screenshots/staff-link-*."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.e2e.conftest import check_page, log_in, screenshot, serve_demo

PHONE = {"width": 390, "height": 844}
PASSWORD = "Blå hest i Vejle 1987"
SHOTS = Path("/tmp/shots_access")


def _check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    check_page(page, name)
    if SHOTS.is_dir():  # a copy for the session that looks at them
        shutil.copy(screenshot(page, name), SHOTS / f"{name}.png")


def test_a_new_worker_chooses_her_own_password(browser, tmp_path):  # type: ignore[no-untyped-def]
    with serve_demo(tmp_path) as (base, _):
        for n, (size, suffix) in enumerate(((None, "desktop"), (PHONE, "phone"))):
            viewport = size or {"width": 1280, "height": 900}
            admin = browser.new_context(viewport=viewport, locale="da-DK").new_page()
            log_in(admin, base, "admin@demo.dk")
            admin.goto(f"{base}/admin")
            assert admin.locator('input[type="password"]').count() == 0
            _check(admin, f"staff-link-admin-page-{suffix}")
            admin.locator("summary", has_text="Opret medarbejder").click()
            form = admin.locator('form[action="/admin/brugere"]')
            form.locator('input[name="name"]').fill(f"Nina Ny {n}")
            form.locator('input[name="email"]').fill(f"nina{n}@demo.dk")
            form.locator('input[name="role"][value="mestringsvejleder"]').check()
            form.locator('input[name="team_ids"]').first.check()
            admin.get_by_role("button", name="Opret medarbejder").click()
            assert admin.get_by_role("heading", name=f"Nina Ny {n} er oprettet").count() == 1
            _check(admin, f"staff-link-created-{suffix}")
            shown = admin.locator("#password-link").input_value()
            assert "/invitation/" in shown
            link = base + "/invitation/" + shown.rsplit("/", 1)[1]  # this test server's

            # the administrator's own session may not use it
            admin.goto(link)
            assert admin.get_by_role("heading", name="Log ud først").count() == 1
            _check(admin, f"staff-link-logged-in-{suffix}")
            admin.goto(f"{base}/admin")
            admin.get_by_role("link", name=f"Ret rolle og teams for Nina Ny {n}").click()
            admin.locator('input[name="team_ids"]').last.check()
            _check(admin, f"staff-link-edit-user-{suffix}")
            admin.get_by_role("button", name="Gem").click()
            assert admin.get_by_text(f"Nina Ny {n} er nu mestringsvejleder").count() == 1
            admin.goto(f"{base}/admin/handlinger")
            assert admin.get_by_text(f"Nina Ny {n}").count() >= 1
            _check(admin, f"staff-link-admin-log-{suffix}")
            admin.context.close()

            worker = browser.new_context(viewport=viewport, locale="da-DK").new_page()
            worker.goto(link)
            assert worker.get_by_role("heading", name="Vælg din adgangskode").count() == 1
            _check(worker, f"staff-link-choose-{suffix}")
            worker.locator("#f-password").fill(PASSWORD)
            worker.locator("#f-password_again").fill(PASSWORD)
            worker.get_by_role("button", name="Gem adgangskoden").click()
            assert worker.get_by_text("Din adgangskode er gemt.").count() == 1
            log_in(worker, base, f"nina{n}@demo.dk", PASSWORD)
            assert worker.url.endswith("/opgaver")
            worker.context.close()

            leader = browser.new_context(viewport=viewport, locale="da-DK").new_page()
            log_in(leader, base, "leder@demo.dk")
            assert leader.get_by_role("link", name="Borgere").count() == 0
            leader.goto(f"{base}/borgere")
            assert leader.get_by_text("ikke læser den enkelte borgers journal").count() == 1
            _check(leader, f"staff-link-leader-403-{suffix}")
            leader.context.close()
