"""The citizen page opens on what is due: the quick-action bar, her due and overdue items,
her history folded below, and a save that lands at the top of the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

import pytest

from bostotte.auth.services import set_setting
from bostotte.goals.models import Goal, SubGoal
from bostotte.goals.services import add_note
from bostotte.reminders.cadence import RULES
from tests import factories as make

TODAY = make.TODAY  # 23 Nov 2026


class Page(HTMLParser):
    """The parts of the page these tests read: the quick-action bar's links and choosers,
    and every <details> with its summary and whether it starts open."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.bar_links: list[tuple[str, str]] = []  # (href, accessible text)
        self.choosers: list[str] = []  # the bar's <summary> texts
        self.details: list[tuple[str, bool]] = []  # (summary text, open)
        self._in_bar = 0
        self._link: list[str] | None = None
        self._summary: list[str] | None = None
        self._open: list[bool] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav" and a.get("aria-label") == "Hurtige handlinger":
            self._in_bar = 1
        elif tag == "nav" and self._in_bar:
            self._in_bar += 1
        if tag == "a" and self._in_bar:
            self._link = [a.get("href") or ""]
        if tag == "details":
            self._open.append("open" in a)
        if tag == "summary":
            self._summary = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._in_bar:
            self._in_bar -= 1
        if tag == "a" and self._link is not None:
            self.bar_links.append((self._link[0], " ".join("".join(self._link[1:]).split())))
            self._link = None
        if tag == "summary" and self._summary is not None:
            text = " ".join("".join(self._summary).split())
            self.details.append((text, self._open[-1] if self._open else False))
            if self._in_bar:
                self.choosers.append(text)
            self._summary = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.append(data)
        if self._summary is not None:
            self._summary.append(data)


@dataclass
class PageWorld(make.World):
    g1: Goal
    sg1: SubGoal


@pytest.fixture()
def w(w, session):  # type: ignore[no-untyped-def]
    g1 = make.goal(session, w.w1, w.p1, specific="Jeg vil selv betale mine regninger")
    sg1 = make.subgoal(
        session, g1, title="Tilmelde Betalingsservice", target_date=date(2026, 11, 1)
    )
    session.commit()
    return PageWorld(**vars(w), g1=g1, sg1=sg1)


