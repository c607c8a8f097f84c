"""Issue 24's smaller holes: formula cells in CSV, e-mail enumeration, common passwords,
secure cookies and HSTS, the CSRF token at login, statistics targets per team."""

from __future__ import annotations

import csv
import io

from bostotte.common import csv_safe
from tests.stats import bulk

YEAR = {"fra": "2026-01-01", "til": "2026-11-23"}
FORMULA = '=HYPERLINK("http://x","klik")'


def _formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would evaluate (a plain number such as -3 it would not)."""
    return [
        c
        for row in rows
        for c in row
        if c[:1] in csv_safe.TRIGGERS and not csv_safe._PLAIN_NUMBER.fullmatch(c)
    ]


def test_escape_follows_owasp_and_unescape_reverses_it():
    for text in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "'=x", "''@x"):
        assert csv_safe.escape(text) == "'" + text
        assert csv_safe.unescape(csv_safe.escape(text)) == text
    for kept in ("Team Nord", "-3", "-0,25", "12.5", "'quoted", "", "a=b"):
        assert csv_safe.escape(kept) == kept
        assert csv_safe.unescape(kept) == kept
    assert csv_safe.escape(-3) == -3 and csv_safe.row([None, "=x"]) == ["", "'=x"]


def _statistics_world(w, session):
    w.t1.name = FORMULA
    bulk.add(session, bulk.Spec(w.t1.id, 10, w.w1.id, gender="k", status=2, name="Nord"))
    session.commit()


def test_statistics_csv_quotes_a_formula_team_name(w, session, login_as):
    _statistics_world(w, session)
    response = login_as(w.leader).get("/statistik/export.csv", query_string=YEAR)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert "'" + FORMULA in [c for row in rows for c in row]
    assert _formula_cells(rows) == []


def test_statistics_command_quotes_a_formula_team_name(w, session, app):
    _statistics_world(w, session)
    result = app.test_cli_runner().invoke(
        args=[
            "bostotte",
            "stats",
            "--from",
            YEAR["fra"],
            "--to",
            YEAR["til"],
            "--format",
            "csv",
            "--by",
            "team",
            "--min-cell",
            "1",
        ]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert "'" + FORMULA in [c for row in rows for c in row]
    assert _formula_cells(rows) == []
