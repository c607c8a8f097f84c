"""The resultatdokumentation for theme 3 (/tilsyn/resultatdokumentation and its PDF): the
instruments in use, documentation on time, FKO mastery with N and targets from the
statistics, the leader's text per period and team set, and who may see and edit it."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape

import pypdf
import pytest
from sqlalchemy import func, select

from bostotte.auth.models import Role
from bostotte.common.time import local_today
from bostotte.stats.queries import Period, Scope
from bostotte.stats.services import compute, set_target
from bostotte.tilsyn.models import ResultText
from tests import factories as make
from tests.stats import bulk
from tests.tilsyn.test_visits import pitstop_visit

URL = "/tilsyn/resultatdokumentation"
Y2026 = Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture()
def w(w, session):
    """Team Nord (the leader's): 10 citizens improved and 3 worse in 2026 (goals of the theme
    Mestring), each with an FKO status and an ORS in 2026 (baseline and first ORS in 2025);
    Team Syd: 9 more."""
    nord = {"team_id": w.t1.id, "worker_id": w.w1.id, "theme": "mestring"}
    bulk.add(session, bulk.Spec(count=10, status=2, name="Nordkvinde", **nord))
    bulk.add(session, bulk.Spec(count=3, status=4, name="Nordmand", **nord))
    bulk.add(session, bulk.Spec(w.t2.id, 9, w.w2.id, status=4, name="Sydborger"))
    return w


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def _row(html: bytes, table_id: str, label: str) -> list[str]:
    page = html.decode()
    start = page.index(f'id="{table_id}"')
    table = page[start : page.index("</table>", start)]
    row = re.search(r'<th scope="row"[^>]*>' + re.escape(label) + r"(.*?)</tr>", table, re.S)
    assert row, f"no row {label}"
    return [
        unescape(re.sub(r"<[^>]+>", "", c).strip())
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


def _pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join((p.extract_text() or "") for p in reader.pages).replace("\n", " ")


def _version(html: bytes) -> str:
    found = re.search(r'name="version" value="(\d*)"', html.decode())
    assert found
    return found.group(1)


def test_the_page_shows_the_instruments_documentation_and_mastery(session, w, login_as):
    set_target(session, "mestring", Y2026, 0.7)
    session.commit()
    response = login_as(w.leader).get(URL, query_string={"aar": "2026"})
    assert response.status_code == 200
    html = response.data
    text = _text(html)
    assert "Periode: 01.01.2026–31.12.2026 · Team Nord" in text
    # Team Nord's 13 citizens only (Team Syd's 9 are another leader's): one FKO status and
    # one ORS each in 2026; no SRS or REM.
    assert _row(html, "redskaber", "FKO") == ["13", "13"]
    assert _row(html, "redskaber", "ORS") == ["13", "13"]
    assert _row(html, "redskaber", "SRS") == ["0", "0"]
    assert _row(html, "redskaber", "REM") == ["0", "0"]
    # The statistics' own cells: 10 of 13 goals improved.
    stats = compute(session, Y2026, today=date(2026, 12, 31), scope=Scope((w.t1.id,)))
    assert stats["fko"]["total"]["n"] == 13
    assert _row(html, "mestring", "I alt")[:2] == ["77\xa0%", "13"]
    mestring = stats["fko"]["by_theme"]["mestring"]
    assert (mestring["n"], mestring["target"]) == (13, 0.7)
    assert _row(html, "mestring", "Mestring") == ["77\xa0%", "13", "70\xa0%"]
    assert _row(html, "mestring", "Sundhed") == ["<5", "<5", "–"]  # no goals: hidden
    assert "Dokumentation til tiden" in text and "Til tiden:" in text
    assert "Sådan har vi brugt resultaterne" in text
    # No citizen is named anywhere on it.
    assert "Nordkvinde" not in text and "Nordmand" not in text and w.c1.display_name not in text


def test_one_team_of_several_and_small_cells(session, w, login_as, app, monkeypatch):
    both = make.user(session, Role.LEADER, [w.t1, w.t2])
    session.commit()
    client = login_as(both)
    html = client.get(URL, query_string={"aar": "2026"}).data
    assert _row(html, "redskaber", "FKO") == ["22", "22"]
    html = client.get(URL, query_string={"aar": "2026", "team": w.t2.id}).data
    assert _row(html, "redskaber", "FKO") == ["9", "9"]
    assert "Team Syd" in _text(html)
    monkeypatch.setitem(app.config, "BOSTOTTE_MIN_CELL", 10)
    html = client.get(URL, query_string={"aar": "2026", "team": w.t2.id}).data
    assert _row(html, "redskaber", "FKO") == ["<10", "<10"]
    assert _row(html, "mestring", "I alt")[:2] == ["<10", "<10"]


def test_period_by_dates_and_bad_periods(w, login_as):
    client = login_as(w.leader)
    html = client.get(URL, query_string={"fra": "2025-01-01", "til": "2025-06-30"}).data
    # the baseline FKOs (1 January 2025) and the first ORS (1 June 2025)
    assert _row(html, "redskaber", "FKO") == ["13", "13"]
    assert _row(html, "redskaber", "ORS") == ["13", "13"]
    response = client.get(URL, query_string={"fra": "2025-01-01"})
    assert response.status_code == 400
    assert "Udfyld både fra og til, eller vælg et år." in response.get_data(as_text=True)
    response = client.get(URL, query_string={"fra": "2025-06-01", "til": "2025-01-01"})
    assert response.status_code == 400
    assert "Slutdatoen ligger før startdatoen." in response.get_data(as_text=True)
    response = client.get(URL, query_string={"aar": "1800"})
    assert response.status_code == 400
    assert "Vælg et år mellem 2000 og 2100." in response.get_data(as_text=True)
    response = client.get(URL, query_string={"aar": "x"})
    assert response.status_code == 400 and "Skriv et helt tal." in response.get_data(as_text=True)


def test_the_default_period_is_this_calendar_year(w, login_as):
    year = local_today().year
    html = login_as(w.leader).get(URL).data
    assert f'<option value="{year}" selected' in html.decode()
    assert f"Periode: 01.01.{year}–31.12.{year}" in _text(html)


def test_two_periods_keep_two_texts(session, w, login_as):
    client = login_as(w.leader)
    for year, words in (("2025", "Vi drøftede FKO på teammøder."), ("2026", "Vi ændrede REM.")):
        page = client.get(URL, query_string={"aar": year}).data
        assert _version(page) == "0"
        response = client.post(
            URL, query_string={"aar": year}, data={"tekst": words, "version": "0"}
        )
        assert response.status_code == 302
        assert "aar=" + year in response.headers["Location"]
    assert session.scalar(select(func.count()).select_from(ResultText)) == 2
    page2025 = client.get(URL, query_string={"aar": "2025"}).get_data(as_text=True)
    assert "Vi drøftede FKO på teammøder." in page2025
    page2026 = client.get(URL, query_string={"aar": "2026"}).get_data(as_text=True)
    assert "Vi ændrede REM." in page2026 and "Vi drøftede" not in page2026
    # a period by dates is a period of its own
    page = client.get(URL, query_string={"fra": "2026-01-01", "til": "2026-06-30"})
    assert "Vi ændrede REM." not in page.get_data(as_text=True)
    # an edit of the 2026 text moves its version; the 2025 text is untouched
    version = _version(client.get(URL, query_string={"aar": "2026"}).data)
    assert version == "1"
    response = client.post(
        URL, query_string={"aar": "2026"}, data={"tekst": "Vi ændrede REM og ORS.", "version": "1"}
    )
    assert response.status_code == 302
    rows = {r.period_from.year: r for r in session.scalars(select(ResultText))}
    assert rows[2026].text == "Vi ændrede REM og ORS." and rows[2026].version == 2
    assert rows[2025].text == "Vi drøftede FKO på teammøder." and rows[2025].version == 1
    assert rows[2026].team_key == str(w.t1.id) and rows[2026].updated_by_id == w.leader.id


def test_a_text_per_team_set(session, w, login_as):
    both = make.user(session, Role.LEADER, [w.t1, w.t2])
    session.commit()
    client = login_as(both)
    client.post(URL, query_string={"aar": "2026"}, data={"tekst": "Begge teams.", "version": "0"})
    client.post(
        URL,
        query_string={"aar": "2026", "team": w.t2.id},
        data={"tekst": "Kun Syd.", "version": "0"},
    )
    keys = {r.team_key: r.text for r in session.scalars(select(ResultText))}
    assert keys == {
        ",".join(sorted([str(w.t1.id), str(w.t2.id)], key=int)): "Begge teams.",
        str(w.t2.id): "Kun Syd.",
    }
    # Team Nord's own leader sees neither (her set is Team Nord alone)
    page = login_as(w.leader).get(URL, query_string={"aar": "2026"}).get_data(as_text=True)
    assert "Begge teams." not in page and "Kun Syd." not in page


def test_too_long_a_text_is_refused_in_danish_and_nothing_is_saved(session, w, login_as):
    client = login_as(w.leader)
    response = client.post(
        URL, query_string={"aar": "2026"}, data={"tekst": "x" * 5001, "version": "0"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Teksten må højst være 5000 tegn. Du har skrevet 5001 tegn; intet er gemt." in page
    assert "x" * 5001 in page  # her text stays in the box
    assert session.scalar(select(func.count()).select_from(ResultText)) == 0
    response = client.post(URL, query_string={"aar": "2026"}, data={"tekst": "  ", "version": "0"})
    assert response.status_code == 400
    assert "Skriv, hvordan I har brugt resultaterne." in response.get_data(as_text=True)
    response = client.post(
        URL, query_string={"aar": "2026"}, data={"tekst": "a\x00b", "version": "0"}
    )
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(ResultText)) == 0


def test_a_stale_form_is_a_conflict_not_an_overwrite(session, w, login_as):
    first, second = login_as(w.leader), login_as(w.leader)
    assert first.post(URL, query_string={"aar": "2026"}, data={"tekst": "A", "version": "0"})
    # the second form was opened before the first save: version 0
    response = second.post(URL, query_string={"aar": "2026"}, data={"tekst": "B", "version": "0"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "B</textarea>" in page and 'name="version" value="1"' in page
    assert session.scalar(select(ResultText.text)) == "A"
    response = second.post(URL, query_string={"aar": "2026"}, data={"tekst": "B", "version": "7"})
    assert response.status_code == 409
    # saved again from the current version, it is hers
    response = second.post(URL, query_string={"aar": "2026"}, data={"tekst": "B", "version": "1"})
    assert response.status_code == 302
    assert session.scalar(select(ResultText.text)) == "B"


def test_the_pdf_has_the_sections_and_the_text(session, w, login_as):
    client = login_as(w.leader)
    client.post(
        URL,
        query_string={"aar": "2026"},
        data={"tekst": "Vi gennemgik mestringen på personalemødet.", "version": "0"},
    )
    response = client.get(URL + ".pdf", query_string={"aar": "2026"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text = _pdf_text(response.data)
    for section in (
        "Resultatdokumentation",
        "Redskaber i brug",
        "Dokumentation til tiden",
        "Mestring (FKO) pr. tema",
        "Sådan har vi brugt resultaterne",
        "Vi gennemgik mestringen på personalemødet.",
        "Team Nord",
    ):
        assert section in text, section
    assert "Nordkvinde" not in text
    # another period has no text
    other = _pdf_text(client.get(URL + ".pdf", query_string={"aar": "2025"}).data)
    assert "Ingen tekst skrevet for perioden." in other
    assert client.get(URL + ".pdf", query_string={"fra": "2025-01-01"}).status_code == 400


@pytest.mark.parametrize("who", ["w1", "borger", "authority", "admin"])
def test_only_the_leader_gets_in(session, w, login_as, who):
    client = login_as(getattr(w, who))
    assert client.get(URL).status_code == 403
    assert client.get(URL + ".pdf").status_code == 403
    response = client.post(URL, data={"tekst": "Nej", "version": "0"})
    assert response.status_code == 403
    assert session.scalar(select(func.count()).select_from(ResultText)) == 0


def test_anonymous_goes_to_login(client):
    for response in (client.get(URL), client.get(URL + ".pdf"), client.post(URL, data={})):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_another_teams_leader_is_refused(session, w, login_as):
    syd = make.user(session, Role.LEADER, [w.t2])
    session.commit()
    client = login_as(w.leader)
    # Team Nord's leader asks for Team Syd: 403, and nothing of Syd's is read or written
    assert client.get(URL, query_string={"team": w.t2.id}).status_code == 403
    assert client.get(URL + ".pdf", query_string={"team": w.t2.id}).status_code == 403
    response = client.post(
        URL, query_string={"team": w.t2.id}, data={"tekst": "Nej", "version": "0"}
    )
    assert response.status_code == 403
    assert session.scalar(select(func.count()).select_from(ResultText)) == 0
    # Team Syd's leader's text is not Team Nord's
    login_as(syd).post(URL, query_string={"aar": "2026"}, data={"tekst": "Syd.", "version": "0"})
    assert "Syd." not in client.get(URL, query_string={"aar": "2026"}).get_data(as_text=True)


def test_linked_from_the_index_and_from_theme_3_of_a_visit(session, w, login_as):
    visit = pitstop_visit(session, w)
    session.commit()
    client = login_as(w.leader)
    assert 'href="/tilsyn/resultatdokumentation"' in client.get("/tilsyn").get_data(as_text=True)
    page = client.get(f"/tilsyn/besoeg/{visit.id}").get_data(as_text=True)
    section = page[page.index('id="tema-maalgruppe"') : page.index('id="tema-sundhed"')]
    year = visit.visit_date.year
    assert f"/tilsyn/resultatdokumentation?aar={year}&amp;team={w.t1.id}" in section
