"""The pedagogical methods a delmål is worked with: a list the municipality keeps.

The built-in list (models.SUBGOAL_METHODS: MI, ICM, CTI, neuropædagogik …) with the
municipality's changes (models.PedagogicalMethod): a method renamed, hidden (not offered
for a new delmål; those that have it keep it and its name) or added. The administrator
keeps it under Administration → Pædagogiske metoder. Statistics count by the method's code,
so renaming one changes no number.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import g, has_app_context
from sqlalchemy import func, select

from bostotte.common.db import Session
from bostotte.common.schema import DomainError
from bostotte.extensions import db
from bostotte.goals.models import SUBGOAL_METHODS, PedagogicalMethod, SubGoal

_MEMO = "bostotte.methods"
CODE_MAX = 40


def methods(session: Session, *, hidden: bool = False) -> dict[str, str]:
    """code → name, the built-in ones first (in their order), then the added ones by name;
    with `hidden`, the hidden ones too (the names of what delmål have)."""
    changes = {m.code: m for m in session.scalars(select(PedagogicalMethod))}
    result: dict[str, str] = {}
    for code, label in SUBGOAL_METHODS.items():
        change = changes.pop(code, None)
        if change is None or hidden or not change.hidden:
            result[code] = change.label if change else label
    for change in sorted(changes.values(), key=lambda m: m.label.casefold()):
        if hidden or not change.hidden:
            result[change.code] = change.label
    return result


def method_label(code: str | None) -> str:
    """A delmål's method by its name (read once per request)."""
    if code is None:
        return "–"
    if has_app_context():
        if _MEMO not in g:
            setattr(g, _MEMO, methods(db.session, hidden=True))
        labels: dict[str, str] = getattr(g, _MEMO)
    else:
        labels = SUBGOAL_METHODS
    return labels.get(code, code)


def _forget() -> None:
    if has_app_context():
        g.pop(_MEMO, None)


def listing(session: Session) -> list[dict[str, Any]]:
    """The administrator's table: every method, whether shown, and how many delmål use it."""
    used = dict(
        session.execute(select(SubGoal.method, func.count()).group_by(SubGoal.method))
        .tuples()
        .all()
    )
    shown = methods(session)
    return [
        {
            "code": code,
            "label": label,
            "hidden": code not in shown,
            "built_in": code in SUBGOAL_METHODS,
            "used": used.get(code, 0),
        }
        for code, label in methods(session, hidden=True).items()
    ]


def _check_name(session: Session, label: str, code: str | None = None) -> None:
    for other, name in methods(session, hidden=True).items():
        if other != code and name.casefold() == label.casefold():
            raise DomainError("Der findes allerede en metode med det navn.", "label")


def add(session: Session, label: str) -> PedagogicalMethod:
    _check_name(session, label)
    code = _code(label)
    taken = set(methods(session, hidden=True))
    base, n = code, 2
    while code in taken:
        suffix = f"-{n}"
        code, n = base[: CODE_MAX - len(suffix)] + suffix, n + 1
    method = PedagogicalMethod(code=code, label=label, hidden=False)
    session.add(method)
    session.flush()
    _forget()
    return method


def _row(session: Session, code: str) -> PedagogicalMethod:
    if code not in methods(session, hidden=True):
        raise DomainError("Metoden findes ikke.")
    row = session.get(PedagogicalMethod, code)
    if row is None:  # a built-in one, unchanged so far
        row = PedagogicalMethod(code=code, label=SUBGOAL_METHODS[code], hidden=False)
        session.add(row)
    return row


def rename(session: Session, code: str, label: str) -> PedagogicalMethod:
    _check_name(session, label, code)
    row = _row(session, code)
    row.label = label
    session.flush()
    _forget()
    return row


def set_hidden(session: Session, code: str, hidden: bool) -> PedagogicalMethod:
    row = _row(session, code)
    if hidden and list(methods(session)) == [code]:
        raise DomainError("Mindst én metode skal kunne vælges.")
    row.hidden = hidden
    session.flush()
    _forget()
    return row


def _code(label: str) -> str:
    """ "Low Arousal" → "low-arousal": ASCII, for URLs and the interchange files."""
    text = label.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = text.replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    code = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return (code or "metode")[:CODE_MAX].strip("-")
