"""CSV cells a spreadsheet will not run as formulas (OWASP, "CSV Injection").

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with
a single quote, which Excel and LibreOffice show as text. A plain number such as `-3` or
`-0,25` is left as it is: it cannot be a formula, and a quote would turn it into text.

The four-file export is read back by the import, so the escape is reversible: a cell that
already begins with quotes before one of those characters gets one more quote too, and
`unescape` takes exactly one away again. `unescape(escape(v)) == v` for every text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def _needs_quote(text: str) -> bool:
    bare = text.lstrip("'")
    return bare.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(bare)


def escape(value: object) -> object:
    """The cell as written: a text that a spreadsheet would evaluate, quoted."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def unescape(text: str) -> str:
    """A cell as the export wrote it, back to its value (the inverse of `escape`)."""
    if text.startswith("'") and _needs_quote(text[1:]):
        return text[1:]
    return text


def row(cells: Iterable[object]) -> list[object]:
    """A row for csv.writer, each cell escaped (None as the empty cell)."""
    return ["" if c is None else escape(c) for c in cells]
