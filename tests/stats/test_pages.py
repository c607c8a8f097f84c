"""/statistik, its CSV and its PDF: who may see them, what they show, what they hide."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bostotte.auth.models import Role
from bostotte.common.time import local_today
from bostotte.stats import report
from bostotte.stats.models import StatTarget
from bostotte.stats.queries import Period, Scope
from bostotte.stats.services import compute, set_target
from tests import factories as make
from tests.stats import bulk

YEAR = {"fra": "2026-01-01", "til": "2026-11-23"}
P = Period(date(2026, 1, 1), date(2026, 11, 23))


@pytest.fixture()
def w(w, session):
    """The leader leads Team Nord only. Team Nord: 10 women (improved) and 3 men (worse);
    Team Syd: 9 citizens (worse)."""
    bulk.add(session, bulk.Spec(w.t1.id, 10, w.w1.id, gender="k", status=2, name="Nordkvinde"))
    bulk.add(session, bulk.Spec(w.t1.id, 3, w.w1.id, gender="m", status=4, name="Nordmand"))
    bulk.add(session, bulk.Spec(w.t2.id, 9, w.w2.id, status=4, name="Sydborger"))
    return w


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def _table(html: bytes, anchor: str) -> str:
    page = html.decode()
    start = page.index(anchor)
    return page[start : page.index("</table>", start)]


def _row(table: str, label: str) -> list[str]:
    """The cells of the row whose header is `label`, as text."""
    row = re.search(r'<th scope="row">' + re.escape(label) + r"</th>(.*?)</tr>", table, re.S)
    assert row, f"no row {label}"
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


@pytest.mark.parametrize("who", ["w1", "borger", "authority", "admin"])
@pytest.mark.parametrize("path", ["/statistik", "/statistik/export.csv", "/statistik/rapport.pdf"])
def test_only_leaders_get_in(w, login_as, who, path):
    # myndighed reads the page and the CSV of the citizens she referred (tests/stats/
    # test_referred.py); the report to the socialudvalg is the leader's
    refused = who != "authority" or path.endswith(".pdf")
    assert (login_as(getattr(w, who)).get(path).status_code == 403) == refused


def test_anonymous_is_sent_to_login(w, client):
    response = client.get("/statistik")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_leader_sees_her_own_teams_only(w, login_as):
    leader = login_as(w.leader)
    response = leader.get("/statistik", query_string=YEAR)
    assert response.status_code == 200
    text = _text(response.data)
    total = _row(_table(response.data, 'id="fko-heading"'), "Alle temaer")
    assert total[-1] == "13"  # Team Nord's 13 goals, not Syd's 9
    assert "Team Syd" not in text
    assert f'<option value="{w.t2.id}"' not in response.data.decode()
    # another team in the URL is refused, for the page and for the files
    for path in ("/statistik", "/statistik/export.csv", "/statistik/rapport.pdf"):
        assert leader.get(path, query_string={"team": w.t2.id}).status_code == 403
    assert leader.get("/statistik", query_string={"team": w.t1.id}).status_code == 200


def test_no_citizen_is_named(w, login_as, session):
    leader = login_as(w.leader)
    names = [w.c1.display_name, "Nordkvinde", "Nordmand"]
    page = leader.get("/statistik", query_string=YEAR).data.decode()
    csv_text = leader.get("/statistik/export.csv", query_string=YEAR).data.decode("utf-8-sig")
    for name in names:
        assert name not in page and name not in csv_text


def test_default_period_is_the_year_so_far(w, login_as):

    today = local_today()
    page = login_as(w.leader).get("/statistik").data.decode()
    assert f'value="{today.year}-01-01"' in page and f'value="{today.isoformat()}"' in page


@pytest.mark.parametrize(
    "args, message",
    [
        ({"fra": "2026-13-01"}, "Skriv en gyldig dato"),
        ({"fra": "2026-06-01", "til": "2026-01-01"}, "Slutdatoen ligger før startdatoen."),
        ({"til": "1066-10-14"}, "Vælg en dato mellem 2000 og 2100."),
        ({"tema": "golf"}, "Vælg en af mulighederne."),
        ({"team": "nord"}, "Skriv et helt tal."),
    ],
)
def test_bad_filters_get_a_danish_message(w, login_as, args, message):
    response = login_as(w.leader).get("/statistik", query_string=args)
    assert response.status_code == 400
    assert message in response.data.decode()
    assert "Der er fejl i formularen" in response.data.decode()


def test_suppression_holds_on_every_breakdown(w, login_as):
    """3 men (n < 5) beside 10 women: both hidden, the women so nobody subtracts, and
    their cells say so rather than "<5", which would be untrue of 10."""
    html = login_as(w.leader).get("/statistik", query_string=YEAR).data
    gender = _table(html, 'id="opdeling-gender"')
    for label, share, n in (("Mand", "&lt;5", "&lt;5"), ("Kvinde", "skjult", report.COMPLEMENTARY)):
        cells = _row(gender, label)
        assert (cells[0], cells[1]) == (share, n)
        assert not any(re.search(r"\d", c.replace("&lt;5", "")) for c in cells[:2])
    # one team only: its row is the total, so nothing is hidden there
    team = _row(_table(html, 'id="opdeling-team"'), "Team Nord")
    assert team[1] == "13"
    for by in ("method", "age", "legal_basis"):
        table = _table(html, f'id="opdeling-{by}"')
        for cells in re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S):
            values = [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
            ]
            n = values[1]
            assert n in ("&lt;5", report.COMPLEMENTARY) or int(n) >= 5


def test_the_min_cell_setting_decides_what_is_hidden(w, app, login_as, monkeypatch):
    """BOSTOTTE_MIN_CELL decides which cells the page and the CSV hide, and what they say."""
    leader = login_as(w.leader)
    monkeypatch.setitem(app.config, "BOSTOTTE_MIN_CELL", 3)
    html = leader.get("/statistik", query_string=YEAR).data
    gender = _table(html, 'id="opdeling-gender"')
    assert _row(gender, "Mand")[1] == "3" and _row(gender, "Kvinde")[1] == "10"
    assert "færre end 3 mål eller borgere vises som &lt;3" in _text(html)
    csv_rows = _csv(leader.get("/statistik/export.csv", query_string=YEAR))
    men = next(
        r
        for r in csv_rows
        if r[0] == "FKO mestring" and r[3] == "Køn" and r[4] == "Mand" and r[5] == "I alt"
    )
    assert men[6] == "3"

    monkeypatch.setitem(app.config, "BOSTOTTE_MIN_CELL", 14)
    html = leader.get("/statistik", query_string=YEAR).data
    assert _row(_table(html, 'id="fko-heading"'), "Alle temaer")[-1] == "&lt;14"
    csv_rows = _csv(leader.get("/statistik/export.csv", query_string=YEAR))
    total = next(
        r for r in csv_rows if r[0] == "FKO mestring" and r[3] == "I alt" and r[5] == "I alt"
    )
    assert total[6] == "<14" and all(c == "" for c in total[7:])


def _csv(response) -> list[list[str]]:
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_csv_opens_in_danish_excel_with_the_expected_columns(w, login_as):
    response = login_as(w.leader).get("/statistik/export.csv", query_string=YEAR)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        'filename="statistik-2026-01-01-2026-11-23.csv"'
        in (response.headers["Content-Disposition"])
    )
    rows = _csv(response)
    assert rows[0] == [label for _, label in report.CSV_FIELDS]
    assert rows[0][:7] == [
        "Måling",
        "Periode fra",
        "Periode til",
        "Opdeling",
        "Gruppe",
        "Tema eller indikator",
        "Antal (n)",
    ]
    total = next(r for r in rows if r[0] == "FKO mestring" and r[3] == "I alt" and r[5] == "I alt")
    assert total[1:3] == ["01-01-2026", "23-11-2026"]
    assert total[6] == "13"
    assert total[7] == "0,7692"  # 10 of 13, decimal comma
    ors = next(r for r in rows if r[0] == "ORS" and r[3] == "I alt")
    assert ors[14:17] == ["20", "26,9231", "6,9231"]  # first 20; latest 350 / 13
    # suppressed cells: "<5" and no other number, on every breakdown row
    men = [r for r in rows if r[3] == "Køn" and r[4] == "Mand" and r[0] != "REM"]
    # (documentation counts due scorings, not citizens: 3 men have 12, shown)
    assert [r[0] for r in men if r[6] != "<5"] == ["Dokumentation til tiden"]
    women = [r for r in rows if r[3] == "Køn" and r[4] == "Kvinde" and r[0] == "FKO mestring"]
    assert women[0][6] == report.COMPLEMENTARY  # 10 women, hidden beside 3 men
    assert all(all(c == "" for c in r[7:]) for r in men if r[6] == "<5")
    for r in rows[1:]:
        if r[6] in ("<5", report.COMPLEMENTARY):
            assert all(c == "" for c in r[7:]), r
        elif r[6]:
            assert int(r[6]) >= 5, r


def _pdf_text(response) -> str:
    assert response.data.startswith(b"%PDF")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)


def test_pdf_report_to_the_socialudvalg(w, login_as, session):

    set_target(session, "mestring", Period(date(2026, 1, 1), date(2026, 12, 31)), 0.63)
    session.commit()
    leader = login_as(w.leader)
    response = leader.get("/statistik/rapport.pdf", query_string={**YEAR, "type": "endelig"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response)
    assert "Afsluttende status til socialudvalget" in text
    assert "Mål og resultater" in text and "Udgangspunkt" in text
    assert "63 %".replace(" ", "\u00a0") in text or "63 %" in text
    assert "Sådan er tallene lavet" in text and "Små tal" in text
    assert "Team Nord" in text and "Team Syd" not in text
    assert "Nordkvinde" not in text and w.c1.display_name not in text
    midway = leader.get("/statistik/rapport.pdf", query_string=YEAR)
    assert "Midtvejsstatus til socialudvalget" in _pdf_text(midway)
    # the gender breakdown's hidden cells are "<5" in the PDF too (the women's, hidden to
    # protect the men's, say why), with no number beside; the midtvejsstatus counts these
    # goals under way (the afsluttende status has none: no plan ended)
    text = _pdf_text(midway)
    men = next(line for line in text.splitlines() if line.startswith("Mand "))
    assert men.split()[1:3] == ["<5", "<5"]
    women = text[text.index("\nKvinde ") :].split("\nMand ")[0]
    protects = f"skjult {report.COMPLEMENTARY}"
    assert " ".join(women.split()).startswith(f"Kvinde {protects} {protects}")


def test_no_staff_name_leaves_the_organisation(w, login_as):
    """Documentation on time per worker is on the leader's page, never in the CSV or the
    socialudvalg's PDF."""
    leader = login_as(w.leader)
    page = leader.get("/statistik", query_string=YEAR).data.decode()
    assert "Pr. medarbejder" in page and w.w1.name in page
    body = leader.get("/statistik/export.csv", query_string=YEAR).data.decode("utf-8-sig")
    assert w.w1.name not in body and "Medarbejder" not in body
    for kind in ("endelig", "midtvejs"):
        pdf = leader.get("/statistik/rapport.pdf", query_string={**YEAR, "type": kind})
        text = _pdf_text(pdf)
        assert "Dokumentation til tiden" in text
        assert w.w1.name not in text and "Pr. medarbejder" not in text


