"""`flask bostotte token create | list | revoke`: service tokens for scripts and
integrations, made on the command line."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from bostotte.api import tokens
from bostotte.api.models import ApiToken
from bostotte.auth.models import Team
from bostotte.common.schema import DomainError
from bostotte.common.time import utcnow
from bostotte.extensions import db


@click.group("token")
def token_group() -> None:
    """API tokens for integrations (service tokens)."""


@token_group.command("create")
@click.option("--name", required=True, help="What the token is for, e.g. Nexus.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(list(tokens.SCOPES)),
    help="Repeatable.",
)
@click.option("--team", "teams", multiple=True, required=True, help="Team name (repeatable).")
@click.option("--days", default=tokens.DEFAULT_DAYS, show_default=True, type=int)
def create_command(name: str, scopes: tuple[str, ...], teams: tuple[str, ...], days: int) -> None:
    """Create a service token and print it (once: only its hash is kept)."""
    found = list(db.session.scalars(select(Team).where(Team.name.in_(teams))))
    if missing := set(teams) - {t.name for t in found}:
        click.echo(f"Ukendt team: {', '.join(sorted(missing))}", err=True)
        sys.exit(1)
    try:
        token, secret = tokens.create_service(
            db.session, None, name, list(scopes), [t.id for t in found], days, utcnow()
        )
    except DomainError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Nøglen «{token.name}» gælder til {token.expires_at:%Y-%m-%d}. Gem den nu:")
    click.echo(secret)


@token_group.command("list")
def list_command() -> None:
    """The service tokens: prefix, name, scopes, expiry, state."""
    for token in tokens.service_tokens(db.session):
        state = "tilbagekaldt" if token.revoked_at else f"udløber {token.expires_at:%Y-%m-%d}"
        teams = ", ".join(t.name for t in token.user.teams)
        click.echo(f"{token.prefix}…  {token.name}  [{token.scopes}]  {teams}  {state}")


@token_group.command("revoke")
@click.argument("prefix")
def revoke_command(prefix: str) -> None:
    """Revoke the token whose prefix (as `token list` shows it) is PREFIX."""
    found = list(db.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)))
    if len(found) != 1:
        click.echo("Ingen nøgle (eller flere) med det præfiks.", err=True)
        sys.exit(1)
    tokens.revoke(db.session, found[0], utcnow())
    db.session.commit()
    click.echo(f"Nøglen «{found[0].name}» er tilbagekaldt.")
