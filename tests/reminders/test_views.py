"""Mine opgaver: one card per citizen, most urgent first, a page at a time; signals and what
the citizen wrote marked as seen; the marker in Mine borgere; the leader's overview."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from bostotte.audit.models import AccessLog
from bostotte.auth.models import Role
from bostotte.auth.passwords import hash_password
from bostotte.common.time import LOCAL_TZ, local_today
from bostotte.portal.models import ScoringComment, ScoringDecline
from bostotte.reminders.models import Reminder, SignalAck
from bostotte.reminders.tasks import CARDS_PER_PAGE
from bostotte.scoring.services import record_scoring
from tests import factories as make
from tests.reminders.caseload import caseload
from tests.reminders.conftest import run

DAY = date(2026, 3, 20)
ORS_ITEMS = ("individuelt", "interpersonelt", "socialt", "generelt")


def ors(session, actor, citizen, on, each, **meta):
    scoring = record_scoring(
        session,
        actor,
        citizen,
        "ORS",
        {"scored_on": on, "participation": "together", **meta},
        dict.fromkeys(ORS_ITEMS, each),
        today=on,
    )
    session.commit()
    return scoring


def declined(session, w):
    """c1's ORS falls from 32 to 24: a reliable decline (a signal)."""
    ors(session, w.w1, w.c1, date(2026, 1, 10), 8)
    ors(session, w.w1, w.c1, date(2026, 3, 10), 6)


def page(client, url="/opgaver"):
    r = client.get(url)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def cards(html):
    """{citizen name: the card's HTML}, in the page's order."""
    found = re.findall(
        r'<article class="goal-card task-card".*?<h2[^>]*><a[^>]*>([^<]+)</a>(.*?)</article>',
        html,
        re.S,
    )
    return dict(found)


def due(session, citizen, rule, days, goal=None, subgoal=None):
    """An open reminder due `days` from today (negative: over its deadline)."""
    session.add(
        Reminder(
            citizen_id=citizen.id,
            rule=rule,
            subject=f"subgoal:{subgoal.id}" if subgoal else f"goal:{goal.id}" if goal else "",
            goal_id=goal.id if goal else None,
            subgoal_id=subgoal.id if subgoal else None,
            due_date=local_today() + timedelta(days=days),
        )
    )
    session.commit()


def test_a_worker_starts_on_mine_opgaver(w, client, session):
    w.w1.password_hash = hash_password("hemmelig123")
    session.commit()
    r = client.post("/login", data={"email": w.w1.email, "password": "hemmelig123"})
    assert r.headers["Location"].endswith("/opgaver")
    html = page(client)
    assert '<a href="/opgaver" class="nav-link" aria-current="page"><span>Mine opgaver' in html


def test_one_card_per_citizen_with_her_tasks_and_the_forms_that_resolve_them(
    w, session, mail, login_as
):
    goal = make.goal(session, w.w1, w.p1, target_date=date(2026, 4, 1))
    session.commit()
    run(session, DAY, mail, digests=False)
    html = page(login_as(w.w1))
    (card,) = cards(html).values()  # c2 is another team's citizen
    assert w.c1.display_name in html and w.c2.display_name not in html
    lines = re.findall(r'<li class="due-list__item task-line"[^>]*>(.*?)</li>', card, re.S)
    assert len(lines) == 4
    assert "Registrér ORS" in lines[0]  # due 29 Jan: the oldest deadline first
    assert "dage siden)" in lines[0] and "Over fristen</span>" in lines[0]
    c = w.c1.id
    assert f'href="/borgere/{c}/scoringer/ORS/ny"' in card
    assert f'href="/borgere/{c}/scoringer/FKO/ny?goal={goal.id}&amp;occasion=status"' in card
    assert f'href="/borgere/{c}/kvartal"' in card
    assert f'href="/borgere/{c}/scoringer/REM/ny"' in card
    assert f'href="/borgere/{c}/maal/{goal.id}/afslut"' in card
    assert "Registrér FKO-status for målet</strong>: Jeg vil klare min post selv" in card
    assert "Forfald" not in html and "Overskredet" not in html


