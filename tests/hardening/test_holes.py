"""Issue 24's smaller holes: formula cells in CSV, e-mail enumeration, common passwords,
secure cookies and HSTS, the CSRF token at login, statistics targets per team."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from bostotte import create_app
from bostotte.auth import passwords
from bostotte.auth.models import Role, User
from bostotte.auth.permissions import stats_scope
from bostotte.common import csv_safe
from bostotte.common.time import utcnow
from bostotte.config import identity_settings
from bostotte.invitations.models import Invitation
from bostotte.invitations.services import invite
from bostotte.stats import services
from bostotte.stats.models import StatTarget
from bostotte.stats.queries import Period, Scope
from tests import factories as make
from tests.conftest import without_csrf
from tests.stats import bulk

YEAR = {"fra": "2026-01-01", "til": "2026-11-23"}
P = Period(date(2026, 1, 1), date(2026, 11, 23))
PASSWORD = "Blå hest i Vejle 1987"
FORMULA = '=HYPERLINK("http://x","klik")'


def _formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would evaluate (a plain number such as -3 it would not)."""
    return [
        c
        for row in rows
        for c in row
        if c[:1] in csv_safe.TRIGGERS and not csv_safe._PLAIN_NUMBER.fullmatch(c)
    ]


def test_escape_follows_owasp_and_unescape_reverses_it():
    for text in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "'=x", "''@x"):
        assert csv_safe.escape(text) == "'" + text
        assert csv_safe.unescape(csv_safe.escape(text)) == text
    for kept in ("Team Nord", "-3", "-0,25", "12.5", "'quoted", "", "a=b"):
        assert csv_safe.escape(kept) == kept
        assert csv_safe.unescape(kept) == kept
    assert csv_safe.escape(-3) == -3 and csv_safe.row([None, "=x"]) == ["", "'=x"]


def _statistics_world(w, session):
    w.t1.name = FORMULA
    bulk.add(session, bulk.Spec(w.t1.id, 10, w.w1.id, gender="k", status=2, name="Nord"))
    session.commit()


def test_statistics_csv_quotes_a_formula_team_name(w, session, login_as):
    _statistics_world(w, session)
    response = login_as(w.leader).get("/statistik/export.csv", query_string=YEAR)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert "'" + FORMULA in [c for row in rows for c in row]
    assert _formula_cells(rows) == []


