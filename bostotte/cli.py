"""`flask bostotte …`: thin adapters over the services."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select

from bostotte.api.cli import token_group
from bostotte.auth import oidc
from bostotte.auth.models import Role, Team
from bostotte.auth.services import create_user
from bostotte.common.db import analyze
from bostotte.common.schema import DomainError
from bostotte.common.time import local_today, utcnow
from bostotte.demo import services as demo
from bostotte.extensions import db
from bostotte.imports.cli import export_command, import_command
from bostotte.ops.cli import backup_command, restore_command
from bostotte.reminders.cli import reminders_group, scheduler_command
from bostotte.retention.cli import retention_command
from bostotte.stats.cli import stats_command, stats_refresh_command, target_command

bostotte_cli = AppGroup("bostotte", help="Bostøtte: demo data, users and operations.")
for _command in (
    import_command,
    export_command,
    stats_command,
    target_command,
    stats_refresh_command,
    reminders_group,
    scheduler_command,
    backup_command,
    restore_command,
    retention_command,
    token_group,
):
    bostotte_cli.add_command(_command)


def _today(value: str | None) -> date:
    return date.fromisoformat(value) if value else local_today()


@bostotte_cli.command("demo")
@click.option("--today", help="Make the history end on this date (YYYY-MM-DD).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database holds data.")
def demo_command(today: str | None, if_empty: bool) -> None:
    """Load demo teams, users and 40 citizens with two years of history."""
    state = demo.database_state(db.session)
    if state == "demo" or (state == "data" and if_empty):
        click.echo("Databasen har allerede data; demodata indlæses ikke igen.")
        if demo.has_demo_logins(db.session):
            click.echo(demo.LOGINS_TEXT)
        return
    if state == "data":
        click.echo(
            "Databasen indeholder data, der ikke er demodata. Demodata indlæses ikke.", err=True
        )
        sys.exit(1)
    summary = demo.load_demo(db.session, _today(today))
    db.session.commit()
    analyze(db.session)
    click.echo(summary)
    click.echo(demo.LOGINS_TEXT)


@bostotte_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role if r not in (Role.CITIZEN, Role.SERVICE)]),
)
@click.option("--team", "teams", multiple=True, help="Team name (repeatable).")
@click.option(
    "--sso-subject",
    default="",
    help="Her subject at the single sign-on provider (sub, or oid in Entra ID); "
    "then no password is asked for.",
)
@click.option("--password", default=None, help="Asked for (hidden) when not given.")
def create_user_command(
    email: str,
    name: str,
    role: str,
    teams: tuple[str, ...],
    sso_subject: str,
    password: str | None,
) -> None:
    """Create a staff login."""
    found = list(db.session.scalars(select(Team).where(Team.name.in_(teams))))
    missing = set(teams) - {t.name for t in found}
    if missing:
        click.echo(f"Ukendt team: {', '.join(sorted(missing))}", err=True)
        sys.exit(1)
    if not sso_subject and password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        issuer = oidc.staff_issuer() if sso_subject else ""
        user = create_user(
            db.session, email=email, name=name, role=role, password=password or None, teams=found
        )
        if sso_subject:
            oidc.link_staff_identity(db.session, user, sso_subject, issuer, utcnow())
    except DomainError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Brugeren {email} er oprettet.")
