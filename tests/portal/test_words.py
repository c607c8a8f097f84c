"""Her own pages speak to her: every page under /mig (and her data download as the PDF reads)
for a citizen with every kind of record, read as the visible text a browser shows, has no
"borgeren" and no term from the clinical list (bostotte/portal/plain.py); REM's areas have
her plain words beside the official labels; FKO is words with an arrow, last time beside the
first time; an unanswered self-fill item gets one plain message, linked to its field."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from bostotte import instruments
from bostotte.auth.models import Role
from bostotte.portal import plain
from bostotte.portal.models import ScoringComment, ScoringDecline
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import record_scoring
from tests import factories as make
from tests.conftest import TODAY

REM = instruments.get("REM")


def visible(page: str) -> str:
    """The text a reader meets: no scripts or styles, no tags; the words a screen reader
    reads out of attributes (aria-label, alt, title, aria-valuetext) are kept."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    spoken = re.findall(r'\b(?:aria-label|alt|title|aria-valuetext)="([^"]*)"', page)
    text = re.sub(r"(?s)<[^>]+>", " ", page)
    text = re.sub(r"\s+", " ", html.unescape(" ".join([text, *spoken])))
    return re.sub(r" ([.,:;])", r"\1", text)  # "<strong>2</strong>." reads "2."


@pytest.fixture()
def rich(w, session):  # type: ignore[no-untyped-def]
    """Louise with every kind of record: FKO (baseline, target, three statuses), ORS/SRS
    together, self-filled, a worker's draft and a disagreement, two REMs, a "nej tak", a
    comment and a worker's read of her record."""
    c, worker = w.c1, w.w1
    make.score(
        session, w.authority, c, "FKO", date(2026, 2, 1), {"value": 2}, goal_id=w.g1.id,
        occasion="target",
    )  # fmt: skip
    for on, value in ((date(2026, 5, 1), 3), (date(2026, 8, 1), 2), (date(2026, 11, 1), 1)):
        make.score(
            session, worker, c, "FKO", on, {"value": value}, goal_id=w.g1.id, occasion="status"
        )
    for on, ors, srs in (
        (date(2026, 4, 1), (4, 4, 4, 4), (8, 8, 8, 8)),  # 16 and 32: under both lines
        (date(2026, 5, 1), (8, 8, 8, 8), (9, 9, 9, 9.5)),  # 32: a clear change
    ):
        make.score(session, worker, c, "ORS", on, make.items("ORS", *ors))
        make.score(session, worker, c, "SRS", on, make.items("SRS", *srs))
    make.score(session, w.borger, c, "ORS", date(2026, 6, 1), make.items("ORS", 7, 7, 7, 7))
    make.score(
        session, worker, c, "ORS", date(2026, 7, 1), make.items("ORS", 6, 6, 6, 6),
        participation="worker_draft",
    )  # fmt: skip
    disagreed = record_scoring(
        session,
        worker,
        c,
        "ORS",
        {"scored_on": date(2026, 8, 1), "participation": "disagreed", "worker_note": "Uenige"},
        make.items("ORS", 5, 5, 5, 5),
        make.items("ORS", 8, 5, 5, 5),
        today=TODAY,
    )
    make.score(session, worker, c, "REM", date(2026, 2, 1), dict.fromkeys(REM.item_ids, 3))
    make.score(session, worker, c, "REM", date(2026, 10, 1), dict.fromkeys(REM.item_ids, 2))
    session.add(
        ScoringDecline(citizen_id=c.id, instrument="REM", reason="Ikke nu", author_id=w.borger.id)
    )
    session.add(
        ScoringComment(
            scoring_id=disagreed.id, citizen_id=c.id, text="Jeg er uenig", author_id=w.borger.id
        )
    )
    session.commit()
    return w


def scoring_ids(w, session) -> list[int]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(Scoring.id).where(Scoring.citizen_id == w.c1.id)))


