"""The visit and its handleplan as PDFs, read back: the sections and numbers are there."""

from __future__ import annotations

import io

import pypdf

from bostotte.tilsyn import handleplan
from tests.factories import World
from tests.tilsyn.test_handleplan import _action
from tests.tilsyn.test_visits import pitstop_visit


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join((p.extract_text() or "") for p in reader.pages).replace("\n", " ")


def test_the_visit_as_pdf(session, w: World, login_as) -> None:
    visit = pitstop_visit(session, w)
    session.commit()
    response = login_as(w.leader).get(f"/tilsyn/besoeg/{visit.id}/rapport.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = _text(response.data)
    assert "Organisation og ledelse scorer 4,3 ud af 5 point" in text
    assert "Kompetencer scorer 2,5 ud af 5 point" in text
    assert "Økonomi vurderes uden score" in text
    assert "Spindelvæv" in text
    assert "Kriterium 9" in text and "3,5" in text


def test_the_handleplan_as_pdf_in_seed_002s_layout(session, w: World, login_as) -> None:
    visit = pitstop_visit(session, w)
    handleplan.add_action(session, visit, _action(owner_id=str(w.w1.id), deadline="3. Q 2026"))
    handleplan.add_action(
        session, visit, _action(indicator="10.a", text="Fagdag om MI", deadline="4.Q 2026")
    )
    session.commit()
    response = login_as(w.leader).get(f"/tilsyn/besoeg/{visit.id}/handleplan.pdf")
    assert response.status_code == 200
    text = _text(response.data)
    assert "Handleplan efter tilsyn" in text
    assert "Organisation og ledelse: 4,3 point" in text
    assert "Indikator 9.b" in text and "scorer 2." in text
    assert "Fastholdelsessamtaler med alle medarbejdere (3. Q 2026)" in text
    assert w.w1.name in text
    assert "Kompetencer: 2,5 point" in text and "Fagdag om MI (4. Q 2026)" in text
    assert "Fysiske rammer:" not in text  # a theme without actions is left out


def test_pdfs_are_the_leaders_of_the_visit(session, w: World, login_as) -> None:
    visit = pitstop_visit(session, w)
    session.commit()
    for url in (
        f"/tilsyn/besoeg/{visit.id}/rapport.pdf",
        f"/tilsyn/besoeg/{visit.id}/handleplan.pdf",
    ):
        assert login_as(w.w1).get(url).status_code == 403
        assert login_as(w.authority).get(url).status_code == 403
