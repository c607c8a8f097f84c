"""The administrator's access-log viewer: who read which citizen when, filtered, a page at a
time or as CSV. She sees the citizen's id, never her name: the administrator reads no
citizen record, and her reading the log is itself logged (one row per citizen shown)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from marshmallow import validate
from sqlalchemy import ColumnElement, select

from bostotte.audit.models import AccessLog
from bostotte.audit.services import SYSTEM, LogPage, log_accesses, log_page
from bostotte.auth.models import ROLE_LABELS, Role, User
from bostotte.common import csv_safe
from bostotte.common.db import MAX_ID, Session
from bostotte.common.schema import Date, FormSchema, Int
from bostotte.common.time import LOCAL_TZ

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
_ID = validate.Range(1, MAX_ID, error="Skriv et id mellem 1 og {max}.")
_DAY = validate.Range(FIRST_DAY, LAST_DAY, error="Vælg en dato mellem 2000 og 2100.")
CSV_FIELDS = ("Tidspunkt", "Bruger-id", "Bruger", "Rolle", "Borger-id", "Hvad", "Side", "Via")
WHAT = "adgangsloggen (administrator)"


class LogFilterSchema(FormSchema):
    bruger = Int(validate=_ID)
    borger = Int(validate=_ID)
    fra = Date(validate=_DAY)
    til = Date(validate=_DAY)


@dataclass(frozen=True)
class LogFilter:
    user_id: int | None = None
    citizen_id: int | None = None
    start: date | None = None
    end: date | None = None

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> LogFilter:
        return cls(data.get("bruger"), data.get("borger"), data.get("fra"), data.get("til"))

    def where(self) -> list[ColumnElement[bool]]:
        """The dates are whole local days, both included."""
        out: list[ColumnElement[bool]] = []
        if self.user_id is not None:
            out.append(AccessLog.actor_id == self.user_id)
        if self.citizen_id is not None:
            out.append(AccessLog.citizen_id == self.citizen_id)
        if self.start is not None:
            out.append(AccessLog.at >= datetime.combine(self.start, time.min, LOCAL_TZ))
        if self.end is not None:
            next_day = datetime.combine(self.end + timedelta(days=1), time.min, LOCAL_TZ)
            out.append(AccessLog.at < next_day)
        return out

    def args(self, **changes: Any) -> dict[str, Any]:
        """The URL parameters of this view (for the page links and the CSV)."""
        args = {
            "bruger": self.user_id,
            "borger": self.citizen_id,
            "fra": self.start.isoformat() if self.start else None,
            "til": self.end.isoformat() if self.end else None,
            **changes,
        }
        return {k: v for k, v in args.items() if v is not None}


@dataclass(frozen=True)
class Row:
    at: datetime
    user_id: int | None
    user: str
    role: str
    citizen_id: int
    what: str
    path: str
    via: str


@dataclass(frozen=True)
class Viewed:
    rows: list[Row]
    log: LogPage


def _who(entry: AccessLog, users: dict[int, User]) -> tuple[str, str]:
    """Name and role. A citizen reading her own record is named as such, not by her name."""
    if entry.actor_role == SYSTEM:
        return "Kommunens it-drift", "System"
    try:
        role = Role(entry.actor_role)
    except ValueError:
        return "Ukendt", entry.actor_role
    user = users.get(entry.actor_id) if entry.actor_id is not None else None
    if role == Role.CITIZEN:
        return "Borgeren selv", ROLE_LABELS[role]
    return (user.name if user else "Slettet bruger"), ROLE_LABELS[role]


def _rows(session: Session, entries: list[AccessLog]) -> list[Row]:
    ids = {e.actor_id for e in entries if e.actor_id is not None}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    out = []
    for e in entries:
        name, role = _who(e, users)
        out.append(
            Row(e.at, e.actor_id, name, role, e.citizen_id, e.what, e.path or "", e.via or "")
        )
    return out


def view(session: Session, admin: User, where: LogFilter, page: int, path: str) -> Viewed:
    """One page of the log; the citizens whose rows she was shown get a row of her own."""
    log = log_page(session, where.where(), page)
    log_accesses(session, admin, [e.citizen_id for e in log.entries], WHAT, path)
    return Viewed(_rows(session, log.entries), log)


def to_csv(session: Session, admin: User, where: LogFilter, path: str) -> bytes:
    """Every row of the filter, newest first: semicolon-separated UTF-8 with BOM (Danish
    Excel opens it as is), cells a spreadsheet would run as formulas quoted."""
    entries = list(
        session.scalars(
            select(AccessLog)
            .where(*where.where())
            .order_by(AccessLog.at.desc(), AccessLog.id.desc())
        )
    )
    log_accesses(session, admin, [e.citizen_id for e in entries], WHAT + " som CSV", path)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for r in _rows(session, entries):
        cells = [
            r.at.astimezone(LOCAL_TZ).isoformat(timespec="seconds"),
            r.user_id if r.user_id is not None else "",
            r.user,
            r.role,
            r.citizen_id,
            r.what,
            r.path,
            r.via,
        ]
        writer.writerow(csv_safe.row(cells))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
