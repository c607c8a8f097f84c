from bostotte import create_app
from bostotte.auth.models import Role, User
from bostotte.auth.passwords import hash_password
from bostotte.extensions import limiter
from tests import factories as make


def test_password_is_hashed_with_argon2(session):
    user = make.user(session, Role.WORKER, password="hemmelig123")
    assert user.password_hash.startswith("$argon2id$")
    assert "hemmelig123" not in user.password_hash


def test_login_page_is_danish(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="da"' in page and "Log ind" in page
    assert 'name="email"' in page and 'name="password"' in page


def test_login_wrong_password_shows_danish_error(client, session):
    make.user(session, Role.WORKER, password="hemmelig123", email="a@test.dk")
    session.commit()
    r = client.post("/login", data={"email": "a@test.dk", "password": "forkert!!"})
    assert r.status_code == 400
    assert "E-mail eller adgangskode er forkert." in r.get_data(as_text=True)


def test_login_missing_fields(client):
    r = client.post("/login", data={"email": "", "password": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Skriv din e-mail." in page and "Skriv din adgangskode." in page


def test_login_and_logout(client, session):
    t = make.team(session)
    make.user(session, Role.WORKER, [t], password="hemmelig123", email="A@Test.dk")
    session.commit()
    r = client.post("/login", data={"email": " a@test.DK ", "password": "hemmelig123"})
    # a mestringsvejleder starts on Mine opgaver
    assert r.status_code == 302 and r.headers["Location"].endswith("/opgaver")
    assert client.get("/borgere").status_code == 200
    assert session.query(User).one().last_login_at is not None
    r = client.post("/logout")
    assert r.status_code == 302
    assert client.get("/borgere").status_code == 302  # back to login


def test_inactive_user_cannot_log_in(client, session):
    u = make.user(session, Role.WORKER, password="hemmelig123", email="x@test.dk")
    u.active = False
    session.commit()
    r = client.post("/login", data={"email": "x@test.dk", "password": "hemmelig123"})
    assert r.status_code == 400


def test_next_is_followed_only_within_the_site(client, session):
    make.user(session, Role.WORKER, [make.team(session)], password="hemmelig123", email="n@test.dk")
    session.commit()
    creds = {"email": "n@test.dk", "password": "hemmelig123"}
    r = client.post("/login?next=https://evil.example/x", data=creds)
    assert r.headers["Location"].endswith("/opgaver")
    client.post("/logout")
    r = client.post("/login?next=/konto", data=creds)
    assert r.headers["Location"].endswith("/konto")


def test_borger_lands_on_mig(client, session):
    w = make.world(session)
    w.borger.password_hash = None
    w.borger.password_hash = hash_password("hemmelig123")
    session.commit()
    r = client.post("/login", data={"email": w.borger.email, "password": "hemmelig123"})
    assert r.headers["Location"].endswith("/mig")


def test_csrf_is_enforced_on_forms(app, session):
    csrf_app = create_app({**app.config, "WTF_CSRF_ENABLED": True, "TESTING": True})
    with csrf_app.test_client() as c:
        r = c.post("/login", data={"email": "a@test.dk", "password": "x"})
        assert r.status_code == 400
        assert "Ugyldig" in r.get_data(as_text=True) or "udløbet" in r.get_data(as_text=True)


def test_password_guessing_is_rate_limited(app, session):

    limited = create_app({**app.config, "RATELIMIT_ENABLED": True})
    client = limited.test_client()
    try:
        statuses = [
            client.post("/login", data={"email": "a@test.dk", "password": "forkert!!"}).status_code
            for _ in range(21)
        ]
        assert statuses[:20] == [400] * 20  # failures count: 20 a minute from one address
        assert statuses[20] == 429
        refused = client.post("/login", data={})
        assert "For mange forsøg" in refused.get_data(as_text=True)
        assert 0 < int(refused.headers["Retry-After"]) <= 60
    finally:
        # The limiter is one object for every app: leave it as the suite's app had it, or a
        # later test that logs in within the minute is refused.
        limiter.reset()
        limiter.enabled = False


def test_security_headers(client):
    r = client.get("/login")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-store"
