"""Her data download (GDPR art. 15): every record of hers, nothing of anyone else's."""

from __future__ import annotations

import io
import json
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from bostotte.common.time import utcnow
from bostotte.extensions import db
from bostotte.invitations.services import invite
from bostotte.portal import export
from bostotte.portal.models import ScoringDecline
from bostotte.portal.services import add_comment
from bostotte.reminders.models import Reminder, SignalAck
from bostotte.scoring.models import Scoring
from bostotte.scoring.services import edit_scoring
from bostotte.tilsyn import services as tilsyn
from bostotte.tilsyn.models import Sample, SampleMember
from tests import factories as make
from tests.conftest import TODAY


def _more_records(session, w, tag: str, citizen, worker, user):  # type: ignore[no-untyped-def]
    """A revision, a later comment, a decline, an invitation, a reminder and a signal ack."""
    ors = session.scalar(
        select(Scoring).where(Scoring.citizen_id == citizen.id, Scoring.instrument == "ORS")
    )
    edit_scoring(
        session,
        worker,
        ors,
        {
            "scored_on": ors.scored_on,
            "participation": "together",
            "worker_note": f"Rettet note {tag}",
        },
        make.items("ORS", 6, 6, 7, 8),
        today=TODAY,
    )

    add_comment(session, user, citizen, ors, f"Kommentar fra {tag}")
    session.add(
        ScoringDecline(
            citizen_id=citizen.id, instrument="REM", reason=f"Grund {tag}", author_id=user.id
        )
    )
    invite(session, worker, citizen, f"invite-{tag}@mail.dk", now=utcnow())
    session.add(
        Reminder(
            citizen_id=citizen.id,
            rule="fko_status",
            subject=f"goal:{tag}",
            due_date=date(2026, 12, 24),
        )
    )
    session.add(
        SignalAck(
            citizen_id=citizen.id,
            kind="ors_down",
            subject="",
            basis=date(2026, 3, 3),
            note=f"Signalnote {tag}",
            seen_by_id=worker.id,
        )
    )
    session.commit()
    return ors


def test_every_table_with_a_citizen_id_is_exported(app):
    with app.app_context():
        holding = {t.name for t in db.metadata.sorted_tables if "citizen_id" in t.c}
    assert holding | {"citizens"} <= set(export.SOURCES)


