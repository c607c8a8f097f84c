"""The citizen's own pages: her ORS/SRS, comments, "no, thank you", who has seen her record,
and that she only ever sees herself."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from bostotte.audit.models import AccessLog
from bostotte.portal.models import ScoringComment, ScoringDecline
from bostotte.scoring.models import Scoring
from tests import factories as make

GOOD_ORS = {"individuelt": "7,5", "interpersonelt": "6", "socialt": "5.5", "generelt": "8"}


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def latest(session, citizen_id: int, instrument: str) -> Scoring | None:  # type: ignore[no-untyped-def]
    return session.scalar(
        select(Scoring)
        .where(Scoring.citizen_id == citizen_id, Scoring.instrument == instrument)
        .order_by(Scoring.id.desc())
        .limit(1)
    )


def test_mine_maal_shows_goals_steps_focus_and_how_each_measure_works(w, login_as):
    page = text(login_as(w.borger).get("/mig"))
    assert w.g1.specific in page and "Målbart for en" in page
    assert "Skridt for en" in page and "i gang" in page
    # what she has reached, and the next meeting's focus (her open delmål)
    reached = page.split('id="naaet"')[1].split('id="naeste-moede"')[0]
    assert "Klaret skridt for en" in reached and "Skridt for en" not in reached.replace(
        "Klaret skridt for en", ""
    )
    focus = page.split('id="naeste-moede"')[1].split('id="maalinger"')[0]
    assert "Skridt for en" in focus and "Klaret skridt" not in focus
    assert "Din seneste ORS er <strong>26 af 40</strong> fra 3. mar. 2026." in page
    assert "ORS viser, hvordan du har det." in page and "Lavere er bedre." in page
    assert "Arbejdsnote" not in page and "Note om en" not in page  # staff notes stay staff's
    assert "Før mødet: Hvordan har du det?" in page and "Efter mødet: Hvordan var mødet?" in page


def test_self_filled_ors_is_stored_as_self_filled_and_the_worker_sees_it(w, login_as, session):
    citizen = login_as(w.borger)
    form = text(citizen.get("/mig/udfyld/ORS"))
    assert 'type="range"' in form and 'inputmode="decimal"' in form and " hidden>" in form
    for item in GOOD_ORS:
        assert (
            f'<label class="form-label portal-scale__label" id="f-{item}-label" '
            f'for="f-{item}">' in form
        )
    r = citizen.post("/mig/udfyld/ORS", data={**GOOD_ORS, "citizen_comment": "Det går bedre"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/mig#maalinger")
    s = latest(session, w.c1.id, "ORS")
    assert s is not None and s.participation == "citizen_self"
    assert s.scored_by_id == w.borger.id and s.citizen_comment == "Det går bedre"
    assert (
        s.values == {"individuelt": 7.5, "interpersonelt": 6.0, "socialt": 5.5, "generelt": 8.0}
        and s.total == 27.0
    )
    worker_page = text(login_as(w.w1).get(f"/borgere/{w.c1.id}"))
    ors_block = worker_page.split('id="instrument-ORS"')[1].split('id="instrument-SRS"')[0]
    assert "<strong>Seneste: 27</strong>" in ors_block
    assert "borgeren udfyldte selv" in ors_block


def test_self_filled_srs_after_the_meeting(w, login_as, session):
    r = login_as(w.borger).post(
        "/mig/udfyld/SRS",
        data=dict(
            zip(
                ("relation", "maal_og_emner", "tilgang", "generelt"),
                ("9", "8,5", "10", "9"),
                strict=True,
            )
        ),
    )
    assert r.status_code == 302
    s = latest(session, w.c1.id, "SRS")
    assert s is not None and s.participation == "citizen_self" and s.total == 36.5


def test_bad_values_are_explained_next_to_each_field_and_nothing_is_lost(w, login_as, session):
    before = session.scalar(select(Scoring.id).order_by(Scoring.id.desc()).limit(1))
    data = {
        "individuelt": "11",
        "interpersonelt": "sej",
        "socialt": "7,55",
        "generelt": "",
        "citizen_comment": "Min tekst",
    }
    r = login_as(w.borger).post("/mig/udfyld/ORS", data=data)
    page = text(r)
    assert r.status_code == 400
    errors = dict(
        re.findall(r'id="f-(\w+)-error"><span class="sr-only">Fejl: </span>([^<]+)', page)
    )
    assert errors == {
        "individuelt": "Værdien skal være mellem 0 og 10.",
        "interpersonelt": "Skriv et tal, fx 7,5.",
        "socialt": "Brug højst én decimal, fx 7,5.",
        "generelt": "Du har ikke valgt et tal endnu.",  # her words for an empty item
    }
    assert 'value="11"' in page and 'value="sej"' in page and 'value="7,55"' in page
    assert "Min tekst" in page and "Der er fejl i formularen" in page
    assert session.scalar(select(Scoring.id).order_by(Scoring.id.desc()).limit(1)) == before


def test_only_her_own_self_filled_instruments(w, login_as, session):
    citizen = login_as(w.borger)
    for instrument in ("REM", "FKO", "XYZ", "x" * 300):
        assert citizen.get(f"/mig/udfyld/{instrument}").status_code == 404
    w.c1.uses_fit = False
    session.commit()
    assert citizen.get("/mig/udfyld/ORS").status_code == 404
    assert "Før mødet" not in text(citizen.get("/mig"))


def test_she_comments_on_a_scoring_and_the_worker_sees_it(w, login_as, session):
    scoring = latest(session, w.c1.id, "ORS")
    assert scoring is not None
    citizen = login_as(w.borger)
    listing = text(citizen.get("/mig/maalinger"))
    assert f"/mig/maalinger/{scoring.id}" in listing
    r = citizen.post(f"/mig/maalinger/{scoring.id}", data={"text": "Jeg synes, det var 7"})
    assert r.status_code == 302
    [comment] = session.scalars(select(ScoringComment)).all()
    assert (comment.scoring_id, comment.citizen_id, comment.author_id, comment.text) == (
        scoring.id,
        w.c1.id,
        w.borger.id,
        "Jeg synes, det var 7",
    )
    assert scoring.version == 1  # a comment is not an edit of the scoring
    assert "Jeg synes, det var 7" in text(citizen.get(f"/mig/maalinger/{scoring.id}"))
    worker = login_as(w.w1)
    page = text(worker.get(f"/borgere/{w.c1.id}"))
    assert "Fra borgeren (Mine mål)" in page and "«Jeg synes, det var 7»" in page
    scoring_page = text(worker.get(f"/borgere/{w.c1.id}/scoringer/{scoring.id}"))
    assert "Borgerens kommentarer bagefter" in scoring_page
    assert "Jeg synes, det var 7" in scoring_page


def test_an_empty_comment_is_explained(w, login_as, session):
    scoring = latest(session, w.c1.id, "ORS")
    r = login_as(w.borger).post(f"/mig/maalinger/{scoring.id}", data={"text": "  "})
    assert r.status_code == 400 and "Skriv din kommentar." in text(r)
    assert 'id="f-text-error"' in text(r)
    r = login_as(w.borger).post(f"/mig/maalinger/{scoring.id}", data={"text": "x" * 2001})
    assert r.status_code == 400 and "højst 2000 tegn" in text(r)
    assert session.scalar(select(ScoringComment)) is None


def test_she_says_no_thank_you_and_can_take_it_back(w, login_as, session):
    citizen, worker = login_as(w.borger), login_as(w.w1)
    r = citizen.post("/mig/nej-tak", data={"instrument": "ORS", "reason": "Det er for meget"})
    assert r.status_code == 302
    page = text(worker.get(f"/borgere/{w.c1.id}"))
    assert "Borgeren ønsker ikke at blive scoret: ORS – trivsel" in page
    assert "«Det er for meget»" in page
    mine = text(citizen.get("/mig"))
    assert "Du har sagt nej tak til at blive målt på: Sådan har du det (ORS)" in mine
    again = citizen.post("/mig/nej-tak", data={"instrument": "ORS"})
    assert again.status_code == 400 and "allerede sagt nej tak til den måling" in text(again)
    assert citizen.post("/mig/nej-tak", data={"instrument": "alle"}).status_code == 302
    r = citizen.post("/mig/nej-tak", data={"instrument": "REM"})
    assert r.status_code == 400 and "allerede sagt nej tak til alle målinger" in text(r)
    bad = citizen.post("/mig/nej-tak", data={"instrument": "DROP TABLE"})
    assert bad.status_code == 400 and "Vælg en af mulighederne." in text(bad)

    declines = session.scalars(select(ScoringDecline).order_by(ScoringDecline.id)).all()
    assert [(d.instrument, d.author_id) for d in declines] == [
        ("ORS", w.borger.id),
        (None, w.borger.id),
    ]
    for d in declines:
        assert citizen.post(f"/mig/nej-tak/{d.id}/fortryd").status_code == 302
    session.expire_all()
    assert all(d.withdrawn_at is not None for d in declines)
    twice = citizen.post(f"/mig/nej-tak/{declines[0].id}/fortryd", follow_redirects=True)
    assert "Det nej tak findes ikke længere." in text(twice)  # a second click: no error page
    assert "ønsker ikke at blive scoret" not in text(worker.get(f"/borgere/{w.c1.id}"))


def test_who_has_seen_my_record(w, login_as):
    login_as(w.w1).get(f"/borgere/{w.c1.id}")
    login_as(w.w2).get(f"/borgere/{w.c2.id}")  # another citizen's record
    login_as(w.w2).get(f"/borgere/{w.c1.id}")  # refused, so not a read
    citizen = login_as(w.borger)
    citizen.get("/mig")
    page = text(citizen.get("/mig/hvem-har-set"))
    rows = re.findall(
        r"<tr>\s*<td data-title=\"Hvornår\">(.*?)</td>\s*<td data-title=\"Hvem\">"
        r"(.*?)</td>\s*<td data-title=\"Rolle\">(.*?)</td>\s*"
        r"<td data-title=\"Team\">(.*?)</td>\s*<td data-title=\"Hvad\">(.*?)</td>",
        page,
    )
    assert [r[1:] for r in rows] == [(w.w1.name, "Mestringsvejleder", "Team Nord", "Din side")]
    assert rows[0][0].endswith(tuple("0123456789")) and " kl. " in rows[0][0]
    assert w.w2.name not in page and w.c2.display_name not in page


def test_every_portal_page_is_access_logged(w, login_as, session):
    scoring = latest(session, w.c1.id, "ORS")
    citizen = login_as(w.borger)
    urls = [
        "/mig",
        "/mig/udfyld/ORS",
        "/mig/maalinger",
        f"/mig/maalinger/{scoring.id}",
        "/mig/nej-tak",
        "/mig/mine-data",
        "/mig/mine-data.json",
        "/mig/hvem-har-set",
    ]
    for url in urls:
        assert citizen.get(url).status_code == 200, url
    rows = session.scalars(select(AccessLog).order_by(AccessLog.id)).all()
    assert [(r.path, r.actor_id, r.citizen_id) for r in rows] == [
        (url, w.borger.id, w.c1.id) for url in urls
    ]


def test_she_sees_only_herself(w, login_as, session):
    other_scoring = latest(session, w.c2.id, "ORS")
    other_decline = ScoringDecline(citizen_id=w.c2.id, instrument="ORS")
    session.add(other_decline)
    session.commit()
    citizen = login_as(w.borger)
    # guessed URLs with the other citizen's ids
    assert citizen.get(f"/mig/maalinger/{other_scoring.id}").status_code == 404
    r = citizen.post(f"/mig/maalinger/{other_scoring.id}", data={"text": "hej"})
    assert r.status_code == 404
    assert session.scalar(select(ScoringComment)) is None
    # 404, as every record not hers (it was a redirect with "findes ikke længere" before)
    assert citizen.post(f"/mig/nej-tak/{other_decline.id}/fortryd").status_code == 404
    session.refresh(other_decline)
    assert other_decline.withdrawn_at is None
    for url in (
        f"/borgere/{w.c2.id}",
        f"/borgere/{w.c1.id}",
        f"/borgere/{w.c2.id}/scoringer/{other_scoring.id}",
        f"/borgere/{w.c1.id}/invitation",
        "/borgere",
        "/opgaver",
        "/admin",
    ):
        assert citizen.get(url).status_code in (403, 404), url
    assert citizen.get(f"/mig?citizen_id={w.c2.id}").status_code == 200
    for url in (
        "/mig",
        f"/mig?citizen_id={w.c2.id}",
        "/mig/maalinger",
        "/mig/nej-tak",
        "/mig/hvem-har-set",
        "/mig/mine-data.json",
        "/mig/udfyld/ORS",
    ):
        page = text(citizen.get(url))
        for leak in (w.c2.display_name, "Mål for to", "Skridt for to", "Note om to"):
            assert leak not in page, (url, leak)


@pytest.mark.parametrize("role", ["w1", "leader", "authority", "admin"])
def test_staff_have_no_mig_pages(w, login_as, role):
    client = login_as(getattr(w, role))
    for url in (
        "/mig",
        "/mig/udfyld/ORS",
        "/mig/maalinger",
        "/mig/nej-tak",
        "/mig/mine-data.json",
        "/mig/mine-data.pdf",
        "/mig/hvem-har-set",
    ):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client):
    for url in ("/mig", "/mig/mine-data.json", "/mig/hvem-har-set"):
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_citizen_login_without_a_citizen_gets_404(w, login_as, session):
    lonely = make.user(session, "borger", citizen_id=make.citizen(session, w.t1).id)
    lonely.citizen_id = None  # a citizen login unlinked by hand
    session.commit()
    assert login_as(lonely).get("/mig").status_code == 404


def test_her_own_scores_are_drawn_with_the_others(w, login_as, session):
    make.score(session, w.borger, w.c1, "ORS", date(2026, 4, 1), make.items("ORS", 9, 9, 9, 9))
    session.commit()
    page = text(login_as(w.borger).get("/mig"))
    assert "Din seneste ORS er <strong>36 af 40</strong> fra 1. apr. 2026." in page