def her_pages(w, session) -> list[str]:  # type: ignore[no-untyped-def]
    ids = scoring_ids(w, session)
    return [
        "/mig",
        "/mig/maalinger",
        *(f"/mig/maalinger/{i}" for i in ids),
        "/mig/udfyld/ORS",
        "/mig/udfyld/SRS",
        "/mig/nej-tak",
        "/mig/mine-data",
        "/mig/hvem-har-set",
    ]


def test_no_borgeren_and_no_clinical_word_on_any_page_of_hers(rich, login_as, session, monkeypatch):
    w = rich
    # a worker's reads, for "hvem har set": her page, a scoring with its history, its edit
    worker = login_as(w.w1)
    one = session.scalar(
        select(Scoring.id).where(Scoring.citizen_id == w.c1.id, Scoring.instrument == "ORS")
    )
    for path in ("", f"/scoringer/{one}", f"/scoringer/{one}/rediger", "/scoringer/ORS/ny"):
        assert worker.get(f"/borgere/{w.c1.id}{path}").status_code == 200, path
    citizen = login_as(w.borger)
    pages = {}
    for path in her_pages(w, session):
        r = citizen.get(path)
        assert r.status_code == 200, path
        pages[path] = visible(r.get_data(as_text=True))
    # the forms shown again with their errors
    pages["udfyld fejl"] = visible(citizen.post("/mig/udfyld/ORS", data={}).get_data(as_text=True))
    pages["nej tak fejl"] = visible(citizen.post("/mig/nej-tak", data={}).get_data(as_text=True))
    pages["kommentar fejl"] = visible(
        citizen.post(f"/mig/maalinger/{one}", data={"text": ""}).get_data(as_text=True)
    )
    # her data as the PDF prints it: the same template, caught before it becomes a PDF
    printed: dict[str, str] = {}

    def catch(template, **context):  # type: ignore[no-untyped-def]
        from flask import render_template  # noqa: PLC0415

        printed["html"] = render_template(template, **context)
        return b"%PDF-"

    monkeypatch.setattr("bostotte.portal.views.render_plain_pdf", catch)
    assert citizen.get("/mig/mine-data.pdf").status_code == 200
    pages["mine-data.pdf"] = visible(printed["html"])

    found = {path: plain.clinical_terms(text) for path, text in pages.items()}
    assert {path: terms for path, terms in found.items() if terms} == {}
    assert len(pages) >= 20  # every scoring's page, so each kind of record was read
    # what the lists catch: the staff's page of the same citizen has them
    staff = visible(login_as(w.w1).get(f"/borgere/{w.c1.id}").get_data(as_text=True))
    assert {"borgeren", "klinisk", "scor"} <= set(plain.clinical_terms(staff))


def test_her_access_log_says_what_was_opened_in_her_words():
    assert plain.log_what("borgerside") == "Din side"
    assert plain.log_what("ny scoring ORS") == "Ny måling ORS"
    assert plain.log_what("API: scoring") == "Et andet it-system: måling"
    assert plain.log_what("API: ret borger") == "Et andet it-system: rettede dine oplysninger"
    assert plain.log_what("kvartalets FKO-status") == "Kvartalets FKO-status"


def test_the_list_finds_the_words_inside_other_words():
    assert plain.clinical_terms("Under den kliniske grænse") == ["klinisk"]
    assert plain.clinical_terms("Statusscore og FKO-scoringer") == ["scor"]
    assert plain.clinical_terms("Sammen med Borgeren") == ["borgeren"]
    assert plain.clinical_terms("RCI er 5; en PRICE") == ["RCI"]
    assert plain.clinical_terms("Du har det bedre end sidste gang.") == []


