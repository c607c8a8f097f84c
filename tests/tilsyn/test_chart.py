"""The spindelvæv's words and numbers: its summary, its table and when it is drawn."""

from __future__ import annotations

from datetime import date

from bostotte.tilsyn import services
from bostotte.tilsyn.chart import radar
from tests import factories as make
from tests.factories import World


def _visit(session, w: World, day: date, scores: dict[str, int]):  # type: ignore[no-untyped-def]
    return services.create_visit(
        session,
        w.leader,
        {
            "visit_date": day,
            "kind": "egen_vurdering",
            "visitor": "Tilbuddet selv",
            "offer": "Nord",
            "model_version": "2024",
            "team_ids": [w.t1.id],
            "form": {f"score-{k}": str(v) for k, v in scores.items()},
        },
        make.TODAY,
    )


FIRST = {"1.a": 3, "2.a": 4, "3.a": 3, "4.a": 4, "8.a": 4, "9.a": 3, "10.a": 2, "14.a": 4}


def test_one_visit_summary_names_highest_and_lowest(session, w: World) -> None:
    visit = _visit(session, w, date(2025, 3, 1), FIRST)
    chart = radar(services.visit_report(session, visit))
    assert chart.summary == (
        "Besøget 1. mar. 2025 scorer højest i Selvstændighed og relationer, Sundhed og trivsel "
        "og Fysiske rammer (4) og lavest i Kompetencer (2)."
    )
    assert "web--first" not in chart.svg and "web--latest" in chart.svg
    assert chart.table.columns == ("Tema", "Dette besøg (1. mar. 2025)")
    # Organisation og ledelse: criteria 8 (4) and 9 (3) → 3,5
    assert ("Organisation og ledelse", "3,5") in chart.table.rows


def test_against_the_previous_visit(session, w: World) -> None:
    _visit(session, w, date(2025, 3, 1), FIRST)
    later = _visit(session, w, date(2026, 3, 1), {**FIRST, "10.a": 3, "1.a": 2})
    chart = radar(services.visit_report(session, later))
    assert chart.summary.endswith(
        "Mod forrige besøg er scoren højere i Kompetencer, lavere i Uddannelse og "
        "beskæftigelse og uændret i 5 temaer."
    )
    assert "web--first" in chart.svg_narrow
    assert "Forrige → dette besøg:" in chart.svg_narrow
    assert ("Kompetencer", "3", "2", "1 højere") in chart.table.rows
    assert ("Fysiske rammer", "4", "4", "Uændret") in chart.table.rows


def test_fewer_than_three_themes_are_not_drawn(session, w: World) -> None:
    visit = _visit(session, w, date(2025, 3, 1), {"8.a": 5, "10.a": 2})
    chart = radar(services.visit_report(session, visit))
    assert chart.empty
    assert "mindst tre temaer" in chart.summary
    assert ("Kompetencer", "2") in chart.table.rows
