"""Everything stored about one citizen (GDPR art. 15), as one plain dict: the JSON download
is this dict, the PDF is a template over it. Every query is filtered on her citizen id."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from bostotte import instruments
from bostotte.audit.models import AccessLog
from bostotte.auth.models import User
from bostotte.citizens.models import GENDERS, Citizen, Plan
from bostotte.common.db import Session
from bostotte.common.time import LOCAL_TZ
from bostotte.goals.models import Goal, SubGoal
from bostotte.invitations.models import Invitation
from bostotte.portal import plain
from bostotte.portal.models import ScoringComment, ScoringDecline
from bostotte.portal.services import people
from bostotte.reminders.models import Reminder, SignalAck
from bostotte.scoring.models import Scoring
from bostotte.tilsyn.models import SAMPLE_METHODS, Sample, SampleMember, Visit

FORMAT = "bostotte-mine-data/1"
# The tables holding her records, each read below by her citizen id. tests/portal checks
# that every table with a citizen_id column is listed, so a new one cannot be forgotten.
SOURCES = (
    "citizens",
    "users",
    "invitations",
    "plans",
    "goals",
    "scorings",
    "scoring_comments",
    "scoring_declines",
    "reminders",
    "signal_acks",
    "access_log",
    "tilsyn_sample_members",
)


# The PDF is for reading, so it has bounds (issue 24: 443 scorings, 257 notes and 7,000
# access-log rows took 63 s to print and ended in a 500): her latest scorings in full, every
# scoring counted per year, the latest notes of each delmål, the latest rows of the other
# lists, and the access log counted per month and reader. The JSON holds every record, and
# her log page every read; the PDF says what it left out.
PDF_SCORINGS = 30
PDF_NOTES = 5
PDF_ROWS = 40
PDF_LOG_MONTHS = 24  # months counted one by one, before them years (the PDF says "two years")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def citizen_record(
    session: Session, citizen: Citizen, *, now: datetime, pdf: bool = False
) -> dict[str, Any]:
    """Every record of hers (the JSON download), or with `pdf` the bounded view above."""
    cid = citizen.id
    logins = list(session.scalars(select(User).where(User.citizen_id == cid)))
    plans = list(
        session.scalars(
            select(Plan)
            .where(Plan.citizen_id == cid)
            .order_by(Plan.start_date, Plan.id)
            .options(
                selectinload(Plan.goals).selectinload(Goal.subgoals).selectinload(SubGoal.notes)
            )
        )
    )
    scorings_query = (
        select(Scoring)
        .where(Scoring.citizen_id == cid)
        .order_by(Scoring.scored_on.desc(), Scoring.id.desc())
        .options(selectinload(Scoring.items), selectinload(Scoring.revisions))
    )
    if pdf:
        scorings_query = scorings_query.limit(PDF_SCORINGS)
    scorings = list(reversed(session.scalars(scorings_query).all()))
    comments_query = (
        select(ScoringComment)
        .where(ScoringComment.citizen_id == cid)
        .order_by(ScoringComment.created_at, ScoringComment.id)
    )
    if pdf:
        comments_query = comments_query.where(
            ScoringComment.scoring_id.in_([s.id for s in scorings])
        )
    comments = list(session.scalars(comments_query))
    declines = list(
        session.scalars(
            select(ScoringDecline)
            .where(ScoringDecline.citizen_id == cid)
            .order_by(ScoringDecline.created_at, ScoringDecline.id)
        )
    )
    invitations = list(
        session.scalars(
            select(Invitation)
            .where(Invitation.citizen_id == cid)
            .order_by(Invitation.created_at, Invitation.id)
        )
    )
    reminders = list(
        session.scalars(
            select(Reminder)
            .where(Reminder.citizen_id == cid)
            .order_by(Reminder.due_date, Reminder.id)
        )
    )
    acks = list(
        session.scalars(
            select(SignalAck)
            .where(SignalAck.citizen_id == cid)
            .order_by(SignalAck.seen_at, SignalAck.id)
        )
    )
    # A tilsyn's stikprøve that drew her case file: the visit, how and by whom.
    samples = session.execute(
        select(SampleMember.position, Sample.method, Sample.created_at, Sample.created_by_id)
        .add_columns(Visit.visit_date)
        .join(Sample, SampleMember.sample_id == Sample.id)
        .join(Visit, Sample.visit_id == Visit.id)
        .where(SampleMember.citizen_id == cid)
        .order_by(Visit.visit_date, Sample.id)
    ).all()
    # Her log can run to tens of thousands of rows (issue 24): the JSON reads it as columns,
    # not objects; the PDF has the database count it.
    log = (
        []
        if pdf
        else session.execute(
            select(
                AccessLog.at,
                AccessLog.actor_id,
                AccessLog.actor_role,
                AccessLog.what,
                AccessLog.path,
            )
            .where(AccessLog.citizen_id == cid)
            .order_by(AccessLog.at, AccessLog.id)
        ).all()
    )
    reads = _reads_per_period(session, cid, now) if pdf else []

    # Names of the staff who appear in her record (and only those): one query.
    ids: set[int | None] = {citizen.caseworker_id, citizen.primary_worker_id}
    ids |= {g.created_by_id for p in plans for g in p.goals}
    ids |= {n.author_id for p in plans for g in p.goals for sg in g.subgoals for n in sg.notes}
    ids |= {s.scored_by_id for s in scorings}
    ids |= {r.replaced_by_id for s in scorings for r in s.revisions}
    ids |= {c.author_id for c in comments} | {d.author_id for d in declines}
    ids |= {i.created_by_id for i in invitations} | {a.seen_by_id for a in acks}
    ids |= {e.actor_id for e in log} | {r[1] for r in reads} | {s.created_by_id for s in samples}
    users = people(session, {i for i in ids if i is not None})

    def name(user_id: int | None) -> str | None:
        if user_id is None:
            return None
        user = users.get(user_id)
        return user.name if user else "(slettet bruger)"

    teams = {i: [t.name for t in u.teams] for i, u in users.items()}

    comments_by: dict[int, list[dict[str, Any]]] = {}
    for c in comments:
        comments_by.setdefault(c.scoring_id, []).append(
            {"text": c.text, "written_at": _iso(c.created_at), "by": name(c.author_id)}
        )

    record: dict[str, Any] = {
        "format": FORMAT,
        "made_at": _iso(now),
        "citizen": {
            "id": cid,
            "external_id": citizen.external_id,
            "display_name": citizen.display_name,
            "case_ref": citizen.case_ref,
            "birth_year": citizen.birth_year,
            "gender": citizen.gender,
            "gender_label": GENDERS.get(citizen.gender),
            "team": citizen.team.name,
            "legal_basis": citizen.legal_basis,
            "start_date": _iso(citizen.start_date),
            "end_date": _iso(citizen.end_date),
            "methods": citizen.methods,
            "pakke1": citizen.pakke1,
            "caseworker": name(citizen.caseworker_id),
            "primary_worker": name(citizen.primary_worker_id),
            "created_at": _iso(citizen.created_at),
            # How often her FKO status and ORS fall due, as agreed with her worker.
            "rhythm": {
                "fko_status_months": citizen.rhythm.fko_status_months,
                "ors_weeks": citizen.rhythm.ors_weeks,
                "text": citizen.rhythm_text,
                "reason": citizen.rhythm_reason,
            },
        },
        "logins": [
            {
                "email": u.email,
                "name": u.name,
                "role": u.role,
                "active": u.active,
                "created_at": _iso(u.created_at),
                "last_login_at": _iso(u.last_login_at),
            }
            for u in logins
        ],
        "invitations": [
            {
                "email": i.email,
                "created_at": _iso(i.created_at),
                "created_by": name(i.created_by_id),
                "expires_at": _iso(i.expires_at),
                "used_at": _iso(i.used_at),
                "revoked_at": _iso(i.revoked_at),
                "mailed": i.mailed,
            }
            for i in invitations
        ],
        "plans": [_plan(p, name, PDF_NOTES if pdf else None) for p in plans],
        "scorings": [_scoring(s, name, comments_by.get(s.id, [])) for s in scorings],
        "declines": [
            {
                "instrument": d.instrument,
                "reason": d.reason,
                "said_at": _iso(d.created_at),
                "by": name(d.author_id),
                "withdrawn_at": _iso(d.withdrawn_at),
            }
            for d in declines
        ],
        "reminders": [
            {
                "rule": r.rule,
                "subject": r.subject,
                "goal_id": r.goal_id,
                "subgoal_id": r.subgoal_id,
                "due_date": _iso(r.due_date),
                "status": r.status,
                "created_at": _iso(r.created_at),
                "resolved_at": _iso(r.resolved_at),
            }
            for r in reminders
        ],
        "signals_seen": [
            {
                "kind": a.kind,
                "subject": a.subject,
                "basis": _iso(a.basis),
                "note": a.note,
                "seen_by": name(a.seen_by_id),
                "seen_at": _iso(a.seen_at),
            }
            for a in acks
        ],
        "tilsyn_samples": [
            {
                "visit_date": _iso(s.visit_date),
                "method": s.method,
                "method_label": SAMPLE_METHODS.get(s.method, s.method),
                "case_file": s.position,
                "drawn_at": _iso(s.created_at),
                "drawn_by": name(s.created_by_id),
            }
            for s in samples
        ],
    }
    if not pdf:
        record["access_log"] = [
            {
                "at": _iso(e.at),
                "by": name(e.actor_id),
                "role": e.actor_role,
                "teams": teams.get(e.actor_id, []) if e.actor_id is not None else [],
                "what": e.what,
                "path": e.path,
            }
            for e in log
        ]
        return record
    # The PDF's bounds (PDF_SCORINGS …): the log counted, not listed; long lists cut.
    record["access_summary"] = _access_summary(reads, name)
    record["scorings_per_year"] = _scorings_per_year(session, cid)
    record["scorings_left_out"] = sum(y["count"] for y in record["scorings_per_year"]) - len(
        scorings
    )
    for key in ("invitations", "declines", "reminders", "signals_seen"):
        rows = record[key]
        record[key] = rows[-PDF_ROWS:]
        record[f"{key}_left_out"] = len(rows) - len(record[key])
    return record


def _reads_per_period(
    session: Session, cid: int, now: datetime
) -> list[tuple[tuple[int, int], int | None, str, int]]:
    """Her reads counted per period, reader and role: ((year, month), actor, role, count),
    month 0 for a whole year. The periods are months in Danish time, the latest
    PDF_LOG_MONTHS, and whole years before them back to her first read. The database counts
    (one CASE over the periods' first instants), so no row of the log is loaded."""
    first = session.scalar(select(func.min(AccessLog.at)).where(AccessLog.citizen_id == cid))
    if first is None:
        return []
    today = now.astimezone(LOCAL_TZ).date()
    periods: list[tuple[int, int]] = []
    year, month = today.year, today.month
    for _ in range(PDF_LOG_MONTHS):
        periods.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    # The rest of that year, and every year before it back to the first read.
    periods += [(y, 0) for y in range(year, min(year, first.astimezone(LOCAL_TZ).year) - 1, -1)]
    starts = [datetime(y, m or 1, 1, tzinfo=LOCAL_TZ).astimezone(UTC) for y, m in periods]
    # Newest first: a read falls in the first period that began before it.
    bucket = case(
        *[(AccessLog.at >= start, i) for i, start in enumerate(starts)], else_=len(starts) - 1
    )
    # Grouped in an outer query: PostgreSQL does not match a GROUP BY expression whose bound
    # parameters are numbered apart from the SELECT's.
    rows = (
        select(bucket.label("period"), AccessLog.actor_id, AccessLog.actor_role)
        .where(AccessLog.citizen_id == cid)
        .subquery()
    )
    return [
        (periods[period], actor_id, role, n)
        for period, actor_id, role, n in session.execute(
            select(rows.c.period, rows.c.actor_id, rows.c.actor_role, func.count()).group_by(
                rows.c.period, rows.c.actor_id, rows.c.actor_role
            )
        )
    ]


def _access_summary(
    reads: list[tuple[tuple[int, int], int | None, str, int]], name: Any
) -> dict[str, Any]:
    """The counted reads for the PDF: per period, newest first, who read how often in which
    role, most first."""
    counts: dict[tuple[int, int], Counter[tuple[int | None, str]]] = {}
    for period, actor_id, role, n in reads:
        counts.setdefault(period, Counter())[(actor_id, role)] += n
    return {
        "total": sum(r[3] for r in reads),
        "periods": [
            {
                "year": year,
                "month": month or None,
                "count": sum(readers.values()),
                "readers": [
                    {"by": name(actor_id) or "–", "role": role, "count": n}
                    for (actor_id, role), n in sorted(
                        readers.items(), key=lambda item: (-item[1], name(item[0][0]) or "")
                    )
                ],
            }
            for (year, month), readers in sorted(counts.items(), reverse=True)
        ],
    }


def _scorings_per_year(session: Session, cid: int) -> list[dict[str, Any]]:
    """Every scoring of hers, counted per year and instrument with the lowest and highest
    total (a few columns of each row)."""
    groups: dict[tuple[int, str], list[float]] = {}
    for instrument, scored_on, total in session.execute(
        select(Scoring.instrument, Scoring.scored_on, Scoring.total).where(
            Scoring.citizen_id == cid
        )
    ):
        groups.setdefault((scored_on.year, instrument), []).append(total)
    return [
        {
            "year": year,
            "instrument": instrument,
            "count": len(totals),
            "lowest": min(totals),
            "highest": max(totals),
        }
        for (year, instrument), totals in sorted(groups.items(), key=lambda g: (-g[0][0], g[0][1]))
    ]


def _plan(p: Plan, name: Any, notes_cap: int | None) -> dict[str, Any]:
    """The plan with its goals and delmål; with `notes_cap`, each delmål's latest notes."""

    def notes(sg: SubGoal) -> dict[str, Any]:
        shown = sg.notes[:notes_cap] if notes_cap else sg.notes  # newest first
        out: dict[str, Any] = {
            "notes": [
                {"noted_on": _iso(n.noted_on), "text": n.text, "by": name(n.author_id)}
                for n in reversed(shown)
            ]
        }
        if notes_cap:
            out["notes_left_out"] = len(sg.notes) - len(shown)
        return out

    return {
        "id": p.id,
        "legal_basis": p.legal_basis,
        "start_date": _iso(p.start_date),
        "end_date": _iso(p.end_date),
        "status": p.status,
        "sessions_used": p.sessions_used,
        "sessions_granted": p.sessions_granted,
        "note": p.note,
        "created_at": _iso(p.created_at),
        "goals": [
            {
                "id": g.id,
                "external_id": g.external_id,
                "theme": g.theme,
                "theme_label": g.theme_label,
                "specific": g.specific,
                "measurable": g.measurable,
                "agreed": g.agreed,
                "agreed_on": _iso(g.agreed_on),
                "realistic": g.realistic,
                "target_date": _iso(g.target_date),
                "status": g.status,
                "status_label": g.status_label,
                "close_reason": g.close_reason,
                "closed_on": _iso(g.closed_on),
                "created_on": _iso(g.created_on),
                "created_by": name(g.created_by_id),
                "subgoals": [
                    {
                        "id": sg.id,
                        "title": sg.title,
                        "method": sg.method,
                        "method_label": sg.method_label,
                        "approach": sg.approach,
                        "target_date": _iso(sg.target_date),
                        "status": sg.status,
                        "status_label": sg.status_label,
                        "created_on": _iso(sg.created_on),
                        **notes(sg),
                    }
                    for sg in g.subgoals
                ],
            }
            for g in p.goals
        ],
    }


def _scoring(s: Scoring, name: Any, comments: list[dict[str, Any]]) -> dict[str, Any]:
    known = instruments.get(s.instrument) if instruments.exists(s.instrument) else None
    labels = {i.id: plain.item_label(i) for i in known.items} if known else {}
    occasion = known.occasions.get(s.occasion) if known and s.occasion else None
    return {
        "id": s.id,
        "instrument": s.instrument,
        "instrument_version": s.instrument_version,
        "goal_id": s.goal_id,
        "occasion": s.occasion,
        "occasion_label": plain.occasion(s.occasion) if occasion else None,
        "scored_on": _iso(s.scored_on),
        "participation": s.participation,
        "participation_label": plain.participation(s.participation),
        "total": s.total,
        "citizen_comment": s.citizen_comment,
        "worker_note": s.worker_note,
        "scored_by": name(s.scored_by_id),
        "version": s.version,
        "created_at": _iso(s.created_at),
        "updated_at": _iso(s.updated_at),
        "items": [
            {
                "item": i.item,
                "label": labels.get(i.item, i.item),
                "value": i.value,
                "citizen_value": i.citizen_value,
            }
            for i in s.items
        ],
        "revisions": [
            {
                "version": r.version,
                "data": r.data,
                "valid_from": _iso(r.valid_from),
                "replaced_at": _iso(r.replaced_at),
                "replaced_by": name(r.replaced_by_id),
            }
            for r in sorted(s.revisions, key=lambda r: r.version)
        ],
        "comments": comments,
    }
