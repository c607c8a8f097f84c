"""Characters input may not hold: the one rule, used by the request's edge (common/guard.py)
and by every schema (common/schema.py's FormSchema: forms, API bodies, import rows)."""

from __future__ import annotations

import re

NUL = "\x00"
# C0 control characters but tab, line feed and carriage return, and DEL. NUL above all:
# PostgreSQL's text columns cannot hold it (an error there, not a miss); the others come
# from a pasted document or an attacker, and would break a PDF, a CSV cell or a screen
# reader's reading of the record.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CONTROL_MESSAGE = (
    "Feltet indeholder et usynligt styretegn (fx fra en kopieret tekst). Fjern det og prøv igen."
)
NUL_MESSAGE = (
    "Det indtastede indeholder et nul-tegn (et usynligt styretegn, fx fra en kopieret "
    "tekst), som ikke kan gemmes. Intet er gemt."
)


def has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


def has_nul(value: str) -> bool:
    return NUL in value
