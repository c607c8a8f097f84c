"""A worker logs in through single sign-on in a real browser: bostotte, the provider
(tests/oidc/provider.py on 127.0.0.1) and back; then the worker logs out there too; and a
worker with a local password sets up two factors, scanning nothing but typing the key."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date

import pyotp
import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from bostotte import create_app
from bostotte.auth import oidc
from bostotte.auth.models import User
from bostotte.common.time import utcnow
from bostotte.demo.services import load_demo
from bostotte.extensions import db
from tests.e2e.conftest import log_in, screenshot
from tests.oidc.provider import Provider

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Provider]]:
    """The demo behind a municipality's single sign-on, two factors required for passwords."""
    provider = Provider().start()
    db_path = tmp_path_factory.mktemp("sso") / "sso.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "SECRET_KEY": "sso-secret",
            "BOSTOTTE_REQUIRE_TOTP": True,
            "BOSTOTTE_OIDC_ISSUER": provider.issuer,
            "BOSTOTTE_OIDC_CLIENT_ID": provider.client_id,
            "BOSTOTTE_OIDC_CLIENT_SECRET": provider.client_secret,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BOSTOTTE_BASE_URL"] = base  # the redirect URI registered at the provider
    provider.redirect_uris = [f"{base}/login/sso/callback"]
    with app.app_context():
        upgrade(revision="heads")
        load_demo(db.session, TODAY)
        mette = db.session.scalars(select(User).where(User.email == "vejleder@demo.dk")).one()
        oidc.link_staff_identity(db.session, mette, "entra-oid-mette", provider.issuer, utcnow())
        db.session.commit()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, provider
    server.shutdown()
    provider.stop()


def test_worker_logs_in_and_out_through_single_sign_on(page, sso_server):  # type: ignore[no-untyped-def]
    base, provider = sso_server
    provider.reset()
    provider.redirect_uris = [f"{base}/login/sso/callback"]
    provider.login_as("entra-oid-mette", name="Mette Lindberg", email="vejleder@demo.dk")
    page.goto(f"{base}/login")
    screenshot(page, "sso-01-login")
    page.get_by_role("link", name="Log ind som medarbejder (single sign-on)").click()
    expect(page.get_by_role("heading", name="Mine opgaver")).to_be_visible()
    assert page.url == f"{base}/opgaver"
    screenshot(page, "sso-02-mine-opgaver")
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()  # back from the provider
    assert provider.logouts and provider.logouts[-1]["id_token_hint"]


@pytest.mark.expect_status(403)
def test_an_unknown_worker_is_told_in_danish(page, sso_server):  # type: ignore[no-untyped-def]
    base, provider = sso_server
    provider.reset()
    provider.redirect_uris = [f"{base}/login/sso/callback"]
    provider.login_as("entra-oid-stranger", name="Ukendt Person")
    page.goto(f"{base}/login")
    page.get_by_role("link", name="Log ind som medarbejder (single sign-on)").click()
    expect(page.get_by_text("Din bruger er ikke oprettet i bostotte")).to_be_visible()
    screenshot(page, "sso-03-ukendt")


def test_a_password_login_sets_up_two_factors(page, sso_server):  # type: ignore[no-untyped-def]
    base, _provider = sso_server
    log_in(page, base, "vejleder2@demo.dk")
    expect(page.get_by_role("heading", name="Sæt to-faktor-login op")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "totp-01-opsaet-375")
    secret = page.locator(".totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Kode fra appen").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Bekræft og log ind").click()
    expect(page.get_by_role("heading", name="Gem dine gendannelseskoder")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    screenshot(page, "totp-02-koder-375")
    page.get_by_role("link", name="Jeg har gemt koderne – fortsæt").click()
    expect(page.get_by_role("heading", name="Mine opgaver")).to_be_visible()
