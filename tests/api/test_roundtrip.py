"""A year of a team's work sent through the API gives the same statistics, in `flask
bostotte stats`, on /statistik and at /api/v1/statistics, as the same year imported from the
CSV format into another database."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask_migrate import upgrade

from bostotte import create_app
from bostotte.auth.models import Role
from bostotte.extensions import db
from tests import factories as make
from tests.api import client as script
from tests.conftest import login

YEAR = ["--from", "2026-01-01", "--to", "2026-12-31"]
TEAM = ("T-NORD", "Team Nord")


def _sender(api: Any, token: str) -> script.Send:
    def send(method: str, path: str, body: Any) -> tuple[int, Any]:
        response = api.call(method, path, token, json=body)
        return response.status_code, response.json

    return send


def _numbers(app: Flask) -> tuple[dict[str, Any], str]:
    """The CLI's JSON and the leader's /statistik numbers (its CSV export), in `app`."""
    stats = app.test_cli_runner().invoke(args=["bostotte", "stats", *YEAR])
    assert stats.exit_code == 0, stats.output
    with app.app_context():
        leader = db.session.scalar(db.select(make.User).where(make.User.role == Role.LEADER))
        page = login(app.test_client(), leader).get(
            "/statistik/export.csv", query_string={"from": "2026-01-01", "to": "2026-12-31"}
        )
    assert page.status_code == 200
    return json.loads(stats.output), page.text


def test_a_year_through_the_api_counts_as_the_same_year_imported(
    app, session, api, token_for, tmp_path, empty_database_url
):
    year = script.a_year()
    team = make.team(session, TEAM[1])
    team.external_id = TEAM[0]
    worker = make.user(session, Role.WORKER, [team])
    authority = make.user(session, Role.AUTHORITY)
    leader = make.user(session, Role.LEADER, [team])
    session.commit()
    script.send_year(
        year,
        _sender(api, token_for(worker)),
        _sender(api, token_for(authority)),
        team.id,
        authority.id,
    )
    through_api, api_page = _numbers(app)
    from_api_endpoint = api.get(
        "/statistics", token_for(leader), query_string={"from": "2026-01-01", "to": "2026-12-31"}
    ).json

    other = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with other.app_context():
        upgrade(revision="heads")
        imported = other.test_cli_runner().invoke(
            args=["bostotte", "import", str(script.write_csv(year, tmp_path / "csv", TEAM))]
        )
        assert imported.exit_code == 0, imported.output
        other_team = db.session.scalar(db.select(make.Team))
        make.user(db.session, Role.LEADER, [other_team])
        db.session.commit()
    try:
        from_csv, csv_page = _numbers(other)
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()

    # A real year, not an empty comparison.
    assert through_api["fko"]["total"]["n"] > 20 and through_api["ors"]["n"] == len(year)
    assert through_api == from_csv
    assert api_page == csv_page
    assert from_api_endpoint == through_api