def test_json_holds_every_record_of_hers_and_nothing_of_anyone_elses(w, login_as, session):
    mine = _more_records(session, w, "en", w.c1, w.w1, w.borger)
    theirs = _more_records(session, w, "to", w.c2, w.w2, w.borger2)
    login_as(w.w1).get(f"/borgere/{w.c1.id}")  # an access-log row of hers
    login_as(w.w2).get(f"/borgere/{w.c2.id}")  # and one of the other citizen's
    r = login_as(w.borger).get("/mig/mine-data.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.headers["Content-Disposition"].startswith('attachment; filename="mine-data-')
    assert r.headers["Cache-Control"] == "no-store"
    data = json.loads(r.get_data(as_text=True))
    raw = r.get_data(as_text=True)

    assert data["citizen"]["id"] == w.c1.id
    assert data["citizen"]["display_name"] == w.c1.display_name
    assert data["citizen"]["team"] == "Team Nord"
    assert data["citizen"]["primary_worker"] == w.w1.name
    # her login keeps its address until she uses the new link (invitations.claim)
    assert [u["email"] for u in data["logins"]] == [w.borger.email]
    [plan] = data["plans"]
    [goal] = plan["goals"]
    assert goal["specific"] == "Mål for en" and goal["measurable"] == "Målbart for en"
    assert [sg["title"] for sg in goal["subgoals"]] == ["Skridt for en", "Klaret skridt for en"]
    assert goal["subgoals"][0]["notes"] == [
        {"noted_on": "2026-03-01", "text": "Note om en", "by": w.w1.name}
    ]
    scorings = {s["id"]: s for s in data["scorings"]}
    assert set(scorings) == set(
        session.scalars(select(Scoring.id).where(Scoring.citizen_id == w.c1.id))
    )
    ors = scorings[mine.id]
    assert [(i["item"], i["value"]) for i in ors["items"]] == [
        ("individuelt", 6.0),
        ("interpersonelt", 6.0),
        ("socialt", 7.0),
        ("generelt", 8.0),
    ]
    assert ors["version"] == 2 and ors["worker_note"] == "Rettet note en"
    assert [r["data"]["worker_note"] for r in ors["revisions"]] == ["Arbejdsnote om en"]
    assert ors["comments"][0]["text"] == "Kommentar fra en"
    assert [(d["instrument"], d["reason"]) for d in data["declines"]] == [("REM", "Grund en")]
    assert [i["email"] for i in data["invitations"]] == ["invite-en@mail.dk"]
    assert "token" not in raw and "password" not in raw  # no secret, not even a hash
    assert [r["subject"] for r in data["reminders"]] == ["goal:en"]
    assert [a["note"] for a in data["signals_seen"]] == ["Signalnote en"]
    assert [(e["by"], e["role"], e["teams"], e["what"]) for e in data["access_log"]] == [
        (w.w1.name, "mestringsvejleder", ["Team Nord"], "borgerside"),
        (w.borger.name, "borger", [], "henter mine data (JSON)"),
    ]

    # nothing of the other citizen, nor of the staff who only work with her
    for leak in (
        w.c2.display_name,
        "for to",
        "om to",
        "fra to",
        "Grund to",
        "goal:to",
        "Signalnote to",
        "invite-to@",
        w.w2.name,
    ):
        assert leak not in raw, leak
    assert theirs.id not in scorings


def test_pdf_is_readable_and_holds_her_records_only(w, login_as, session):
    _more_records(session, w, "en", w.c1, w.w1, w.borger)
    _more_records(session, w, "to", w.c2, w.w2, w.borger2)
    r = login_as(w.borger).get("/mig/mine-data.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(r.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Mine data",
        w.c1.display_name,
        "Mål for en",
        "Skridt for en",
        "Note om en",
        "Kommentar fra en",
        "Grund en",
        "Hvem har set dine",
        "Rettet note en",
        "Arbejdsnote om en",
        "Signalnote en",
        # dates read as Danish, not ISO: the note of 1 March, the ORS of 3 March
        "Note 1. mar. 2026",
        "3. mar. 2026",
    ):
        assert expected in text, expected
    assert "2026-03-03" not in text
    for leak in (w.c2.display_name, "for to", "Note om to", "Kommentar fra to", w.w2.name):
        assert leak not in text, leak


def test_a_tilsyn_sample_that_drew_her_case_file_is_in_her_data(w, login_as, session):
    visit = tilsyn.create_visit(
        session,
        w.leader,
        {
            "visit_date": date(2026, 9, 1),
            "kind": "egen_vurdering",
            "visitor": "Tilbuddet selv",
            "offer": "Nord",
            "model_version": "2024",
            "team_ids": [w.t1.id],
            "form": {"score-1.a": "3"},
        },
        make.TODAY,
    )
    sample = Sample(visit_id=visit.id, method="chosen", reason="Ny plan", created_by_id=w.leader.id)
    sample.members = [SampleMember(citizen_id=w.c1.id, position=1)]
    session.add(sample)
    session.commit()
    mine = json.loads(login_as(w.borger).get("/mig/mine-data.json").data)
    assert mine["tilsyn_samples"] == [
        {
            "visit_date": "2026-09-01",
            "method": "chosen",
            "method_label": "Valgt af lederen",
            "case_file": 1,
            "drawn_at": mine["tilsyn_samples"][0]["drawn_at"],
            "drawn_by": w.leader.name,
        }
    ]
    theirs = json.loads(login_as(w.borger2).get("/mig/mine-data.json").data)
    assert theirs["tilsyn_samples"] == []