def test_an_overdue_goal_is_listed_once(w, session, mail, login_as):
    """Its reminder ("Følg op på målets måldato"); no signal repeats it."""
    make.goal(session, w.w1, w.p1, specific="Jeg vil gå en tur hver dag", target_date=DAY)
    session.commit()
    run(session, DAY, mail, digests=False)
    html = page(login_as(w.w1))
    lines = re.findall(r'<li class="due-list__item task-line"[^>]*>(.*?)</li>', html, re.S)
    about_it = [line for line in lines if "Jeg vil gå en tur hver dag" in line]
    # its date, and its FKO status (another task); nothing else names it
    assert html.count("Jeg vil gå en tur hver dag") == len(about_it) == 2
    assert sum("Følg op på målets måldato" in line for line in about_it) == 1
    assert "Mål over måldato" not in html


def test_the_quarters_fko_statuses_are_one_line_with_one_page_to_record_them(w, session, login_as):
    goals = [make.goal(session, w.w1, w.p1) for _ in range(3)]
    session.commit()  # before the reminders: a commit touching goals resolves what is not due
    for g in goals:
        due(session, w.c1, "fko_status", -3, goal=g)
    (card,) = cards(page(login_as(w.w1))).values()
    (line,) = re.findall(r'<li class="due-list__item task-line"[^>]*>(.*?)</li>', card, re.S)
    assert "Registrér FKO-status for 3 mål" in line
    assert all(g.specific in line for g in goals)
    assert "3 over fristen" in card  # each goal's status counts
    assert f'href="/borgere/{w.c1.id}/kvartal"' in line and "Alle mål på én side" in line


def test_cards_come_most_overdue_first_then_nearest_deadline(w, session, login_as):
    names = ("Anna", "Bent", "Carla", "Dorte")
    citizens = {}
    for name in names:
        citizens[name] = make.citizen(session, w.t1, display_name=name, primary_worker_id=w.w1.id)
        make.plan(session, citizens[name])
    session.commit()
    due(session, citizens["Anna"], "ors", 5)
    due(session, citizens["Bent"], "ors", -2)
    due(session, citizens["Bent"], "rem_first", 9)
    due(session, citizens["Carla"], "ors", -30)
    declined(session, w)  # c1: a signal and nothing due
    ors(session, w.w1, citizens["Dorte"], date(2026, 1, 10), 8)
    ors(session, w.w1, citizens["Dorte"], date(2026, 2, 10), 6)
    order = list(cards(page(login_as(w.w1))))
    # signals only: after every deadline, the newest evidence first
    assert order == ["Carla", "Bent", "Anna", w.c1.display_name, "Dorte"]


def test_a_page_of_cards_at_a_time(w, session, login_as):
    citizens = []
    for k in range(CARDS_PER_PAGE + 3):
        c = make.citizen(session, w.t1, display_name=f"Borger {k:02}", primary_worker_id=w.w1.id)
        make.plan(session, c)
        citizens.append(c)
    session.commit()  # before the reminders: a commit touching plans resolves what is not due
    for k, c in enumerate(citizens):
        due(session, c, "ors", -k)  # Borger 22 is the most overdue
    client = login_as(w.w1)
    first = page(client)
    assert len(cards(first)) == CARDS_PER_PAGE and list(cards(first))[0] == "Borger 22"
    assert "23 borgere</strong> har noget, der venter" in first and "Side 1 af 2" in first
    assert 'href="/opgaver?side=2"' in first and "Næste" in first
    second = page(client, "/opgaver?side=2")
    assert list(cards(second)) == ["Borger 02", "Borger 01", "Borger 00"]
    assert 'aria-current="page"' in second and "Forrige" in second
    # nonsense or a page past the end: the nearest page, not an error
    assert list(cards(page(client, "/opgaver?side=abc"))) == list(cards(first))
    assert list(cards(page(client, "/opgaver?side=99"))) == list(cards(second))
    assert list(cards(page(client, "/opgaver?side=0"))) == list(cards(first))