def test_her_measures_are_in_her_words(rich, login_as):
    page = visible(login_as(rich.borger).get("/mig").get_data(as_text=True))
    # REM: her plain word beside the official label, with the scale's word
    for item in REM.items:
        assert item.plain and f"{item.plain} ({item.label}): 2 – moderate udfordringer" in page
    assert "Humør og følelser (Følelsesmæssig habitus)" in page
    # FKO: the scale's words, an arrow and a word, last time beside the first time
    assert (
        "Nu: Let støttebehov. ↑ Bedre end sidste gang (Moderat støttebehov). "
        "↑ Bedre end første gang (Højt støttebehov)."
    ) in page
    assert "Dit mål er et moderat støttebehov. Det har du nået." in page
    # ORS: the latest against last time and the first time
    assert (
        "Dit seneste tal: 20 – 4 point lavere end sidste gang og 6 point lavere end første gang"
    ) in page
    assert "Sådan har du det (ORS)" in page and "Ni områder af dit liv (REM)" in page


def test_fko_worse_and_the_same_have_their_own_arrow_and_word():
    from bostotte.charts import words  # noqa: PLC0415

    labels = {0: "Intet", 1: "Let", 2: "Moderat", 3: "Højt", 4: "Fuldstændigt"}
    assert words.fko_callout_for_you([1, 1, 3], labels) == (
        "Nu: Højt støttebehov. ↓\u00a0Dårligere end sidste gang (Let støttebehov). "
        "↓\u00a0Dårligere end første gang (Let støttebehov)."
    )
    assert words.fko_callout_for_you([2, 2], labels) == (
        "Nu: Moderat støttebehov. →\u00a0Det samme som første gang (Moderat støttebehov)."
    )
    assert words.fko_callout_for_you([0], labels) == "Nu: Intet støttebehov."
    assert words.fko_summary_for_you([(date(2026, 1, 2), 0)], 1, labels) == (
        "Den 2. jan. 2026 havde du intet støttebehov. Dit mål er et let støttebehov. Det har "
        "du nået."
    )


def test_her_scorings_say_who_filled_them_in_in_her_words(rich, login_as):
    page = visible(login_as(rich.borger).get("/mig/maalinger").get_data(as_text=True))
    for key in ("together", "citizen_self", "worker_draft", "disagreed"):
        assert plain.PARTICIPATION[key] in page
    assert "Mål: Mål for en." in page and "Let støttebehov. Status." in page


def test_an_empty_self_fill_gives_one_plain_message_per_item_linked_to_its_field(w, login_as):
    r = login_as(w.borger).post("/mig/udfyld/ORS", data={"citizen_comment": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    items = instruments.get("ORS").items
    summary = re.findall(r'<a href="#f-(\w+)" class="function-link">([^<]+)</a>', page)
    assert summary == [(i.id, f"{i.label}: {plain.NOT_ANSWERED}") for i in items]
    at_fields = dict(
        re.findall(r'id="f-(\w+)-error"><span class="sr-only">Fejl: </span>([^<]+)', page)
    )
    assert at_fields == {i.id: plain.NOT_ANSWERED for i in items}


def test_the_slider_has_no_value_until_she_chooses(w, login_as):
    page = login_as(w.borger).get("/mig/udfyld/ORS").get_data(as_text=True)
    ranges = re.findall(r"<input type=\"range\"[^>]*>", page)
    assert len(ranges) == 4
    for tag in ranges:
        assert (
            " value=" not in tag
            and "is-unset" in tag
            and 'aria-valuetext="Ikke valgt endnu"' in tag
        )
        assert " name=" not in tag  # the box is the answer; the slider only helps set it
        assert tag.endswith(" hidden>")  # without JavaScript the boxes alone


def test_a_citizen_with_nothing_yet_reads_plain_words(w, login_as, session):
    other = make.user(session, Role.CITIZEN, citizen_id=make.citizen(session, w.t1).id)
    session.commit()
    page = visible(login_as(other).get("/mig").get_data(as_text=True))
    assert plain.clinical_terms(page) == []
    assert "Du har ikke målt ORS eller SRS endnu." in page
    assert "Du har ikke målt REM endnu." in page