def test_leader_sets_a_target(w, login_as, session):
    leader = login_as(w.leader)
    page = leader.get("/statistik", query_string=YEAR).data.decode()
    assert 'name="csrf_token"' in page or "csrf_token" in page  # the form carries its token
    response = leader.post(
        "/statistik/maal",
        query_string=YEAR,
        data={
            "maal_tema": "mestring",
            "andel": "63,5 %",
            "maal_fra": "2026-01-01",
            "maal_til": "2026-12-31",
        },
    )
    assert response.status_code == 302
    assert "fra=2026-01-01" in response.headers["Location"]
    target = session.scalars(select(StatTarget)).one()
    assert (target.theme, target.share, target.set_by_id) == ("mestring", 0.635, w.leader.id)
    html = leader.get(response.headers["Location"]).data
    assert _row(_table(html, 'id="fko-heading"'), "Mestring af eget liv")[3] == "64\u00a0%"


@pytest.mark.parametrize(
    "form, field, message",
    [
        ({"andel": "mange"}, "andel", "Skriv målet som en procent mellem 0 og 100, fx 63."),
        ({"andel": "120"}, "andel", "Skriv målet som en procent mellem 0 og 100, fx 63."),
        ({"maal_tema": ""}, "maal_tema", "Udfyld feltet."),
        ({"maal_til": "2025-01-01"}, "maal_til", "Slutdatoen ligger før startdatoen."),
    ],
)
def test_a_bad_target_is_refused_and_nothing_is_lost(w, login_as, session, form, field, message):
    data = {
        "maal_tema": "sundhed",
        "andel": "48",
        "maal_fra": "2026-01-01",
        "maal_til": "2026-12-31",
        **form,
    }
    response = login_as(w.leader).post("/statistik/maal", query_string=YEAR, data=data)
    assert response.status_code == 400
    html = response.data.decode()
    assert message in html and f'id="f-{field}-error"' in html
    for value in data.values():
        if value:
            assert f'value="{value}"' in html or f'value="{value}" selected' in html
    assert session.scalars(select(StatTarget)).all() == []


