"""`flask bostotte stats` and `flask bostotte target`: the statistics on the command line."""

from __future__ import annotations

import csv
import json
import sys

import click
from flask import current_app

from bostotte.common import csv_safe
from bostotte.common.schema import DomainError
from bostotte.common.time import local_today
from bostotte.extensions import db
from bostotte.stats import services, snapshots
from bostotte.stats.queries import DIMENSIONS, Period


@click.command("stats")
@click.option("--from", "start", help="Periodens første dag (ÅÅÅÅ-MM-DD); standard 1. januar.")
@click.option("--to", "end", help="Periodens sidste dag (ÅÅÅÅ-MM-DD); standard 31. december.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option("--by", type=click.Choice(DIMENSIONS), help="Opdel efter en dimension.")
@click.option(
    "--min-cell",
    type=int,
    show_default="BOSTOTTE_MIN_CELL",
    help="Celler med færre end så mange vises ikke.",
)
def stats_command(
    start: str | None, end: str | None, fmt: str, by: str | None, min_cell: int | None
) -> None:
    """Print the statistics for a period as JSON or as a flat CSV table."""
    if min_cell is None:  # the setting the leader's page uses too
        min_cell = current_app.config["BOSTOTTE_MIN_CELL"]
    try:
        period = services.period_from_args(start, end, local_today())
        result = services.compute(db.session, period, by=by, min_cell=min_cell, today=local_today())
    except DomainError as exc:
        click.echo(exc.message, err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=services.CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in services.flat_rows(result):
        writer.writerow(dict(zip(row, csv_safe.row(row.values()), strict=True)))


@click.command("target")
@click.option("--theme", required=True, help="Tema, fx mestring.")
@click.option("--share", required=True, help="Målet som andel, fx 0.63 eller 63%.")
@click.option("--from", "start", required=True)
@click.option("--to", "end", required=True)
def target_command(theme: str, share: str, start: str, end: str) -> None:
    """Set a leader target share for a theme and period."""
    try:
        text = share.strip().replace(",", ".")
        value = float(text.rstrip("%")) / 100 if text.endswith("%") else float(text)
        period = services.period_from_args(start, end, local_today())
        services.set_target(db.session, theme, Period(period.start, period.end), value)
    except ValueError:
        click.echo("Skriv målet som et tal, fx 0.63 eller 63%.", err=True)
        sys.exit(2)
    except DomainError as exc:
        click.echo(exc.message, err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(f"Målet for {theme} {period.start}–{period.end} er {value:.0%}.")


@click.command("stats-refresh")
def stats_refresh_command() -> None:
    """Compute every /statistik view leaders read lately anew, as the scheduler does at
    05:00 (stats.snapshots.refresh): e.g. after a large import in the daytime."""
    done = snapshots.refresh(db.session, local_today())
    click.echo(f"{done} visninger af statistikken er beregnet.")