def test_the_citizens_on_the_page_are_in_their_access_log(w, session, login_as):
    citizens = []
    for k in range(CARDS_PER_PAGE + 1):
        c = make.citizen(session, w.t1, display_name=f"Borger {k:02}", primary_worker_id=w.w1.id)
        make.plan(session, c)
        citizens.append(c)
    session.commit()
    for k, c in enumerate(citizens):
        due(session, c, "ors", -k)  # Borger 00 is the least overdue: on page 2

    def logged():
        return set(
            session.scalars(
                select(AccessLog.citizen_id).where(
                    AccessLog.actor_id == w.w1.id, AccessLog.what == "mine opgaver"
                )
            )
        )

    client = login_as(w.w1)
    page(client)
    assert logged() == {c.id for c in citizens[1:]}
    page(client, "/opgaver?side=2")
    assert citizens[0].id in logged()
    assert w.c1.id not in logged()  # nothing to do: not on the page


def test_tasks_follow_the_contact_person_and_permissions(w, session, mail, login_as):
    colleague = make.user(session, Role.WORKER, [w.t1])
    session.commit()
    run(session, DAY, mail, digests=False)
    # c1's contact person is w1: a colleague sees the task only on the team view
    assert w.c1.display_name not in page(login_as(colleague))
    assert w.c1.display_name in page(login_as(colleague), "/opgaver?alle=1")
    # c2 in team Syd has no contact person: its team's worker sees it
    assert w.c2.display_name in page(login_as(w.w2))
    # when c1's contact person leaves, her colleagues see c1's tasks
    w.w1.active = False
    session.commit()
    assert w.c1.display_name in page(login_as(colleague))
    assert w.c1.display_name not in page(login_as(w.w2), "/opgaver?alle=1")
    for role in ("leader", "authority", "admin", "borger"):
        assert login_as(getattr(w, role)).get("/opgaver").status_code == 403


def test_recording_the_scoring_removes_the_task(w, session, mail, login_as):
    run(session, DAY, mail, digests=False)
    client = login_as(w.w1)
    assert "Registrér ORS" in page(client)
    r = client.post(
        f"/borgere/{w.c1.id}/scoringer/ORS/ny",
        data={
            "scored_on": "2026-03-20",
            "participation": "together",
            **{f"v_{i}": "7" for i in ORS_ITEMS},
        },
    )
    assert r.status_code == 302
    html = page(client)
    assert "Registrér ORS" not in html and "Registrér REM" in html


def test_a_signal_explained_and_linked_to_the_graph_then_marked_as_seen(w, session, mail, login_as):
    run(session, DAY, mail, digests=False)  # so c1's card stays when her signal is seen
    declined(session, w)
    client = login_as(w.w1)
    html = page(client)
    assert (
        "ORS er faldet 8 point siden forrige måling (32 den 10. jan. 2026) til 24 den "
        "10. mar. 2026 – et pålideligt fald."
    ) not in html  # with two scores the previous one is the first: said as such
    assert (
        "ORS er faldet 8 point fra første måling (32 den 10. jan. 2026) til 24 den "
        "10. mar. 2026 – et pålideligt fald."
    ) in html
    assert f'href="/borgere/{w.c1.id}#instrument-ORS"' in html
    assert 'name="csrf_token"' in html
    assert "1 signal" in page(client, "/borgere")  # the marker in Mine borgere
    form = {"kind": "ors_decline", "subject": "", "basis": "2026-03-10", "note": ""}
    url = f"/opgaver/signaler/{w.c1.id}"
    r = client.post(url, data=form)
    assert r.status_code == 400 and "Udfyld feltet (højst 300 tegn)." in r.get_data(as_text=True)
    r = client.post(url, data={**form, "note": "x" * 301})
    assert r.status_code == 400 and "Højst 300 tegn." in r.get_data(as_text=True)
    r = client.post(url, data={**form, "note": "Talt med Søren om det; ny aftale om gåture."})
    assert r.status_code == 302 and r.headers["Location"] == "/opgaver"
    html = page(client)
    assert "er markeret som set." in html
    (card,) = cards(html).values()
    assert "Signaler</h3>" not in card
    assert "Markeret som set (1)" in card and "ny aftale om gåture" in card
    assert "1 signal" not in page(client, "/borgere")
    r = client.post(url, data={**form, "note": "igen"})
    assert r.status_code == 400 and "allerede markeret som set" in r.get_data(as_text=True)


