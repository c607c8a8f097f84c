"""`flask bostotte import DIR` and `flask bostotte export DIR`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from bostotte.audit.services import log_accesses
from bostotte.citizens.models import Citizen
from bostotte.common.db import analyze
from bostotte.common.time import local_today
from bostotte.extensions import db
from bostotte.imports.complete import (
    CompleteImportFailed,
    export_complete,
    has_complete,
    import_complete,
)
from bostotte.imports.export import export_folder
from bostotte.imports.services import ImportFailed, import_folder

EXPORT_WHAT = "eksport af alle data (flask bostotte export)"


@click.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_command(folder: Path) -> None:
    """Import a folder: the complete export (alle/) if it holds one, else teams.csv,
    citizens.csv, goals.csv and scorings.csv. All or nothing."""
    if has_complete(folder):
        try:
            complete = import_complete(db.session, folder)
        except CompleteImportFailed as exc:
            db.session.rollback()
            click.echo(exc.message, err=True)
            click.echo("Intet er importeret.", err=True)
            sys.exit(1)
        db.session.commit()
        analyze(db.session)
        for line in complete.lines():
            click.echo(line)
        return
    try:
        report = import_folder(db.session, folder, local_today())
    except ImportFailed as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"Intet er importeret: {len(exc.errors)} fejl.", err=True)
        sys.exit(1)
    db.session.commit()
    analyze(db.session)
    for line in report.lines():
        click.echo(line)


@click.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_command(folder: Path) -> None:
    """Export everything: the four-file interchange format for case systems, and every
    table, losslessly, in alle/ (to move or keep the data).

    Every citizen's record is read: one access-log row each (the system's, naming the
    folder; her own log page shows the rows with her id, so per citizen, not one per
    export). Written after the files, whatever happened to them (a half-written export was
    still read), so that the export holds the log as it stood and exporting an import gives
    the same bytes."""
    try:
        counts = export_folder(db.session, folder)
        for name, n in counts.items():
            click.echo(f"{name}: {n} rækker skrevet")
        complete = export_complete(db.session, folder)
        click.echo(f"alle/: {len(complete)} tabeller, {sum(complete.values())} rækker skrevet")
    finally:
        db.session.rollback()  # the export only reads; a failed one leaves nothing pending
        citizen_ids = db.session.scalars(select(Citizen.id))
        log_accesses(db.session, None, citizen_ids, EXPORT_WHAT, str(folder.resolve()))
        db.session.commit()
