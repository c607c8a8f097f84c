"""`flask bostotte retention --dry-run | --apply`: a thin adapter."""

from __future__ import annotations

import click
from flask import current_app

from bostotte.common.time import local_today, utcnow
from bostotte.extensions import db
from bostotte.retention import services


@click.command("retention")
@click.option("--apply", "apply_", is_flag=True, help="Anonymise and delete (else: list only).")
@click.option("--dry-run", is_flag=True, help="List what would be anonymised (the default).")
def retention_command(apply_: bool, dry_run: bool) -> None:
    """Anonymise citizens whose indsats ended more than BOSTOTTE_RETENTION_YEARS ago, and
    delete access-log rows older than BOSTOTTE_ACCESS_LOG_YEARS."""
    if apply_ and dry_run:
        raise click.UsageError("Vælg enten --dry-run eller --apply.")
    config, today = current_app.config, local_today()
    found = services.due(db.session, today, config["BOSTOTTE_RETENTION_YEARS"])
    click.echo(
        f"{len(found)} borgere er afsluttet for mere end "
        f"{config['BOSTOTTE_RETENTION_YEARS']} år siden:"
    )
    for item in found:  # ids and dates only: the names are what is about to go
        click.echo(f"  borger {item.citizen_id} ({item.team}), afsluttet {item.ended}")
    if not apply_:
        click.echo("Intet er ændret (kør med --apply for at anonymisere).")
        return
    result = services.apply(
        db.session,
        today,
        utcnow(),
        config["BOSTOTTE_RETENTION_YEARS"],
        config["BOSTOTTE_ACCESS_LOG_YEARS"],
    )
    db.session.commit()
    click.echo(
        f"{result.anonymised} borgere anonymiseret, {result.log_rows} rækker slettet "
        f"fra adgangsloggen, {result.idempotency_keys} gamle Idempotency-Keys fra API'et slettet."
    )