def test_a_newer_score_makes_a_new_signal_even_after_seen(w, session, login_as):
    declined(session, w)
    login_as(w.w1).post(
        f"/opgaver/signaler/{w.c1.id}",
        data={"kind": "ors_decline", "basis": "2026-03-10", "note": "Set"},
    )
    ors(session, w.w1, w.c1, date(2026, 3, 17), 5)
    assert "ORS er faldet 12 point fra første måling" in page(login_as(w.w1))


def test_a_fall_since_the_previous_session_is_a_signal(w, session, login_as):
    ors(session, w.w1, w.c1, date(2026, 1, 10), 5)
    ors(session, w.w1, w.c1, date(2026, 2, 10), 7.5)
    ors(session, w.w1, w.c1, date(2026, 3, 10), 6)  # 6 down since February, 4 up since January
    assert "ORS er faldet 6 point siden forrige måling (30 den 10. feb. 2026)" in page(
        login_as(w.w1)
    )


def test_signals_are_only_for_those_who_may_see_the_citizen(w, session, login_as):
    declined(session, w)
    form = {"kind": "ors_decline", "basis": "2026-03-10", "note": "Set"}
    assert login_as(w.w2).post(f"/opgaver/signaler/{w.c1.id}", data=form).status_code == 404
    assert login_as(w.leader).post(f"/opgaver/signaler/{w.c1.id}", data=form).status_code == 403
    assert "ORS er faldet" not in page(login_as(w.w2), "/opgaver?alle=1")
    stale = {**form, "basis": "2026-03-11"}
    r = login_as(w.w1).post(f"/opgaver/signaler/{w.c1.id}", data=stale)
    assert r.status_code == 400 and "ikke længere aktuelt" in r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(SignalAck)) == 0


# --- "Fra borgeren" --------------------------------------------------------------------


def _written_today(hour: int) -> datetime:
    return datetime.combine(local_today(), time(hour), LOCAL_TZ)


def test_what_the_citizen_wrote_or_declined_is_on_her_card_until_read(w, session, login_as):
    today = local_today()
    own = ors(
        session,
        w.borger,
        w.c1,
        today,
        6,
        citizen_comment="Jeg har haft en hård uge med min mor.",
    )
    earlier = ors(session, w.w1, w.c1, today - timedelta(days=7), 7)
    session.add(
        ScoringComment(
            scoring_id=earlier.id,
            citizen_id=w.c1.id,
            text="Jeg synes ikke, at tallet passer.",
            author_id=w.borger.id,
            created_at=_written_today(9),
        )
    )
    session.add(
        ScoringDecline(
            citizen_id=w.c1.id,
            instrument="SRS",
            reason="Det er for meget lige nu.",
            author_id=w.borger.id,
            created_at=_written_today(10),
        )
    )
    session.commit()
    client = login_as(w.w1)
    (card,) = cards(page(client)).values()
    assert "3 fra borgeren" in card and "Fra borgeren</h3>" in card
    assert "Udfyldte selv ORS – trivsel" in card and "Jeg har haft en hård uge med min mor." in card
    assert "Jeg synes ikke, at tallet passer." in card
    assert f'href="/borgere/{w.c1.id}/scoringer/{earlier.id}"' in card
    assert f'href="/borgere/{w.c1.id}/scoringer/{own.id}"' in card
    assert "Sagde nej tak til SRS" in card and "Det er for meget lige nu." in card
    # read: one click, no note needed; the card keeps it under "Markeret som set"
    subject = f"scoring:{own.id}"
    form = {"kind": "citizen_comment", "subject": subject, "basis": today.isoformat()}
    r = client.post(f"/opgaver/signaler/{w.c1.id}", data=form)
    assert r.status_code == 302
    html = page(client)
    assert "Beskeden fra" in html and "er markeret som læst." in html
    (card,) = cards(html).values()
    assert "2 fra borgeren" in card and "Markeret som set (1)" in card
    # another team's worker: 404; a leader: 403; twice: said so, nothing doubled
    assert login_as(w.w2).post(f"/opgaver/signaler/{w.c1.id}", data=form).status_code == 404
    assert login_as(w.leader).post(f"/opgaver/signaler/{w.c1.id}", data=form).status_code == 403
    r = client.post(f"/opgaver/signaler/{w.c1.id}", data=form)
    assert r.status_code == 400 and "allerede markeret som set" in r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(SignalAck)) == 1


