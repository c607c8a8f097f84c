"""Digests: once per person and day, counts and a link only, outbox without SMTP."""

from datetime import date, timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from bostotte.auth.models import Role
from bostotte.common import mail as mailer
from bostotte.portal.models import ScoringComment, ScoringDecline
from bostotte.reminders.digests import DigestCounts, worker_digest
from bostotte.reminders.models import DigestLog
from bostotte.scoring.services import record_scoring
from tests import factories as make
from tests.reminders.conftest import at, run

FRIDAY = date(2026, 3, 20)
MONDAY = date(2026, 3, 23)


def mails(outbox):
    parser = BytesParser(policy=policy.default)
    found = []
    for path in sorted(outbox.glob("*.eml")):
        with path.open("rb") as fh:
            found.append(parser.parse(fh))
    return found


def to(msgs, user):
    return [m for m in msgs if m["To"] == user.email]


@pytest.fixture()
def named(w, session):
    """Personal data that must never appear in a mail."""
    w.c1.display_name, w.c1.case_ref = "Søren Sørensen", "SAG-2026-0042"
    w.c2.display_name = "Lone Lund"
    make.goal(
        session, w.w1, w.p1, specific="Jeg vil klare min post selv", target_date=date(2026, 4, 1)
    )
    session.commit()
    return w


def test_worker_digest_has_counts_and_a_link_and_no_personal_data(named, session, mail, outbox):
    w = named
    result = run(session, FRIDAY, mail)
    msgs = mails(outbox)
    (digest,) = to(msgs, w.w1)
    assert digest["Subject"] == "Bostøtte: 4 nye opgaver, 1 over fristen"
    body = digest.get_content()
    assert "- 4 nye opgaver siden sidst" in body
    assert "- 1 opgave over fristen" in body and "- 3 opgaver med frist snart" in body
    assert "https://bostotte.test/opgaver" in body
    text = str(digest)
    for private in (
        "Søren",
        "Sørensen",
        "SAG-2026-0042",
        "Lone",
        "klare min post",
        "1980",
        "ORS",
        "REM",
        "FKO",
    ):
        assert private not in text
    # team Syd's citizen has no contact person: its worker gets the digest
    assert len(to(msgs, w.w2)) == 1
    assert "Lone" not in str(to(msgs, w.w2)[0])
    assert result.mailed == len(msgs) == 3  # two workers and the leader's weekly summary


def test_a_digest_is_sent_once_per_person_and_day(named, session, mail, outbox):
    w = named
    assert run(session, FRIDAY, mail).mailed == 3
    assert run(session, FRIDAY, mail).mailed == 0
    assert len(mails(outbox)) == 3
    assert (
        session.scalar(
            select(DigestLog.id).where(
                DigestLog.user_id == w.w1.id, DigestLog.kind == "daily", DigestLog.day == FRIDAY
            )
        )
        is not None
    )
    # the next day: nothing new, but still something overdue
    assert run(session, FRIDAY + timedelta(days=1), mail).mailed == 2
    latest = to(mails(outbox), w.w1)[-1]
    assert latest["Subject"] == "Bostøtte: 1 over fristen"
    assert "- 0 nye opgaver siden sidst" in latest.get_content()


def test_catch_up_sends_one_digest_for_the_day_not_one_per_missed_day(named, session, mail, outbox):
    w = named
    run(session, FRIDAY, mail)
    before = len(to(mails(outbox), w.w1))
    run(session, FRIDAY + timedelta(days=10), mail)  # down for nine days
    assert len(to(mails(outbox), w.w1)) == before + 1


def test_nothing_to_report_no_mail_and_inactive_workers_get_none(w, session, mail, outbox):
    idle = make.user(session, Role.WORKER, [make.team(session)])
    colleague = make.user(session, Role.WORKER, [w.t1])
    w.w2.active = False
    session.commit()
    run(session, FRIDAY, mail)
    msgs = mails(outbox)
    assert to(msgs, idle) == [] and to(msgs, w.w2) == []
    assert len(to(msgs, w.w1)) == 1
    assert to(msgs, colleague) == []  # c1 is w1's


def test_a_departed_contact_persons_citizens_go_to_the_team(w, session, mail, outbox):
    colleague = make.user(session, Role.WORKER, [w.t1])
    w.w1.active = False
    session.commit()
    run(session, FRIDAY, mail)
    assert len(to(mails(outbox), colleague)) == 1


def test_a_new_signal_is_counted_in_the_digest(w, session, mail, outbox):
    run(session, FRIDAY, mail)
    values = {"individuelt": 8, "interpersonelt": 8, "socialt": 8, "generelt": 8}
    for on, value in ((date(2026, 3, 1), 8), (date(2026, 3, 21), 6)):
        record_scoring(
            session,
            w.w1,
            w.c1,
            "ORS",
            {"scored_on": on, "participation": "together"},
            dict.fromkeys(values, value),
            today=on,
        )
    session.commit()
    run(session, FRIDAY + timedelta(days=1), mail)
    latest = to(mails(outbox), w.w1)[-1]
    assert "1 nyt signal" in latest["Subject"]
    assert "- 1 signal, du ikke har markeret som set (1 nyt)" in latest.get_content()


