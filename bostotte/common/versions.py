"""No lost edit from a form: each edit form carries the version of the record it was opened
at, the save compares it, and a stale save gets a conflict page (409) with her values beside
the current ones instead of writing over a colleague's save."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import render_template, request
from sqlalchemy import inspect, select
from sqlalchemy.orm import object_session
from sqlalchemy.orm.exc import StaleDataError

from bostotte.common.db import Session
from bostotte.common.formatting import dk_date, dk_number

# The hidden field every edit form carries.
VERSION_FIELD = "version"
# The key `submit` returns a conflict under (a stale form or a concurrent save).
CONFLICT_KEY = "_conflict"
CONFLICT_STATUS = 409
EMPTY = "–"


class VersionConflict(StaleDataError):
    """The form was opened at another version than the saved one. A StaleDataError, so it
    is one outcome with the UPDATE that finds the version moved on (`submit`, the API)."""


def submitted_version(form: Mapping[str, str], field: str = VERSION_FIELD) -> int | None:
    """The version the form was opened at; None when the form sent none. Anything else
    than a number is a version no record has, so the save is refused as stale."""
    raw = (form.get(field) or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1


def expect_version(session: Session, record: Any, submitted: int | None) -> None:
    """Lock the record's row and refuse the save when it has moved on from the version the
    form was opened at (or from the one this request read). The lock makes two saves of
    one record wait for each other on PostgreSQL, so the second compares against the
    first's result; SQLite writes one at a time anyway."""
    mapper = inspect(record).mapper
    (key,) = mapper.primary_key
    current = session.execute(
        select(mapper.version_id_col).where(key == getattr(record, key.key)).with_for_update()
    ).scalar_one()
    if current != record.version or (submitted is not None and submitted != current):
        raise VersionConflict(f"{mapper.class_.__name__} {record.id}: version {current}")


def is_conflict(errors: Mapping[str, list[str]]) -> bool:
    return CONFLICT_KEY in errors


@dataclass(frozen=True)
class Row:
    label: str
    hers: str
    current: str

    @property
    def differs(self) -> bool:
        return self.hers != self.current


def shown(value: Any, choices: Mapping[str, str] | None = None) -> str:
    """A stored or typed value as the conflict page shows it, so equal values read equal."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, date):
        return dk_date(value)
    if isinstance(value, (int, float)):  # a number, or the id of a choice (a team, a user)
        key = str(int(value)) if float(value).is_integer() else str(value)
        return choices[key] if choices and key in choices else dk_number(value)
    text = str(value).strip()
    if choices and text in choices:
        return choices[text]
    try:
        return dk_date(date.fromisoformat(text))
    except ValueError:
        return text or EMPTY


def row(label: str, hers: Any, current: Any, choices: Mapping[str, str] | None = None) -> Row:
    """One field: what she typed read as the kind of value that is saved (a ticked box, a
    number with a decimal comma), so that the same value reads the same on both sides."""
    if isinstance(current, bool):
        hers = bool(hers)
    elif isinstance(current, (int, float)) and isinstance(hers, str):
        with suppress(ValueError):  # not a number: shown as she typed it
            hers = float(hers.strip().replace(",", "."))
    return Row(label, shown(hers, choices), shown(current, choices))


def field_rows(
    record: Any,
    form: Mapping[str, str],
    fields: Mapping[str, str],
    choices: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Row]:
    """Her typed value and the saved one, field by field (`fields`: name → Danish label).
    The record is read again: a concurrent save may have come after this request read it."""
    object_session(record).refresh(record)  # type: ignore[union-attr]
    return [
        row(label, form.get(name), getattr(record, name), (choices or {}).get(name))
        for name, label in fields.items()
    ]


def conflict_page(
    what: str,
    rows: list[Row],
    versions: Mapping[str, object],
    back_url: str,
    current_url: str | None = None,
) -> tuple[str, int]:
    """The 409 page: her values beside the current ones. She can open the form again with
    the current values (`current_url`, by default the form's own page; nothing of hers is
    saved), or save hers over the current ones on purpose: her form is sent again with the
    versions it now knows (`versions`: hidden field → current version)."""
    form = request.form
    resend = [(k, v) for k, v in form.items(multi=True) if k not in versions and k != "csrf_token"]
    return render_template(
        "errors/conflict.html",
        what=what,
        rows=rows,
        resend=resend,
        versions=versions,
        action=request.full_path.rstrip("?"),
        back_url=back_url,
        current_url=current_url or request.path,
    ), CONFLICT_STATUS