def test_page_queries_are_bounded_on_40_and_4000_citizens(w, login_as, count_queries, session):
    leader = login_as(w.leader)
    bulk.add(session, bulk.Spec(w.t1.id, 40 - 13, w.w1.id))
    with count_queries() as small:
        assert leader.get("/statistik", query_string=YEAR).status_code == 200
    bulk.add(session, bulk.Spec(w.t1.id, 4000 - 40, w.w1.id))
    with count_queries() as large:
        response = leader.get("/statistik", query_string=YEAR)
    assert response.status_code == 200
    assert _row(_table(response.data, 'id="fko-heading"'), "Alle temaer")[-1] == "4000"
    # the same page, numbers from the engine: Team Nord's goals, all of them
    assert (
        compute(session, P, today=date(2026, 11, 23), scope=Scope((w.t1.id,)))["fko"]["total"]["n"]
        == 4000
    )
    assert len(large) == len(small) <= 40


def test_theme_filter_shows_that_theme_only(w, login_as):
    leader = login_as(w.leader)
    html = leader.get("/statistik", query_string={**YEAR, "tema": "sundhed"}).data
    table = _table(html, 'id="fko-heading"')
    assert re.findall(r'<th scope="row">(.*?)</th>', table) == ["Alle temaer", "Sundhed"]
    # 13 Nord citizens with one goal each, themes in turn: 3 of them are sundhed (< 5)
    assert _row(table, "Sundhed")[-1] == "&lt;5"
    vum = leader.get("/statistik", query_string={**YEAR, "tema": "vum_sundhed"})
    assert vum.status_code == 200 and "Sundhed (VUM)" in vum.data.decode()


def test_a_leader_without_a_team_is_told_so(session, login_as):

    alone = make.user(session, Role.LEADER, [])
    session.commit()
    page = login_as(alone).get("/statistik")
    assert page.status_code == 200
    assert "Du er ikke leder for et team endnu" in page.data.decode()