def test_what_the_citizen_wrote_is_counted_in_the_digest(w, session, mail, outbox):
    run(session, FRIDAY, mail)
    scoring = make.score(session, w.w1, w.c1, "ORS", FRIDAY, make.items("ORS", 7, 7, 7, 7))
    session.add(
        ScoringComment(
            scoring_id=scoring.id,
            citizen_id=w.c1.id,
            text="Det passer ikke",
            created_at=at(FRIDAY, 12),
        )
    )
    session.add(ScoringDecline(citizen_id=w.c1.id, instrument="SRS", created_at=at(FRIDAY, 13)))
    session.commit()
    run(session, FRIDAY + timedelta(days=1), mail)
    latest = to(mails(outbox), w.w1)[-1]
    assert "2 nye beskeder fra borgere" in latest["Subject"]
    body = latest.get_content()
    assert "- 2 beskeder fra borgerne, du ikke har markeret som læst (2 nye)" in body
    assert "Det passer ikke" not in str(latest)


def test_leaders_get_one_overdue_summary_a_week(named, session, mail, outbox):
    w = named
    run(session, MONDAY, mail)
    (summary,) = to(mails(outbox), w.leader)
    assert summary["Subject"] == "Bostøtte: ugens overblik – 1 opgave over fristen"
    body = summary.get_content()
    assert "Team Nord: 1 opgave over fristen" in body and "  - ORS: 1" in body
    assert "Team Syd" not in body  # not her team
    assert "https://bostotte.test/opgaver/overblik" in body and "Søren" not in body
    for later in range(1, 7):
        run(session, MONDAY + timedelta(days=later), mail)
    assert len(to(mails(outbox), w.leader)) == 1
    run(session, MONDAY + timedelta(days=7), mail)
    assert len(to(mails(outbox), w.leader)) == 2


def test_the_weekly_summary_catches_up_later_in_the_week(named, session, mail, outbox):
    run(session, MONDAY + timedelta(days=2), mail)  # no run on Monday or Tuesday
    assert len(to(mails(outbox), named.leader)) == 1


class FakeSMTP:
    sent: list = []
    fail = False

    def __init__(self, host, port, timeout):  # type: ignore[no-untyped-def]
        self.host, self.port, self.calls = host, port, []

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        return False

    def ehlo(self):  # type: ignore[no-untyped-def]
        self.calls.append("ehlo")

    def has_extn(self, name):  # type: ignore[no-untyped-def]
        return name == "starttls"

    def starttls(self):  # type: ignore[no-untyped-def]
        self.calls.append("starttls")

    def login(self, user, password):  # type: ignore[no-untyped-def]
        self.calls.append(("login", user, password))

    def send_message(self, msg):  # type: ignore[no-untyped-def]
        if FakeSMTP.fail:
            raise OSError("connection refused")
        FakeSMTP.sent.append((self.host, self.port, self.calls, msg))


@pytest.fixture()
def smtp(monkeypatch, mail):  # type: ignore[no-untyped-def]
    FakeSMTP.sent, FakeSMTP.fail = [], False
    monkeypatch.setattr(mailer.smtplib, "SMTP", FakeSMTP)
    return mailer.MailSettings(
        sender=mail.sender,
        outbox=mail.outbox,
        host="smtp.test",
        port=587,
        user="bostotte",
        password="hemmelig",
    )


def test_smtp_from_the_settings(w, session, smtp, outbox):
    assert run(session, FRIDAY, smtp).mailed == 3
    host, port, calls, msg = FakeSMTP.sent[0]
    assert (host, port) == ("smtp.test", 587)
    assert calls == ["ehlo", "starttls", "ehlo", ("login", "bostotte", "hemmelig")]
    assert msg["From"] == "Bostøtte <bostotte@test.dk>"
    assert not outbox.exists()  # with SMTP nothing goes to the outbox


def test_a_failed_send_is_retried_by_the_next_run(w, session, smtp):
    FakeSMTP.fail = True
    assert run(session, FRIDAY, smtp).mailed == 0
    assert session.scalars(select(DigestLog)).all() == []  # the claims were withdrawn
    FakeSMTP.fail = False
    assert run(session, FRIDAY, smtp).mailed == 3


def test_settings_come_from_the_environment_config(app):
    settings = mailer.MailSettings.from_config(
        {
            "BOSTOTTE_SMTP_FROM": "a@b.dk",
            "BOSTOTTE_OUTBOX": "/tmp/x",
            "BOSTOTTE_BASE_URL": "https://x",
            "BOSTOTTE_SMTP_HOST": "",
            "BOSTOTTE_SMTP_PORT": 25,
        }
    )
    assert settings.uses_outbox and settings.port == 25
    assert app.config["BOSTOTTE_SMTP_FROM"] and app.config["BOSTOTTE_BASE_URL"]


def test_digest_text_is_singular_and_plural_danish():
    subject, body = worker_digest(DigestCounts(1, 2, 1, 0, 1), "https://x/")
    assert subject == "Bostøtte: 1 ny opgave, 2 over fristen"
    assert "- 1 opgave med frist snart" in body and "https://x/opgaver" in body


def test_outbox_in_dev_is_listed_for_the_administrator(w, session, mail, outbox, login_as):
    run(session, FRIDAY, mail)
    entries = mailer.outbox_entries(outbox)
    assert len(entries) == 3 and {e.to for e in entries} == {w.w1.email, w.w2.email, w.leader.email}
    page = login_as(w.admin).get("/admin/udbakke")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert w.w1.email in html and "Bostøtte: 2 nye opgaver, 1 over fristen" in html
    assert login_as(w.w1).get("/admin/udbakke").status_code == 403