def test_statistics_command_quotes_a_formula_team_name(w, session, app):
    _statistics_world(w, session)
    result = app.test_cli_runner().invoke(
        args=[
            "bostotte",
            "stats",
            "--from",
            YEAR["fra"],
            "--to",
            YEAR["til"],
            "--format",
            "csv",
            "--by",
            "team",
            "--min-cell",
            "1",
        ]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert "'" + FORMULA in [c for row in rows for c in row]
    assert _formula_cells(rows) == []


# --------------------------------------------------------------- cookies, HSTS and CSRF


@pytest.mark.parametrize(
    "env, secure",
    [
        ({}, True),  # production, or anything not said otherwise
        ({"BOSTOTTE_DEMO_MODE": "1"}, False),  # `make run` on http://127.0.0.1
        ({"BOSTOTTE_DEMO_MODE": "1", "BOSTOTTE_SECURE_COOKIES": "1"}, True),
        ({"BOSTOTTE_SECURE_COOKIES": "0"}, False),  # said explicitly
    ],
)
def test_cookies_and_hsts_are_secure_unless_demo(env, secure):
    settings = identity_settings(env)
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert settings["REMEMBER_COOKIE_SECURE"] is secure
    assert settings["BOSTOTTE_HSTS"] is secure


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "no csrf token in the page"
    return found.group(1)


def test_login_sets_a_secure_cookie_over_https_with_hsts(app, session, w):
    assert app.config["SESSION_COOKIE_SECURE"]  # the suite's app: not in demo mode
    make.user(session, Role.WORKER, [w.t1], password=PASSWORD, email="sikker@test.dk")
    session.commit()
    client = app.test_client()
    r = client.post(
        "/login",
        data={"email": "sikker@test.dk", "password": PASSWORD},
        base_url="https://localhost",
    )
    assert r.status_code == 302
    assert "Secure" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    assert r.headers["Strict-Transport-Security"] == "max-age=63072000"
    # over plain http (only ever a proxy's business) browsers ignore it, so none is sent
    assert "Strict-Transport-Security" not in client.get("/login").headers
    demo = create_app({**app.config, "BOSTOTTE_HSTS": False})
    assert (
        "Strict-Transport-Security"
        not in demo.test_client().get("/login", base_url="https://localhost").headers
    )


def test_the_csrf_token_changes_at_login(app, session, w):
    """A token read before login (by a page someone planted, say) is no good after it."""
    protected = create_app({**app.config, "WTF_CSRF_ENABLED": True})
    protected.test_client_class = app.test_client_class
    make.user(session, Role.WORKER, [w.t1], password=PASSWORD, email="csrf@test.dk")
    session.commit()
    client = protected.test_client()
    # over https Flask-WTF also wants the Referer of the same site
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/"}}
    before = _token(client.get("/login", **https).get_data(as_text=True))
    r = client.post(
        "/login",
        data={"email": "csrf@test.dk", "password": PASSWORD, "csrf_token": before},
        **https,
    )
    assert r.status_code == 302
    after = client.get("/konto/aktiv", **https).json["csrf_token"]
    assert after != before

    def keep_alive(token: str) -> int:
        headers = {**https["headers"], "X-CSRFToken": token}
        return client.post("/konto/aktiv", base_url=https["base_url"], headers=headers).status_code

    assert keep_alive(before) == 400
    assert keep_alive(after) == 200


# --------------------------------------------------------------------------- passwords

COMMON = "Password1"  # in the bundled list (as "password1"): case does not help
BAD_PASSWORDS = [
    (COMMON, "en af de mest brugte"),
    ("qwertyuiop", "en af de mest brugte"),
    ("  iloveyou  ", "en af de mest brugte"),
    (" " * 12, "må ikke kun være mellemrum"),
    ("\t \t", "må ikke kun være mellemrum"),
    ("kort", "mindst 8 tegn"),
]


@pytest.mark.parametrize("password, message", BAD_PASSWORDS)
def test_the_invitation_refuses_common_and_blank_passwords(w, session, client, password, message):
    _, token = invite(session, w.w1, w.c1, "borger-ny@mail.dk", now=utcnow())
    session.commit()
    url = f"/invitation/{token}"
    r = client.post(url, data={"password": password, "password_again": password})
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    # the link still works, with a password nobody guesses first
    ok = client.post(url, data={"password": PASSWORD, "password_again": PASSWORD})
    assert ok.status_code == 302


@pytest.mark.parametrize("password, message", BAD_PASSWORDS)
def test_a_staff_members_link_is_held_to_the_same_rule(w, session, login_as, password, message):
    """The administrator chooses no password (issue 24): the new staff member does, with
    her link, under the invitation's rule."""
    form = {
        "name": "Ny",
        "email": "ny-ansat@test.dk",
        "role": "mestringsvejleder",
        "team_ids": [str(w.t1.id)],
    }
    page = login_as(w.admin).post("/admin/brugere", data=form).get_data(as_text=True)
    url = re.search(r"http://[^/]+(/invitation/[\w-]+)", page).group(1)  # type: ignore[union-attr]
    client = login_as(w.w2).application.test_client()  # nobody logged in
    r = client.post(url, data={"password": password, "password_again": password})
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert (
        session.scalar(select(User).where(User.email == "ny-ansat@test.dk")).password_hash is None
    )
    ok = client.post(url, data={"password": PASSWORD, "password_again": PASSWORD})
    assert ok.status_code == 302


def test_the_command_line_is_held_to_the_same_rule(w, app):
    args = [
        "bostotte",
        "create-user",
        "--email",
        "cli@test.dk",
        "--name",
        "Cli",
        "--role",
        "leder",
        "--team",
        w.t1.name,
        "--password",
    ]
    result = app.test_cli_runner().invoke(args=[*args, COMMON])
    assert result.exit_code != 0 and "en af de mest brugte" in result.output
    assert app.test_cli_runner().invoke(args=[*args, PASSWORD]).exit_code == 0


def test_the_list_is_the_bundled_one_and_long_enough():
    common = passwords._common()
    assert len(common) > 10_000 and "password" in common and "12345678" in common
    assert not any(p.startswith("#") for p in common)
    assert not passwords.is_common(PASSWORD) and passwords.is_common(" PASSWORD ")


# --------------------------------------------------------------- statistics targets per team

TARGET = {
    "maal_tema": "mestring",
    "andel": "70",
    "maal_fra": "2026-01-01",
    "maal_til": "2026-12-31",
}


def test_a_leaders_target_is_her_teams_and_no_other_leader_reads_or_sets_it(w, session, login_as):
    other_leader = make.user(session, Role.LEADER, [w.t2])
    session.commit()
    leader = login_as(w.leader)
    r = leader.post("/statistik/maal", query_string=YEAR, data=TARGET)
    assert r.status_code == 302
    target = session.scalars(select(StatTarget)).one()
    assert target.team_id == w.t1.id and target.share == 0.7
    # Team Syd's leader: Team Nord's target is not hers to see ...
    dashboard = services.compute(
        session, P, scope=stats_scope(other_leader), today=date(2026, 11, 23)
    )
    assert "target" not in dashboard["fko"]["by_theme"].get("mestring", {})
    mine = services.compute(session, P, scope=stats_scope(w.leader), today=date(2026, 11, 23))
    assert mine["fko"]["by_theme"]["mestring"]["target"] == 0.7
    # ... nor to set: Team Nord in her URL is refused, and her own is a target of her own
    them = login_as(other_leader)
    refused = them.post("/statistik/maal", query_string={**YEAR, "team": w.t1.id}, data=TARGET)
    assert refused.status_code == 403
    assert (
        them.post("/statistik/maal", query_string=YEAR, data={**TARGET, "andel": "40"}).status_code
        == 302
    )
    session.expire_all()
    shares = {t.team_id: t.share for t in session.scalars(select(StatTarget))}
    assert shares == {w.t1.id: 0.7, w.t2.id: 0.4}


def test_the_municipalitys_target_is_seen_where_a_team_has_none(w, session):
    services.set_target(session, "mestring", P, 0.6)  # `flask bostotte target`: no team
    services.set_target(session, "mestring", P, 0.8, team_id=w.t1.id)
    today = date(2026, 11, 23)
    nord = services.compute(session, P, scope=stats_scope(w.leader), today=today)
    assert nord["fko"]["by_theme"]["mestring"]["target"] == 0.8
    both = services.compute(session, P, scope=Scope((w.t1.id, w.t2.id)), today=today)
    assert both["fko"]["by_theme"]["mestring"]["target"] == 0.6


def test_a_leader_of_several_teams_picks_one_for_a_target(w, session, login_as):
    w.leader.teams.append(w.t2)
    session.commit()
    leader = login_as(w.leader)
    r = leader.post("/statistik/maal", query_string=YEAR, data=TARGET)
    assert r.status_code == 400 and "et mål gælder ét team" in r.get_data(as_text=True)
    assert session.scalars(select(StatTarget)).all() == []
    page = leader.get("/statistik", query_string={**YEAR, "team": w.t2.id}).get_data(as_text=True)
    assert "Målet gælder <strong>Team Syd</strong>" in page


# ------------------------------------------------------------------- e-mail enumeration


def _invite_page(worker, citizen_id: int, email: str) -> tuple[int, str]:
    """The worker's answer, with what differs by nature taken out: the link, the address,
    and the clock (the link's expiry to the minute, the CSRF token's timestamp), which may
    tick over between two requests."""
    r = worker.post(f"/borgere/{citizen_id}/invitation", data={"email": email})
    text = re.sub(r"/invitation/[\w-]+", "/invitation/LINK", r.get_data(as_text=True))
    text = without_csrf(text)
    text = re.sub(r"\b\d{1,2}[.:]\d{2}\b", "HH:MM", text)
    return r.status_code, text.replace(email, "ADDRESS")


def test_the_invite_form_answers_alike_whether_or_not_the_address_has_a_login(
    w, session, login_as, client
):
    """A Team Syd citizen has a login; Team Nord's worker must not learn that (nor that a
    colleague's address is a login) from the form."""
    syd = make.user(
        session, Role.CITIZEN, citizen_id=make.citizen(session, w.t2).id, email="syd@mail.dk"
    )
    session.commit()
    taken = [syd.email, w.w2.email]
    worker = login_as(w.w1)
    answers = {
        email: _invite_page(worker, w.c1.id, email)
        for email in [*taken, "ledig@mail.dk", w.borger.email]
    }
    assert {status for status, _ in answers.values()} == {200}
    assert len({page for _, page in answers.values()}) == 1
    # nothing changed for the owners of the taken addresses, and c1's login kept hers
    session.expire_all()
    assert session.get(User, w.borger.id).email == w.borger.email
    # the link for a taken address tells whoever opens it, and changes nothing
    invitation, token = invite(session, w.w1, w.c1, syd.email, now=utcnow())
    session.commit()
    r = client.post(f"/invitation/{token}", data={"password": PASSWORD, "password_again": PASSWORD})
    assert r.status_code == 410 and "hører allerede til et andet login" in r.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, w.borger.id).email == w.borger.email
    assert session.get(User, syd.id).email == syd.email
    assert session.get(Invitation, invitation.id).used_at is None
