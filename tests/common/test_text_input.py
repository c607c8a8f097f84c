"""Issue 24: a NUL byte or another control character in any input gets a Danish message
(common/text.py's rule), never a database error: the request's edge refuses NUL in a query
or a form (common/guard.py), every schema refuses control characters in its fields. An
e-mail longer than its column is a field error too (common/schema.py's Email)."""

from __future__ import annotations

from sqlalchemy import func, select

from bostotte.admin.schemas import UserSchema
from bostotte.api import tokens
from bostotte.auth.models import User
from bostotte.citizens.schemas import CitizenSchema
from bostotte.common.schema import load_form
from bostotte.common.text import CONTROL_MESSAGE
from bostotte.common.time import utcnow
from bostotte.goals.models import SubGoalNote
from bostotte.invitations.schemas import InviteSchema
from tests import factories as make
from tests.conftest import login

NUL_TEXT = "Det indtastede indeholder et nul-tegn"


def _notes(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(SubGoalNote))


def test_nul_byte_in_note_gives_400(app, session, w):
    g = make.goal(session, w.w1, w.p1)
    s = make.subgoal(session, g)
    session.commit()
    client = login(app.test_client(), w.w1)
    r = client.post(
        f"/borgere/{w.c1.id}/delmaal/{s.id}/note", data={"text": "Godt\x00 møde", "status": ""}
    )
    assert r.status_code == 400
    assert NUL_TEXT in r.get_data(as_text=True)
    assert _notes(session) == 0


def test_nul_byte_in_login_email_gives_400(app, session, w):
    r = app.test_client().post("/login", data={"email": "\x00", "password": "x"})
    assert r.status_code == 400 and NUL_TEXT in r.get_data(as_text=True)


def test_nul_byte_in_query_parameter_gives_400(app, session, w):
    r = login(app.test_client(), w.w1).get("/borgere", query_string={"q": "Hans\x00"})
    assert r.status_code == 400 and NUL_TEXT in r.get_data(as_text=True)


def test_nul_byte_in_new_team_gives_400_and_no_team(app, session, w):
    client = login(app.test_client(), w.admin)
    r = client.post("/admin/teams", data={"name": "\x00"})
    assert r.status_code == 400
    assert "\x00" not in {t.name for t in (w.t1, w.t2)}


def test_nul_byte_in_api_body_is_a_field_error(app, session, w):
    _, secret = tokens.create_personal(
        session, w.w1, "t", [s.id for s in tokens.scopes_for(w.w1)], 1, utcnow()
    )
    session.commit()
    r = app.test_client().post(
        "/api/v1/goals",
        json={"plan_id": w.p1.id, "theme": "mestring", "specific": "Jeg\x00 vil"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert r.status_code in (400, 422), r.get_data(as_text=True)
    assert CONTROL_MESSAGE in r.get_data(as_text=True)


def test_control_characters_are_refused_on_the_field_that_holds_them():
    data, errors = load_form(
        CitizenSchema(), {"display_name": "Hans\x0bHansen", "birth_year": "1980"}
    )
    assert errors["display_name"] == [CONTROL_MESSAGE]
    _, errors = load_form(CitizenSchema(), {"display_name": "Hans\tHansen\r\n"})
    assert "display_name" not in errors


def test_email_over_254_characters_gives_400_and_no_login(app, session, w):
    """PostgreSQL refused the 255-character address of a new staff login with a 500."""
    users = session.scalar(select(func.count()).select_from(User))
    client = login(app.test_client(), w.admin)
    r = client.post(
        "/admin/brugere",
        data={"email": "a" * 250 + "@x.dk", "name": "Lang Adresse", "role": "worker"},
    )
    assert r.status_code == 400
    assert "Højst 254 tegn." in r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == users


def test_every_email_field_has_the_columns_limit():
    for schema in (UserSchema(), InviteSchema()):
        _, errors = load_form(schema, {"email": "a" * 250 + "@x.dk"})
        assert errors["email"] == ["Højst 254 tegn."]
        _, errors = load_form(schema, {"email": "a" * 243 + "@x.dk"})  # 248: fits
        assert "email" not in errors
