"""Issue 24: a citizen's invitation can't be redeemed from anyone's session (a worker who
opens her citizen's link, another citizen, the administrator with a staff link): refused
with a Danish message, nothing changed, and the link still works for its owner."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bostotte.auth.models import User
from bostotte.common.time import utcnow
from bostotte.invitations.models import Invitation
from bostotte.invitations.services import invite, invite_staff
from tests import factories as make

GOOD = "Blå hest i Vejle 1987"
FORM = {"password": GOOD, "password_again": GOOD}


@pytest.fixture()
def link(w, session):  # type: ignore[no-untyped-def]
    c3 = make.citizen(session, w.t1)
    invitation, token = invite(session, w.w1, c3, "ny-borger@mail.dk", now=utcnow())
    session.commit()
    return invitation, f"/invitation/{token}"


@pytest.mark.parametrize("who", ["w1", "w2", "leader", "authority", "admin", "borger"])
def test_a_logged_in_user_is_refused_and_nothing_changes(who, w, session, login_as, link):
    invitation, url = link
    client = login_as(getattr(w, who))
    for response in (client.get(url), client.post(url, data=FORM)):
        html = response.get_data(as_text=True)
        assert response.status_code == 403
        assert "Log ud, før borgeren bruger sit link" in html and "Log ud" in html
    session.expire_all()
    stored = session.get(Invitation, invitation.id)
    assert stored.used_at is None and stored.revoked_at is None
    citizen_login = session.get(User, stored.user_id)
    assert citizen_login.password_hash is None
    assert citizen_login.email.endswith("afventer.invalid")  # the address is not claimed
    # she is still who she was, and the link still works for the citizen
    me = client.get("/konto")
    assert me.status_code == 200 and getattr(w, who).name in me.get_data(as_text=True)
    fresh = login_as(w.w1).application.test_client()
    assert fresh.post(url, data=FORM).headers["Location"].endswith("/mig")


def test_a_staff_link_is_refused_in_the_administrators_session(w, session, login_as, client):
    _, token = invite_staff(session, w.admin, w.w2, now=utcnow())
    session.commit()
    url = f"/invitation/{token}"
    r = login_as(w.admin).post(url, data=FORM)
    assert r.status_code == 403 and "Log ud, før medarbejderen bruger sit link" in r.text
    session.expire_all()
    assert session.get(User, w.w2.id).password_hash is None
    assert session.scalars(select(Invitation)).one().used_at is None
    assert client.post(url, data=FORM).status_code == 302  # w2 herself, logged out