@pytest.fixture(autouse=True)
def today(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("bostotte.citizens.views.local_today", lambda: TODAY)


def page_of(client, w) -> tuple[str, Page]:  # type: ignore[no-untyped-def]
    r = client.get(f"/borgere/{w.c1.id}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    return html, Page(html)


def test_the_bar_takes_the_worker_straight_to_her_forms(w, login_as):
    html, page = page_of(login_as(w.w1), w)
    c = w.c1.id
    hrefs = [href for href, _ in page.bar_links]
    assert hrefs == [
        f"/borgere/{c}/kvartal",
        f"/borgere/{c}/samtale",
        f"/borgere/{c}/scoringer/REM/ny",
        f"/borgere/{c}/delmaal/{w.sg1.id}/note",  # her one open delmål: no choice to make
        f"/borgere/{c}/maal/{w.g1.id}/delmaal/ny",  # her one goal
    ]
    names = [name for _, name in page.bar_links]
    assert names[0] == "Kvartal: registrér kvartalets FKO-status for alle mål"
    assert names[1] == "Samtale: ORS, samtalen og SRS på én side"
    assert names[3] == "Note: skriv note til delmålet Tilmelde Betalingsservice"
    assert page.choosers == []
    # the bar comes before everything else of the page's content
    assert html.index('aria-label="Hurtige handlinger"') < html.index('id="h-frister"')


def test_with_more_to_choose_from_the_bar_opens_a_list_most_pressing_delmal_first(
    w, login_as, session
):
    g2 = make.goal(session, w.w1, w.p1, specific="Jeg vil spille fodbold igen")
    later = make.subgoal(session, g2, title="Finde et hold", target_date=date(2026, 12, 20))
    undated = make.subgoal(session, w.g1, title="Åbne e-Boks", target_date=None)
    make.subgoal(session, g2, title="Købe støvler", status="achieved")  # closed: no note to it
    session.commit()
    html, page = page_of(login_as(w.w1), w)
    c = w.c1.id
    assert page.choosers == [
        "Note: vælg delmålet, noten handler om",
        "Delmål: vælg målet, delmålet hører til",
    ]
    assert [href for href, _ in page.bar_links][3:] == [
        f"/borgere/{c}/delmaal/{w.sg1.id}/note",  # overdue: first
        f"/borgere/{c}/delmaal/{later.id}/note",
        f"/borgere/{c}/delmaal/{undated.id}/note",  # no date: last
        f"/borgere/{c}/maal/{w.g1.id}/delmaal/ny",
        f"/borgere/{c}/maal/{g2.id}/delmaal/ny",
    ]
    assert all(not is_open for text, is_open in page.details if text.startswith(("Note", "Delmål")))


@pytest.mark.parametrize("who", ["authority", "leader"])
def test_no_worker_buttons_in_the_bar_for_myndighed_or_the_leader(w, login_as, session, who):
    set_setting(session, "leader_reads_records", True)  # a leader reads only when allowed
    session.commit()
    r = login_as(getattr(w, who)).get(f"/borgere/{w.c1.id}")
    assert r.status_code == 200
    assert 'aria-label="Hurtige handlinger"' not in r.get_data(as_text=True)


def test_the_citizen_herself_gets_403(w, login_as):
    assert login_as(w.borger).get(f"/borgere/{w.c1.id}").status_code == 403


def test_other_team_gets_404(w, login_as):
    assert login_as(w.w2).get(f"/borgere/{w.c1.id}").status_code == 404


def test_the_page_opens_on_what_is_overdue(w, login_as):
    html, _ = page_of(login_as(w.w1), w)
    due = html.split('id="h-frister"')[1].split('id="plan"')[0]
    # the delmål's date passed 22 days ago; the goal's first FKO status (1 Apr) long ago
    assert RULES["subgoal_target"].task in due
    assert f'href="#subgoal-{w.sg1.id}"' in due and "for 22 dage siden" in due
    assert RULES["fko_status"].task in due and f'href="#goal-{w.g1.id}"' in due
    assert due.count("Over fristen") >= 2
    # the goal's own date (1 Dec) is 8 days away: shown, not overdue
    assert RULES["goal_target"].task in due and "om 8 dage" in due


def test_with_nothing_due_the_page_names_the_next_date(w, login_as, session):
    calm = make.citizen(
        session, w.t1, primary_worker_id=w.w1.id, uses_fko=False, uses_rem=False, uses_fit=True
    )
    make.plan(session, calm, start=date(2026, 6, 1), end=date(2027, 5, 31))
    make.score(session, w.w1, calm, "ORS", TODAY, make.items("ORS", 6, 6, 6, 6))
    session.commit()
    html = login_as(w.w1).get(f"/borgere/{calm.id}").get_data(as_text=True)
    due = html.split('id="h-frister"')[1].split('id="plan"')[0]
    # the next ORS is 4 weeks after today's
    assert "Intet forfalder lige nu. Næste frist: ORS den 21. dec. 2026." in due
    assert "Over fristen" not in due


def test_history_is_folded_and_closed(w, login_as, session):
    for day in (3, 10, 17):
        add_note(
            session, w.w1, w.sg1, {"text": f"Note {day}", "noted_on": date(2026, 11, day)}, TODAY
        )
    for month in (3, 6, 9):
        make.score(session, w.w1, w.c1, "ORS", date(2026, month, 1), make.items("ORS", 5, 5, 5, 5))
    make.subgoal(session, w.g1, title="Købe ringbind", status="achieved")
    session.commit()
    html, page = page_of(login_as(w.w1), w)
    folds = dict(page.details)
    for fold in (
        "Ældre noter (2) til Tilmelde Betalingsservice",
        "Afsluttede delmål (1) under målet Jeg vil selv betale mine regninger",
        "Historik (3 scoringer)",
        "Graf: ORS og SRS over tid",
        "Oplysninger om borgeren",
    ):
        assert fold in folds, (fold, list(folds))
    assert not any(folds.values()), "every fold starts closed"
    # the newest note shows; the older ones wait in the fold
    subgoal = html.split(f'id="subgoal-{w.sg1.id}"')[1]
    assert subgoal.index("Note 17") < subgoal.index("Ældre noter") < subgoal.index("Note 10")


def test_a_plan_action_lands_at_the_top_of_the_page_with_its_message(w, login_as, session):
    c82 = make.citizen(session, w.t1, primary_worker_id=w.w1.id, legal_basis="§82b")
    p82 = make.plan(session, c82, start=date(2026, 9, 1), end=date(2027, 2, 28), legal_basis="§82b")
    session.commit()
    client = login_as(w.w1)
    r = client.post(f"/borgere/{c82.id}/plan/{p82.id}/samtale")
    assert r.status_code == 302
    assert r.headers["Location"] == f"/borgere/{c82.id}"  # no #anchor: the top of the page
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    main = html.split('<main id="main-content">')[1]
    assert main.lstrip().startswith('<div class="flash-messages">')
    assert '<div class="alert alert-success" role="status">' in main
    assert main.index("Samtalen er talt med.") < main.index("<h1>")
