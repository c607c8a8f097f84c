"""Issue 24, "Who may see what": a leader reads her teams' citizens' records only when the
municipality's administrator allows it (default off); off, she sees the aggregates only, no
record route lets her in (403 with the reason), the menu offers none, and no read of hers is
logged. On, every read of hers is logged as hers. The API follows the same rule."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bostotte.audit.models import AccessLog
from bostotte.auth.models import Role, SiteSetting
from bostotte.auth.permissions import Action, may
from bostotte.auth.services import set_setting
from bostotte.config import identity_settings
from tests import factories as make
from tests.api.conftest import api as api  # the API's client and tokens, as fixtures
from tests.api.conftest import service_token as service_token
from tests.api.conftest import token_for as token_for

CLOSED = "Jeres kommune har valgt, at ledere ikke læser den enkelte borgers journal"


@pytest.fixture()
def w(w, session):
    return make.with_goal(session, w)


def allow_leaders(session, allowed: bool = True) -> None:  # type: ignore[no-untyped-def]
    set_setting(session, "leader_reads_records", allowed)
    session.commit()


def reads(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(AccessLog)) or 0


def record_urls(w) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        "/borgere",
        f"/borgere/{w.c1.id}",
        f"/borgere/{w.c1.id}/maal/{w.g1.id}/historik",
    ]


def test_a_fresh_install_keeps_leaders_to_aggregates():
    assert identity_settings({})["BOSTOTTE_LEADER_READS_RECORDS"] is False
    assert identity_settings({"BOSTOTTE_DEMO_MODE": "1"})["BOSTOTTE_LEADER_READS_RECORDS"] is False


def test_off_every_record_route_is_403_with_the_reason_and_nothing_is_logged(w, session, login_as):
    client = login_as(w.leader)
    for url in record_urls(w) + [f"/borgere/{w.c2.id}", "/borgere/999999"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert CLOSED in response.get_data(as_text=True), url
    assert reads(session) == 0


def test_off_she_still_gets_her_aggregates_without_names(w, session, login_as):
    client = login_as(w.leader)
    for url in ("/statistik", "/opgaver/overblik", "/borgere/rytme"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert w.c1.display_name not in html and w.c2.display_name not in html, url
    assert reads(session) == 0


def test_off_the_menu_offers_no_link_she_cannot_use(w, login_as):
    client = login_as(w.leader)
    html = client.get("/statistik").get_data(as_text=True)
    assert 'href="/borgere"' not in html and "Statistik" in html
    # after login she lands on the first page she may open: the statistics
    assert client.get("/").headers["Location"].endswith("/statistik")


def test_on_she_reads_her_teams_records_and_each_read_is_logged_as_hers(w, session, login_as):
    allow_leaders(session)
    client = login_as(w.leader)
    page = client.get("/borgere").get_data(as_text=True)
    assert w.c1.display_name in page and w.c2.display_name not in page
    html = client.get("/statistik").get_data(as_text=True)
    assert 'href="/borgere"' in html  # the menu offers the list now
    for url in record_urls(w)[1:]:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/borgere/{w.c2.id}").status_code == 404  # another team's
    assert client.get(f"/borgere/{w.c1.id}/maal/ny").status_code == 403  # reads, never edits
    rows = session.scalars(
        select(AccessLog).where(AccessLog.citizen_id == w.c1.id).order_by(AccessLog.id)
    ).all()
    shown = [r for r in rows if r.path == f"/borgere/{w.c1.id}"]
    assert shown and all(r.actor_id == w.leader.id for r in rows)
    assert {r.actor_role for r in rows} == {Role.LEADER}
    assert f"/borgere/{w.c1.id}/maal/{w.g1.id}/historik" in {r.path for r in rows}
    assert not session.scalars(select(AccessLog).where(AccessLog.citizen_id == w.c2.id)).all()


def test_switched_off_again_she_is_out_at_once(w, session, login_as):
    allow_leaders(session)
    client = login_as(w.leader)
    assert client.get(f"/borgere/{w.c1.id}").status_code == 200
    allow_leaders(session, False)
    assert client.get(f"/borgere/{w.c1.id}").status_code == 403


def test_the_setting_touches_leaders_only(w, session, login_as):
    for allowed in (False, True):
        allow_leaders(session, allowed)
        assert login_as(w.w1).get(f"/borgere/{w.c1.id}").status_code == 200
        assert login_as(w.authority).get(f"/borgere/{w.c1.id}").status_code == 200
        assert login_as(w.admin).get(f"/borgere/{w.c1.id}").status_code == 403
        assert CLOSED not in login_as(w.admin).get("/borgere").get_data(as_text=True)


def test_one_rule_for_the_web_and_the_api(w, session, app):
    with app.test_request_context():
        assert not may(w.leader, Action.READ) and not may(w.leader, Action.LIST)
        assert may(w.leader, Action.STATS) and may(w.leader, Action.LEAD)
        allow_leaders(session)
        assert may(w.leader, Action.READ) and may(w.leader, Action.LIST)
        assert not may(w.leader, Action.EDIT)


def test_the_administrator_switches_it_on_the_admin_page(w, session, login_as):
    admin = login_as(w.admin)
    page = admin.get("/admin").get_data(as_text=True)
    assert "Ledere må læse borgernes journaler i egne teams" in page
    assert (
        'name="leader_reads_records"' in page
        and "checked" not in page.split('name="leader_reads_records"')[1].split(">")[0]
    )
    form = {"citizen_password_login": "1", "leader_reads_records": "1"}
    assert admin.post("/admin/indstillinger", data=form).status_code == 302
    assert session.get(SiteSetting, "leader_reads_records").value == "1"
    assert login_as(w.leader).get(f"/borgere/{w.c1.id}").status_code == 200
    assert admin.post("/admin/indstillinger", data={}).status_code == 302
    assert login_as(w.leader).get(f"/borgere/{w.c1.id}").status_code == 403


# --- the API ------------------------------------------------------------------------------


def test_the_api_follows_the_setting_for_a_leaders_token(w, session, api, token_for):
    allow_leaders(session)
    token = token_for(w.leader, "read:citizens", "read:stats")
    assert [c["id"] for c in api.get("/citizens", token).json["items"]] == [w.c1.id]
    assert api.get(f"/citizens/{w.c1.id}", token).status_code == 200
    rows = session.scalars(select(AccessLog)).all()
    assert rows and {r.actor_id for r in rows} == {w.leader.id}
    allow_leaders(session, False)
    before = reads(session)
    for path in ("/citizens", f"/citizens/{w.c1.id}", "/scorings"):
        assert api.get(path, token).status_code == 403, path
    assert reads(session) == before
    stats = api.get("/statistics", token, query_string={"from": "2026-01-01", "to": "2026-12-31"})
    assert stats.status_code == 200
    assert api.get("/instruments", token).status_code == 200


def test_off_a_leader_cannot_make_a_token_that_reads_records(w, session, token_for):
    with pytest.raises(Exception, match="read:citizens"):
        token_for(w.leader, "read:citizens")


def test_a_service_token_and_a_workers_token_are_not_affected(
    w, session, api, token_for, service_token
):
    for allowed in (False, True):
        allow_leaders(session, allowed)
        service = service_token(w.admin, [w.t1], "read:citizens")
        assert api.get(f"/citizens/{w.c1.id}", service).status_code == 200
        assert api.get(f"/citizens/{w.c1.id}", token_for(w.w1)).status_code == 200
