"""Import of the interchange format: all or nothing, idempotent on external_id.

Every row is checked first (file, line and a Danish reason for each bad row); only a
folder without a single bad row is written, in one transaction.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import selectinload

from bostotte import instruments
from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session
from bostotte.common.schema import load_form
from bostotte.common.time import add_months, utcnow
from bostotte.goals.models import MAX_ACTIVE_GOALS, Goal
from bostotte.imports.schemas import COLUMNS, METHOD_NAMES, CitizenCsvRow, GoalCsvRow, TeamCsvRow
from bostotte.reminders import hooks as reminder_hooks
from bostotte.scoring.models import Scoring, ScoringItem, ScoringRevision

FILES = tuple(COLUMNS)
BATCH = 5000


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} fejl")
        self.errors = errors


@dataclass
class FileCounts:
    read: int = 0
    created: int = 0
    updated: int = 0


@dataclass
class Report:
    files: dict[str, FileCounts] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            f"{name}: {c.read} rækker læst, {c.created} oprettet, {c.updated} opdateret"
            for name, c in self.files.items()
        ]


# --------------------------------------------------------------------------- reading


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV file as a Danish spreadsheet or a script writes it: UTF-8 with
    or without BOM, `,` or `;` between fields. Cells come in the order of COLUMNS."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header_line = fh.readline()
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        fh.seek(0)
        if fh.read(1) != "\ufeff":
            fh.seek(0)
        reader = csv.reader(fh, delimiter=delimiter)
        header = [h.strip() for h in next(reader, [])]
        expected = COLUMNS[path.name]
        missing = [c for c in expected if c not in header]
        if missing:
            raise ImportFailed(
                [RowError(path.name, 1, "mangler kolonnen " + ", ".join(f"«{c}»" for c in missing))]
            )
        index = [header.index(c) for c in expected]
        width = len(header)
        for row in reader:
            if not any(row):
                continue
            if len(row) < width:
                row += [""] * (width - len(row))
            yield reader.line_num, [row[i].strip() for i in index]


def read_dicts(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    columns = COLUMNS[path.name]
    for line, cells in read_rows(path):
        yield line, dict(zip(columns, cells, strict=True))


def _load(
    schema: Any, name: str, line: int, raw: dict[str, str], errors: list[RowError]
) -> dict[str, Any] | None:
    data, field_errors = load_form(schema, raw)
    for key, messages in field_errors.items():
        errors.append(RowError(name, line, f"{key}: {' '.join(messages)}"))
    return None if field_errors else data


# ------------------------------------------------------------------------ validation


@dataclass
class Parsed:
    teams: dict[str, dict[str, Any]] = field(default_factory=dict)
    citizens: dict[str, dict[str, Any]] = field(default_factory=dict)
    goals: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (citizen, goal, instrument, occasion, scored_on) -> {item: value}
    sessions: dict[tuple[str, str, str, str, date], dict[str, float]] = field(default_factory=dict)
    read: Counter[str] = field(default_factory=Counter)


def _unique(kind: dict[str, Any], key: str, name: str, line: int, errors: list[RowError]) -> bool:
    if key in kind:
        errors.append(
            RowError(
                name,
                line,
                f"external_id «{key}» står der to gange "
                f"(første gang på linje {kind[key]['_line']})",
            )
        )
        return False
    return True


def parse_folder(session: Session, folder: Path) -> Parsed:
    """Read and check every file; raises ImportFailed listing every bad row."""
    errors: list[RowError] = []
    parsed = Parsed()
    present = [name for name in FILES if (folder / name).exists()]
    if not present:
        raise ImportFailed(
            [RowError(str(folder), 0, "mappen har ingen af filerne " + ", ".join(FILES))]
        )
    known_teams = set(
        session.scalars(select(Team.external_id).where(Team.external_id.is_not(None)))
    )
    known_citizens = {
        ext: methods
        for ext, *methods in session.execute(
            select(Citizen.external_id, Citizen.uses_fko, Citizen.uses_fit, Citizen.uses_rem).where(
                Citizen.external_id.is_not(None)
            )
        )
    }
    db_goals = {
        ext: (cit, status)
        for ext, cit, status in session.execute(
            select(Goal.external_id, Citizen.external_id, Goal.status)
            .join(Citizen, Citizen.id == Goal.citizen_id)
            .where(Goal.external_id.is_not(None))
        )
    }

    for name, schema, target in (
        ("teams.csv", TeamCsvRow(), parsed.teams),
        ("citizens.csv", CitizenCsvRow(), parsed.citizens),
        ("goals.csv", GoalCsvRow(), parsed.goals),
    ):
        if name not in present:
            continue
        try:
            for line, raw in read_dicts(folder / name):
                parsed.read[name] += 1
                data = _load(schema, name, line, raw, errors)
                if data is not None and _unique(target, data["external_id"], name, line, errors):
                    data["_line"] = line
                    target[data["external_id"]] = data
        except ImportFailed as exc:
            errors.extend(exc.errors)

    teams = known_teams | set(parsed.teams)
    citizen_methods: dict[str, set[str]] = {
        ext: {m for m, on in zip(METHOD_NAMES, flags, strict=True) if on}
        for ext, flags in known_citizens.items()
    }
    for ext, c in parsed.citizens.items():
        methods = {m.strip() for m in c["methods"].split(";") if m.strip()}
        unknown = methods - set(METHOD_NAMES)
        if unknown:
            errors.append(
                RowError("citizens.csv", c["_line"], f"ukendt metode: {', '.join(sorted(unknown))}")
            )
        if c["team"] not in teams:
            errors.append(RowError("citizens.csv", c["_line"], f"ukendt team «{c['team']}»"))
        if c["end_date"] and c["end_date"] < c["start_date"]:
            errors.append(RowError("citizens.csv", c["_line"], "end_date ligger før start_date"))
        c["methods"] = methods & set(METHOD_NAMES)
        citizen_methods[ext] = c["methods"]

    goal_citizen = {ext: cit for ext, (cit, _s) in db_goals.items()}
    active: Counter[str] = Counter(
        cit
        for ext, (cit, status) in db_goals.items()
        if status == "active" and ext not in parsed.goals
    )
    for ext, g in parsed.goals.items():
        if g["citizen"] not in citizen_methods:
            errors.append(RowError("goals.csv", g["_line"], f"ukendt borger «{g['citizen']}»"))
            continue
        goal_citizen[ext] = g["citizen"]
        if g["status"] == "active":
            active[g["citizen"]] += 1
            if active[g["citizen"]] > MAX_ACTIVE_GOALS:
                errors.append(
                    RowError(
                        "goals.csv",
                        g["_line"],
                        f"borgeren «{g['citizen']}» har allerede {MAX_ACTIVE_GOALS} aktive mål",
                    )
                )

    if "scorings.csv" in present:
        try:
            _parse_scorings(folder / "scorings.csv", parsed, citizen_methods, goal_citizen, errors)
        except ImportFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ImportFailed(
            sorted(errors, key=lambda e: (FILES.index(e.file) if e.file in FILES else -1, e.line))
        )
    return parsed


def _parse_scorings(
    path: Path,
    parsed: Parsed,
    citizen_methods: dict[str, set[str]],
    goal_citizen: dict[str, str],
    errors: list[RowError],
) -> None:
    """Hand-checked rather than through a schema: this file has millions of rows."""
    name = path.name
    first_line: dict[tuple[str, str, str, str, date], int] = {}
    dates: dict[str, date] = {}  # a few thousand distinct days among millions of rows
    registry = instruments.registry()
    for line, (citizen, goal, inst_name, occasion, day, item, raw_value) in read_rows(path):
        parsed.read[name] += 1

        def bad(reason: str, line: int = line) -> None:
            errors.append(RowError(name, line, reason))

        inst = registry.get(inst_name)
        if inst is None:
            bad(f"ukendt instrument «{inst_name}»")
            continue
        if citizen not in citizen_methods:
            bad(f"ukendt borger «{citizen}»")
            continue
        if inst.method not in citizen_methods[citizen]:
            bad(f"borgeren «{citizen}» bruger ikke {inst.method}")
            continue
        if inst.subject == "goal":
            if goal_citizen.get(goal) != citizen:
                bad(f"ukendt mål «{goal}» for borgeren «{citizen}»")
                continue
            if occasion not in inst.occasions:
                bad(f"occasion skal være en af {', '.join(inst.occasions)}")
                continue
        elif goal or occasion:
            bad(f"goal og occasion skal være tomme for {inst.id}")
            continue
        scored_on = dates.get(day)
        if scored_on is None:
            try:
                scored_on = dates[day] = date.fromisoformat(day)
            except ValueError:
                bad(f"ugyldig dato «{day}» (skriv ÅÅÅÅ-MM-DD)")
                continue
        if item not in inst.item_ids:
            bad(f"{inst.id} har ikke punktet «{item}»")
            continue
        value, error = instruments.parse_value(raw_value, inst)
        if error:
            bad(f"{item}: {error}")
            continue
        key = (citizen, goal, inst.id, occasion, scored_on)
        values = parsed.sessions.setdefault(key, {})
        first_line.setdefault(key, line)
        if item in values:
            bad(f"punktet «{item}» står to gange for samme scoring")
            continue
        assert value is not None
        values[item] = value
    for key, values in parsed.sessions.items():
        missing = [i for i in registry[key[2]].item_ids if i not in values]
        if missing:
            errors.append(
                RowError(
                    name,
                    first_line[key],
                    f"{key[2]} den {key[4]} mangler punktet {', '.join(missing)}",
                )
            )


# --------------------------------------------------------------------------- writing


def import_folder(session: Session, folder: Path, today: date) -> Report:
    """Check everything, then write everything. The caller commits; its commit resolves
    the reminders the imported records answer (`reminders.hooks`)."""
    parsed = parse_folder(session, folder)
    with session.no_autoflush:
        return _write(session, folder, parsed, today)


def _write(session: Session, folder: Path, parsed: Parsed, today: date) -> Report:
    report = Report(
        {name: FileCounts(read=parsed.read[name]) for name in FILES if (folder / name).exists()}
    )
    team_ids = _write_teams(session, parsed, report)
    citizen_ids = _write_citizens(session, parsed, team_ids, report)
    goal_ids = _write_goals(session, parsed, citizen_ids, today, report)
    _write_scorings(session, parsed, citizen_ids, goal_ids, report)
    session.flush()
    return report


def _existing(session: Session, model: Any, keys: Iterable[str]) -> dict[str, Any]:
    """The records among `keys` that exist already, in one query per batch."""
    keys = list(keys)
    found: dict[str, Any] = {}
    for i in range(0, len(keys), BATCH):
        found.update(
            (o.external_id, o)
            for o in session.scalars(
                select(model).where(model.external_id.in_(keys[i : i + BATCH]))
            )
        )
    return found


def _upsert(
    session: Session,
    model: Any,
    existing: dict[str, Any],
    ext: str,
    values: dict[str, Any],
    counts: FileCounts | None,
) -> Any:
    obj = existing.get(ext)
    if obj is None:
        obj = existing[ext] = model(external_id=ext, **values)
        session.add(obj)
        if counts:
            counts.created += 1
    elif any(getattr(obj, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(obj, k, v)
        if counts:
            counts.updated += 1
    return obj


def _ids_by_external_id(session: Session, model: Any) -> dict[str, int]:
    return {
        ext: id_
        for ext, id_ in session.execute(
            select(model.external_id, model.id).where(model.external_id.is_not(None))
        )
        if ext
    }


def _write_teams(session: Session, parsed: Parsed, report: Report) -> dict[str, int]:
    counts = report.files.get("teams.csv")
    existing = _existing(session, Team, parsed.teams)
    for ext, t in parsed.teams.items():
        _upsert(session, Team, existing, ext, {"name": t["name"]}, counts)
    session.flush()
    return _ids_by_external_id(session, Team)


def _write_citizens(
    session: Session, parsed: Parsed, team_ids: dict[str, int], report: Report
) -> dict[str, int]:
    counts = report.files.get("citizens.csv")
    existing = _existing(session, Citizen, parsed.citizens)
    for ext, c in parsed.citizens.items():
        _upsert(
            session,
            Citizen,
            existing,
            ext,
            {
                "display_name": c["display_name"],
                "birth_year": c["birth_year"],
                "gender": c["gender"],
                "team_id": team_ids[c["team"]],
                "legal_basis": c["legal_basis"],
                "start_date": c["start_date"],
                "end_date": c["end_date"],
                "uses_fko": "FKO" in c["methods"],
                "uses_fit": "FIT" in c["methods"],
                "uses_rem": "REM" in c["methods"],
                "pakke1": c["pakke1"] == "1",
            },
            counts,
        )
    session.flush()
    return _ids_by_external_id(session, Citizen)


def _plan_for(session: Session, citizen: Citizen, goals: list[dict[str, Any]], today: date) -> Plan:
    """The plan imported goals belong to: the citizen's active (else latest) plan, or one
    covering her indsats, made once."""
    plan = citizen.active_plan or (citizen.plans[0] if citizen.plans else None)
    if plan is not None:
        return plan
    end = citizen.end_date or max(
        [add_months(citizen.start_date, 12)] + [g["target_date"] for g in goals if g["target_date"]]
    )
    plan = Plan(
        citizen=citizen,
        legal_basis=citizen.legal_basis,
        start_date=citizen.start_date,
        end_date=end,
        status="closed" if citizen.end_date and end < today else "active",
        note="Oprettet ved import",
    )
    session.add(plan)
    return plan


def _write_goals(
    session: Session, parsed: Parsed, citizen_ids: dict[str, int], today: date, report: Report
) -> dict[str, int]:
    counts = report.files.get("goals.csv")
    by_citizen: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in parsed.goals.values():
        by_citizen[g["citizen"]].append(g)
    existing = _existing(session, Goal, parsed.goals)
    citizens = {
        c.id: c
        for c in session.scalars(
            select(Citizen)
            .where(Citizen.id.in_([citizen_ids[e] for e in by_citizen]))
            .options(selectinload(Citizen.plans))
        )
    }
    plans = {
        ext: _plan_for(session, citizens[citizen_ids[ext]], goals, today)
        for ext, goals in by_citizen.items()
    }
    session.flush()  # the new plans' ids, for the goals
    for citizen_ext, goals in by_citizen.items():
        citizen, plan = citizens[citizen_ids[citizen_ext]], plans[citizen_ext]
        for g in goals:
            values = {
                k: g[k]
                for k in ("theme", "specific", "measurable", "target_date", "status", "created_on")
            }
            if g["external_id"] not in existing:
                values |= {"plan_id": plan.id, "citizen_id": citizen.id}
            _upsert(session, Goal, existing, g["external_id"], values, counts)
    session.flush()
    return _ids_by_external_id(session, Goal)


def _write_scorings(
    session: Session,
    parsed: Parsed,
    citizen_ids: dict[str, int],
    goal_ids: dict[str, int],
    report: Report,
) -> None:
    counts = report.files.get("scorings.csv")
    if counts is None or not parsed.sessions:
        return
    registry = instruments.registry()
    wanted_citizens = sorted({citizen_ids[k[0]] for k in parsed.sessions})
    existing: dict[tuple[int, int | None, str, str | None, date], int] = {}
    for i in range(0, len(wanted_citizens), BATCH):
        for sid, cid, gid, inst, occ, on in session.execute(
            select(
                Scoring.id,
                Scoring.citizen_id,
                Scoring.goal_id,
                Scoring.instrument,
                Scoring.occasion,
                Scoring.scored_on,
            ).where(Scoring.citizen_id.in_(wanted_citizens[i : i + BATCH]))
        ):
            existing[(cid, gid, inst, occ, on)] = sid
    new_rows: list[dict[str, Any]] = []
    new_values: list[dict[str, float]] = []
    now = utcnow()
    for (cit, goal, inst_id, occasion, scored_on), values in parsed.sessions.items():
        inst = registry[inst_id]
        key = (
            citizen_ids[cit],
            goal_ids[goal] if goal else None,
            inst_id,
            occasion or None,
            scored_on,
        )
        if key in existing:
            if _update_scoring(session, existing[key], inst, values):
                counts.updated += len(values)
            continue
        new_rows.append(
            {
                "citizen_id": key[0],
                "goal_id": key[1],
                "instrument": inst_id,
                "instrument_version": inst.version,
                "occasion": key[3],
                "scored_on": scored_on,
                "participation": "together",
                "total": inst.total(values),
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        new_values.append(values)
    ids = _reserve_ids(session, len(new_rows))
    scorings, items = Scoring.__table__, ScoringItem.__table__
    for i in range(0, len(new_rows), BATCH):
        batch = [
            {**row, "id": sid}
            for row, sid in zip(new_rows[i : i + BATCH], ids[i : i + BATCH], strict=True)
        ]
        # Core executemany on the tables: the ORM's per-object work is not needed here.
        session.execute(insert(scorings), batch)
        session.execute(
            insert(items),
            [
                {"scoring_id": row["id"], "item": item, "position": pos, "value": vals[item]}
                for row, vals in zip(batch, new_values[i : i + BATCH], strict=True)
                for pos, item in enumerate(registry[row["instrument"]].item_ids)
            ],
        )
        counts.created += sum(len(v) for v in new_values[i : i + BATCH])
    # Core inserts bypass the flush that tells the reminders hook what was recorded: name
    # the citizens, so the commit resolves the reminders these scorings answer, as a form's.
    reminder_hooks.touched(session, {row["citizen_id"] for row in new_rows})


def _reserve_ids(session: Session, n: int) -> list[int]:
    """Ids for n new scorings, so items can be inserted without a RETURNING per row."""
    if n == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence('scorings', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": n},
            )
        )
    # SQLite: this transaction has written already, so it holds the database's write lock.
    start = (session.scalar(select(func.max(Scoring.id))) or 0) + 1
    return list(range(start, start + n))


def _update_scoring(session: Session, scoring_id: int, inst: Any, values: dict[str, float]) -> bool:
    """A changed row updates its scoring; the earlier version is kept as a revision."""
    scoring = session.get_one(Scoring, scoring_id)
    if scoring.values == values:
        return False
    session.add(
        ScoringRevision(
            scoring=scoring,
            version=scoring.version,
            data=scoring.snapshot(),
            valid_from=scoring.updated_at,
        )
    )
    by_item = {i.item: i for i in scoring.items}
    for item, value in values.items():
        by_item[item].value = value
    scoring.total = inst.total(values)
    scoring.version += 1
    scoring.updated_at = utcnow()
    return True