def test_a_withdrawn_no_and_an_old_comment_are_not_tasks(w, session, login_as):
    long_ago = ors(session, w.w1, w.c1, local_today() - timedelta(days=200), 7)
    session.add(
        ScoringComment(
            scoring_id=long_ago.id,
            citizen_id=w.c1.id,
            text="Gammel kommentar",
            created_at=_written_today(9) - timedelta(days=120),
        )
    )
    session.add(
        ScoringDecline(citizen_id=w.c1.id, instrument=None, withdrawn_at=_written_today(11))
    )
    session.commit()
    assert "Fra borgeren</h3>" not in page(login_as(w.w1))


# --- Other pages and the bounds ----------------------------------------------------------


def test_the_leaders_overview_has_counts_and_no_names(w, session, mail, login_as):
    run(session, DAY, mail, digests=False)
    html = page(login_as(w.leader), "/opgaver/overblik")
    assert "Opgaver over fristen i dine teams" in html
    assert "Team Nord" in html and "Team Syd" not in html
    assert re.search(r"ORS</th><td[^>]*>1</td>", html)
    assert w.c1.display_name not in html
    assert login_as(w.w1).get("/opgaver/overblik").status_code == 403


@pytest.mark.parametrize("url", ["/opgaver", "/borgere"])
def test_pages_issue_a_bounded_number_of_queries(w, session, mail, login_as, url, count_queries):
    def queries():
        client = login_as(w.w1)
        client.get(url)  # warm up (login, caches)
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    goal = make.goal(session, w.w1, w.p1, target_date=date(2026, 3, 1))
    make.subgoal(session, goal, target_date=date(2026, 3, 2))
    run(session, DAY, mail, digests=False)
    declined(session, w)
    few = queries()
    for _ in range(5):
        c = make.citizen(session, w.t1, primary_worker_id=w.w1.id)
        g = make.goal(session, w.w1, make.plan(session, c), target_date=date(2026, 3, 1))
        make.subgoal(session, g, target_date=date(2026, 3, 2))
        ors(session, w.w1, c, date(2026, 1, 10), 8)
        ors(session, w.w1, c, date(2026, 3, 10), 6)
    run(session, DAY, mail, digests=False)
    assert queries() == few


def test_250_citizens_make_a_page_under_300_kb(session, login_as):
    worker = caseload(session, 250)
    client = login_as(worker)
    r = client.get("/opgaver")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and len(cards(html)) == CARDS_PER_PAGE
    assert "250 borgere</strong> har noget, der venter" in html
    assert len(r.data) < 300_000, len(r.data)
    whole = client.get(f"/opgaver?alle=1&side={-(-250 // CARDS_PER_PAGE)}")
    assert whole.status_code == 200 and len(whole.data) < 300_000


def test_marking_seen_needs_the_forms_csrf_token(w, session, login_as, monkeypatch, app):
    declined(session, w)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    r = login_as(w.w1).post(
        f"/opgaver/signaler/{w.c1.id}",
        data={"kind": "ors_decline", "basis": "2026-03-10", "note": "Set"},
    )
    assert r.status_code == 400
    assert session.scalar(select(func.count()).select_from(SignalAck)) == 0
