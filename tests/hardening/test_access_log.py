"""The access log proves who saw what: a refused guess is no read, list pages and the export
are reads of many citizens (issue 24)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from bostotte.audit.models import AccessLog
from bostotte.audit.services import PER_PAGE, log_access, log_accesses
from tests import factories as make
from tests.conftest import without_csrf


@pytest.fixture()
def w(w, session):
    return make.with_goal(session, w)


def _rows(session):
    return [
        (r.actor_id, r.citizen_id, r.what)
        for r in session.scalars(select(AccessLog).order_by(AccessLog.id))
    ]


def test_a_guessed_sub_object_id_answers_404_and_logs_no_read(w, login_as, session):
    other_goal = make.goal(session, w.w2, w.c2.active_plan)
    other_plan = w.c2.active_plan
    session.commit()
    client = login_as(w.w1)
    # her own citizen, another citizen's (or no) goal, plan, scoring: nothing of c1 was read
    for url in (
        f"/borgere/{w.c1.id}/maal/{other_goal.id}/historik",
        f"/borgere/{w.c1.id}/maal/999999/historik",
        f"/borgere/{w.c1.id}/scoringer/999999",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/borgere/{w.c1.id}/plan/{other_plan.id}/afslut").status_code == 404
    assert _rows(session) == []

    # the whole path resolved: one read
    assert client.get(f"/borgere/{w.c1.id}/maal/{w.g1.id}/historik").status_code == 200
    assert [(a, c) for a, c, _ in _rows(session)] == [(w.w1.id, w.c1.id)]


def test_the_citizen_list_logs_the_citizens_it_shows_in_one_statement(
    w, login_as, session, count_queries
):
    client = login_as(w.w1)
    with count_queries() as statements:
        assert client.get("/borgere").status_code == 200
    assert _rows(session) == [(w.w1.id, w.c1.id, "borgerliste")]
    assert sum(s.lstrip().upper().startswith("INSERT INTO ACCESS_LOG") for s in statements) == 1
    # a list that shows nobody writes nothing
    assert client.get("/borgere?q=findes-ikke").status_code == 200
    assert len(_rows(session)) == 1


def test_the_export_logs_every_citizen_as_the_systems_read(app, w, session, tmp_path):
    result = app.test_cli_runner().invoke(args=["bostotte", "export", str(tmp_path / "ud")])
    assert result.exit_code == 0, result.output
    rows = session.scalars(select(AccessLog).order_by(AccessLog.citizen_id)).all()
    assert [(r.citizen_id, r.actor_id, r.actor_role) for r in rows] == [
        (w.c1.id, None, "system"),
        (w.c2.id, None, "system"),
    ]
    assert rows[0].what.startswith("eksport") and rows[0].path == str((tmp_path / "ud").resolve())


def _logged(session, actor, citizen, n, what="borgerside"):
    for i in range(n):
        log_access(session, actor, citizen.id, f"{what} {i}", f"/borgere/{citizen.id}")
    session.commit()


def test_the_citizen_sees_her_whole_log_a_page_at_a_time(w, login_as, session):
    _logged(session, w.w1, w.c1, PER_PAGE * 2 + 10)  # more than the 200 once shown, in pages
    session.execute(update(AccessLog).values(at=datetime(2026, 1, 1, tzinfo=UTC)))
    log_accesses(session, None, [w.c1.id], "eksport af alle data", "/srv/ud")  # newest
    session.commit()
    client = login_as(w.borger)

    first = client.get("/mig/hvem-har-set").get_data(as_text=True)
    assert "Kommunens it-drift" in first and "Eksport af alle data" in first
    assert f"{PER_PAGE * 2 + 11} gange i alt" in first and "Side 1 af 3" in first
    assert first.count('data-title="Hvem"') == PER_PAGE

    last = client.get("/mig/hvem-har-set?side=3").get_data(as_text=True)
    assert last.count('data-title="Hvem"') == 11
    assert "Borgerside 0<" in last and "Borgerside 0<" not in first  # the oldest, at the end
    # a page beyond the last, or not a number: a page, never an error
    beyond = client.get("/mig/hvem-har-set?side=99999999999").get_data(as_text=True)
    assert without_csrf(beyond) == without_csrf(last)
    assert client.get("/mig/hvem-har-set?side=x").status_code == 200
    # her own reading of the page is left out of it
    assert ">Hvem har set mine oplysninger</td>" not in first + last


# ------------------------------------------------------------- the administrator's viewer


def test_the_administrator_filters_the_log_and_her_reading_is_logged(w, login_as, session):
    log_access(session, w.w1, w.c1.id, "borgerside", f"/borgere/{w.c1.id}")
    log_access(session, w.w2, w.c2.id, "borgerside", f"/borgere/{w.c2.id}")
    log_access(session, w.borger, w.c1.id, "mine mål", "/mig")
    session.commit()
    session.execute(
        update(AccessLog)
        .where(AccessLog.actor_id == w.w2.id)
        .values(at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    )
    session.commit()
    admin = login_as(w.admin)

    page = admin.get(f"/admin/adgangslog?borger={w.c1.id}").get_data(as_text=True)
    assert "2 opslag" in page and "Borgeren selv" in page
    assert w.c1.display_name not in page  # the administrator reads no citizen record
    page = admin.get(f"/admin/adgangslog?bruger={w.w1.id}").get_data(as_text=True)
    assert "1 opslag" in page and w.w1.name in page and w.w2.name not in page
    page = admin.get("/admin/adgangslog?fra=2026-03-01&til=1-3-2026").get_data(as_text=True)
    assert "1 opslag" in page and w.w2.name in page

    # each view wrote one row per citizen shown, as hers (the filters above: c1, c1, c2)
    mine = session.scalars(select(AccessLog).where(AccessLog.actor_id == w.admin.id)).all()
    assert sorted(r.citizen_id for r in mine) == sorted([w.c1.id, w.c1.id, w.c2.id])
    assert {r.actor_role for r in mine} == {"administrator"}


@pytest.mark.parametrize(
    "query",
    [
        "bruger=x",
        "borger=2147483648",
        "fra=2026-13-01",
        "fra=9999-12-31",
        "fra=2026-03-02&til=2026-03-01",
    ],
)
def test_a_bad_filter_is_a_danish_message_not_an_error(query, w, login_as, session):
    for url in (f"/admin/adgangslog?{query}", f"/admin/adgangslog/adgangslog.csv?{query}"):
        r = login_as(w.admin).get(url)
        assert r.status_code == 400 and "error-summary" in r.get_data(as_text=True), url
    assert session.scalars(select(AccessLog)).all() == []


def test_the_csv_holds_every_row_of_the_filter_with_formulas_quoted(w, login_as, session):
    for i in range(PER_PAGE + 5):  # more than a page
        log_access(session, w.w1, w.c1.id, f"borgerside {i}", "/borgere/1")
    log_access(session, w.w1, w.c2.id, '=HYPERLINK("http://x")', "/borgere/2")
    session.commit()
    r = login_as(w.admin).get(f"/admin/adgangslog/adgangslog.csv?bruger={w.w1.id}")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    lines = r.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Tidspunkt;Bruger-id;Bruger")
    assert len(lines) == 1 + PER_PAGE + 6
    assert any("'=HYPERLINK" in line for line in lines)
    assert not any(line.split(";")[5].startswith(("=", '"=')) for line in lines)
    logged = session.scalars(select(AccessLog).where(AccessLog.actor_id == w.admin.id)).all()
    assert sorted(r.citizen_id for r in logged) == sorted([w.c1.id, w.c2.id])


@pytest.mark.parametrize("who", ["w1", "leader", "authority", "borger"])
def test_only_the_administrator_opens_the_log(who, w, login_as):
    client = login_as(getattr(w, who))
    assert client.get("/admin/adgangslog").status_code == 403
    assert client.get("/admin/adgangslog/adgangslog.csv").status_code == 403


def test_anonymous_gets_the_login_page_for_the_log(client):
    for url in ("/admin/adgangslog", "/admin/adgangslog/adgangslog.csv"):
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_views_own_404_after_the_entry_point_keeps_no_read(w, login_as, session):
    # her record uses no REM: the entry point read her, then the view answered 404
    w.c1.uses_rem = False
    session.commit()
    client = login_as(w.w1)
    assert client.get(f"/borgere/{w.c1.id}/scoringer/REM/ny").status_code == 404
    # and a decline that is not hers, on the citizen's own pages (inside a form's savepoint)
    assert login_as(w.borger).post("/mig/nej-tak/999999/fortryd").status_code == 404
    assert _rows(session) == []
    # the same page of an instrument she uses is a read
    assert client.get(f"/borgere/{w.c1.id}/scoringer/ORS/ny").status_code == 200
    assert [(a, c) for a, c, _ in _rows(session)] == [(w.w1.id, w.c1.id)]
