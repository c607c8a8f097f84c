"""`flask bostotte backup PATH` and `flask bostotte restore PATH`: thin adapters."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from bostotte.common.schema import DomainError
from bostotte.extensions import db
from bostotte.ops import backup


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH while the app serves (online backup)."""
    try:
        size = backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except DomainError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    click.echo(f"Sikkerhedskopi gemt i {path} ({size:,} bytes).".replace(",", "."))


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup in PATH (stop the services first)."""
    if not yes:
        click.confirm("Databasen erstattes af sikkerhedskopien. Fortsæt?", abort=True)
    db.engine.dispose()  # no pooled connection may hold the old file open
    try:
        backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except DomainError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    click.echo(f"Databasen er gendannet fra {path}.")
