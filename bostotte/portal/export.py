"""Everything stored about one citizen (GDPR art. 15), as one plain dict: the JSON download
is this dict, the PDF is a template over it. Every query is filtered on her citizen id."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bostotte import instruments
from bostotte.audit.models import AccessLog
from bostotte.auth.models import User
from bostotte.citizens.models import GENDERS, Citizen, Plan
from bostotte.common.db import Session
from bostotte.goals.models import Goal, SubGoal
from bostotte.invitations.models import Invitation
from bostotte.portal.models import ScoringComment, ScoringDecline
from bostotte.portal.services import people
from bostotte.reminders.models import Reminder, SignalAck
from bostotte.scoring.models import Scoring

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
)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def citizen_record(session: Session, citizen: Citizen, *, now: datetime) -> dict[str, Any]:
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
    scorings = list(
        session.scalars(
            select(Scoring)
            .where(Scoring.citizen_id == cid)
            .order_by(Scoring.scored_on, Scoring.id)
            .options(selectinload(Scoring.items), selectinload(Scoring.revisions))
        )
    )
    comments = list(
        session.scalars(
            select(ScoringComment)
            .where(ScoringComment.citizen_id == cid)
            .order_by(ScoringComment.created_at, ScoringComment.id)
        )
    )
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
    log = list(
        session.scalars(
            select(AccessLog)
            .where(AccessLog.citizen_id == cid)
            .order_by(AccessLog.at, AccessLog.id)
        )
    )

    # Names of the staff who appear in her record (and only those): one query.
    ids: set[int | None] = {citizen.caseworker_id, citizen.primary_worker_id}
    ids |= {g.created_by_id for p in plans for g in p.goals}
    ids |= {n.author_id for p in plans for g in p.goals for sg in g.subgoals for n in sg.notes}
    ids |= {s.scored_by_id for s in scorings}
    ids |= {r.replaced_by_id for s in scorings for r in s.revisions}
    ids |= {c.author_id for c in comments} | {d.author_id for d in declines}
    ids |= {i.created_by_id for i in invitations} | {a.seen_by_id for a in acks}
    ids |= {e.actor_id for e in log}
    users = people(session, {i for i in ids if i is not None})

    def name(user_id: int | None) -> str | None:
        if user_id is None:
            return None
        user = users.get(user_id)
        return user.name if user else "(slettet bruger)"

    comments_by: dict[int, list[dict[str, Any]]] = {}
    for c in comments:
        comments_by.setdefault(c.scoring_id, []).append(
            {"text": c.text, "written_at": _iso(c.created_at), "by": name(c.author_id)}
        )

    return {
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
        "plans": [_plan(p, name) for p in plans],
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
        "access_log": [
            {
                "at": _iso(e.at),
                "by": name(e.actor_id),
                "role": e.actor_role,
                "teams": [t.name for t in users[e.actor_id].teams] if e.actor_id in users else [],
                "what": e.what,
                "path": e.path,
            }
            for e in log
        ],
    }


def _plan(p: Plan, name: Any) -> dict[str, Any]:
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
                        "notes": [
                            {"noted_on": _iso(n.noted_on), "text": n.text, "by": name(n.author_id)}
                            for n in reversed(sg.notes)
                        ],
                    }
                    for sg in g.subgoals
                ],
            }
            for g in p.goals
        ],
    }


def _scoring(s: Scoring, name: Any, comments: list[dict[str, Any]]) -> dict[str, Any]:
    known = instruments.get(s.instrument) if instruments.exists(s.instrument) else None
    labels = {i.id: i.label for i in known.items} if known else {}
    occasion = known.occasions.get(s.occasion) if known and s.occasion else None
    return {
        "id": s.id,
        "instrument": s.instrument,
        "instrument_version": s.instrument_version,
        "goal_id": s.goal_id,
        "occasion": s.occasion,
        "occasion_label": occasion.label if occasion else None,
        "scored_on": _iso(s.scored_on),
        "participation": s.participation,
        "participation_label": s.participation_label,
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
