import pytest
from sqlalchemy import func, select

from bostotte.auth.models import Team, User


def test_only_the_administrator_gets_in(w, login_as):
    assert login_as(w.admin).get("/admin").status_code == 200
    for role in ("w1", "leader", "authority", "borger"):
        assert login_as(getattr(w, role)).get("/admin").status_code == 403, role


def test_admin_page_names_no_citizen(w, login_as):
    page = login_as(w.admin).get("/admin").get_data(as_text=True)
    assert "Team Nord" in page and w.w1.email in page
    assert w.c1.display_name not in page and w.borger.email not in page


def test_create_team_and_refuse_a_duplicate(w, login_as, session):
    client = login_as(w.admin)
    assert client.post("/admin/teams", data={"name": "Team Øst"}).status_code == 302
    r = client.post("/admin/teams", data={"name": "team øst"})
    assert r.status_code == 400 and "findes allerede" in r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Team)) == 3


def test_create_staff_user(w, login_as, session):
    client = login_as(w.admin)
    r = client.post(
        "/admin/brugere",
        data={
            "name": "Ny Vejleder",
            "email": "ny@test.dk",
            "role": "mestringsvejleder",
            "team_ids": [str(w.t1.id), str(w.t2.id)],
        },
    )
    # the page with her link to choose a password (tests/admin/test_staff_links.py)
    assert r.status_code == 200 and "/invitation/" in r.text
    user = session.scalars(select(User).where(User.email == "ny@test.dk")).one()
    assert user.role == "mestringsvejleder" and user.team_ids == {w.t1.id, w.t2.id}
    assert user.password_hash is None


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"email": "ikke-en-mail"}, "Skriv en gyldig e-mailadresse."),
        ({"role": "borger"}, "Vælg en af mulighederne."),
        ({"team_ids": []}, "skal høre til mindst ét team"),
        ({"email": "EXISTS"}, "findes allerede en bruger"),
    ],
)
def test_create_user_bad_input(w, login_as, session, over, message):
    form = {
        "name": "Ny",
        "email": "ny@test.dk",
        "role": "leder",
        "team_ids": [str(w.t1.id)],
        **over,
    }
    if form["email"] == "EXISTS":
        form["email"] = w.w1.email
    before = session.scalar(select(func.count()).select_from(User))
    r = login_as(w.admin).post("/admin/brugere", data=form)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_deactivate_and_reactivate(w, login_as, session):
    client = login_as(w.admin)
    client.post(f"/admin/brugere/{w.w1.id}/deaktiver")
    assert session.get(User, w.w1.id).active is False
    assert login_as(w.w1).get("/borgere").status_code == 302  # logged out
    client.post(f"/admin/brugere/{w.w1.id}/aktiver")
    assert session.get(User, w.w1.id).active is True
    page = client.post(f"/admin/brugere/{w.admin.id}/deaktiver", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Du kan ikke deaktivere dig selv." in page


def test_the_login_settings_sit_in_the_page_not_its_title(w, login_as):
    page = login_as(w.admin).get("/admin").text
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<form" not in title and "Administration" in title
    body = page[page.index("<main") :]
    assert body.count('id="login"') == 1 and "Kræv to-faktor-login" in body


def test_the_login_settings_and_reset_are_the_administrators_alone(w, login_as, client, session):
    urls = ["/admin/indstillinger", f"/admin/brugere/{w.w1.id}/nulstil-tofaktor"]
    for role in ("w1", "leader", "authority", "borger"):
        for url in urls:
            assert login_as(getattr(w, role)).post(url, data={}).status_code == 403, (role, url)
    for url in [*urls, "/konto/log-ud-overalt"]:
        r = client.post(url, data={})
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
    assert (
        login_as(w.admin).post(f"/admin/brugere/{w.borger.id}/nulstil-tofaktor").status_code == 404
    )
