"""Import of the interchange format: all or nothing, idempotent on external_id.

Every row is checked first (file, line and a Danish reason for each bad row); only a
folder without a single bad row is written, in one transaction.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bostotte import instruments
from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen, Plan
from bostotte.common.db import Session
from bostotte.common.schema import load_form
from bostotte.common.time import add_months, utcnow
from bostotte.goals.models import MAX_ACTIVE_GOALS, Goal
from bostotte.imports.schemas import COLUMNS, METHOD_NAMES, CitizenRow, GoalRow, TeamRow
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
        return [f"{name}: {c.read} rækker læst, {c.created} oprettet, {c.updated} opdateret"
                for name, c in self.files.items()]


# --------------------------------------------------------------------------- reading

def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) pairs of a CSV file as a Danish spreadsheet or a script writes it:
    UTF-8 with or without BOM, `,` or `;` between fields."""
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
            raise ImportFailed([RowError(path.name, 1, "mangler kolonnen "
                                         + ", ".join(f"«{c}»" for c in missing))])
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            yield reader.line_num, dict(zip(header, (c.strip() for c in row), strict=False))


def _load(schema: Any, name: str, line: int, raw: dict[str, str],
          errors: list[RowError]) -> dict[str, Any] | None:
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
    sessions: dict[tuple[str, str, str, str, date], dict[str, float]] = field(
        default_factory=dict)
    read: Counter[str] = field(default_factory=Counter)


def _unique(kind: dict[str, Any], key: str, name: str, line: int,
            errors: list[RowError]) -> bool:
    if key in kind:
        errors.append(RowError(name, line, f"external_id «{key}» står der to gange "
                                           f"(første gang på linje {kind[key]['_line']})"))
        return False
    return True


def parse_folder(session: Session, folder: Path) -> Parsed:
    """Read and check every file; raises ImportFailed listing every bad row."""
    errors: list[RowError] = []
    parsed = Parsed()
    present = [name for name in FILES if (folder / name).exists()]
    if not present:
        raise ImportFailed([RowError(str(folder), 0, "mappen har ingen af filerne "
                                     + ", ".join(FILES))])
    known_teams = set(session.scalars(select(Team.external_id).where(
        Team.external_id.is_not(None))))
    known_citizens = {ext: methods for ext, *methods in session.execute(
        select(Citizen.external_id, Citizen.uses_fko, Citizen.uses_fit, Citizen.uses_rem)
        .where(Citizen.external_id.is_not(None)))}
    db_goals = {ext: (cit, status) for ext, cit, status in session.execute(
        select(Goal.external_id, Citizen.external_id, Goal.status)
        .join(Citizen, Citizen.id == Goal.citizen_id).where(Goal.external_id.is_not(None)))}

    for name, schema, target in (("teams.csv", TeamRow(), parsed.teams),
                                 ("citizens.csv", CitizenRow(), parsed.citizens),
                                 ("goals.csv", GoalRow(), parsed.goals)):
        if name not in present:
            continue
        try:
            for line, raw in read_rows(folder / name):
                parsed.read[name] += 1
                data = _load(schema, name, line, raw, errors)
                if data is not None and _unique(target, data["external_id"], name, line,
                                                errors):
                    data["_line"] = line
                    target[data["external_id"]] = data
        except ImportFailed as exc:
            errors.extend(exc.errors)

    teams = known_teams | set(parsed.teams)
    citizen_methods: dict[str, set[str]] = {
        ext: {m for m, on in zip(METHOD_NAMES, flags, strict=True) if on}
        for ext, flags in known_citizens.items()}
    for ext, c in parsed.citizens.items():
        methods = {m.strip() for m in c["methods"].split(";") if m.strip()}
        unknown = methods - set(METHOD_NAMES)
        if unknown:
            errors.append(RowError("citizens.csv", c["_line"],
                                   f"ukendt metode: {', '.join(sorted(unknown))}"))
        if c["team"] not in teams:
            errors.append(RowError("citizens.csv", c["_line"], f"ukendt team «{c['team']}»"))
        if c["end_date"] and c["end_date"] < c["start_date"]:
            errors.append(RowError("citizens.csv", c["_line"], "end_date ligger før start_date"))
        c["methods"] = methods & set(METHOD_NAMES)
        citizen_methods[ext] = c["methods"]

    goal_citizen = {ext: cit for ext, (cit, _s) in db_goals.items()}
    active: Counter[str] = Counter(cit for ext, (cit, status) in db_goals.items()
                                   if status == "active" and ext not in parsed.goals)
    for ext, g in parsed.goals.items():
        if g["citizen"] not in citizen_methods:
            errors.append(RowError("goals.csv", g["_line"], f"ukendt borger «{g['citizen']}»"))
            continue
        goal_citizen[ext] = g["citizen"]
        if g["status"] == "active":
            active[g["citizen"]] += 1
            if active[g["citizen"]] > MAX_ACTIVE_GOALS:
                errors.append(RowError(
                    "goals.csv", g["_line"],
                    f"borgeren «{g['citizen']}» har allerede {MAX_ACTIVE_GOALS} aktive mål"))

    if "scorings.csv" in present:
        try:
            _parse_scorings(folder / "scorings.csv", parsed, citizen_methods, goal_citizen,
                            errors)
        except ImportFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: (FILES.index(e.file)
                                                         if e.file in FILES else -1, e.line)))
    return parsed


def _parse_scorings(path: Path, parsed: Parsed, citizen_methods: dict[str, set[str]],
                    goal_citizen: dict[str, str], errors: list[RowError]) -> None:
    """Hand-checked rather than through a schema: this file has millions of rows."""
    name = path.name
    first_line: dict[tuple[str, str, str, str, date], int] = {}
    registry = instruments.registry()
    for line, row in read_rows(path):
        parsed.read[name] += 1

        def bad(reason: str, line: int = line) -> None:
            errors.append(RowError(name, line, reason))

        inst = registry.get(row.get("instrument", ""))
        if inst is None:
            bad(f"ukendt instrument «{row.get('instrument', '')}»")
            continue
        citizen, goal = row.get("citizen", ""), row.get("goal", "")
        occasion = row.get("occasion", "")
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
        try:
            scored_on = date.fromisoformat(row.get("scored_on", ""))
        except ValueError:
            bad(f"ugyldig dato «{row.get('scored_on', '')}» (skriv ÅÅÅÅ-MM-DD)")
            continue
        item = row.get("item", "")
        if item not in inst.item_ids:
            bad(f"{inst.id} har ikke punktet «{item}»")
            continue
        value, error = instruments.parse_value(row.get("value"), inst)
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
            errors.append(RowError(name, first_line[key], f"{key[2]} den {key[4]} mangler "
                                   f"punktet {', '.join(missing)}"))


# --------------------------------------------------------------------------- writing

def import_folder(session: Session, folder: Path, today: date) -> Report:
    """Check everything, then write everything (the caller commits)."""
    parsed = parse_folder(session, folder)
    report = Report({name: FileCounts(read=parsed.read[name]) for name in FILES
                     if (folder / name).exists()})
    team_ids = _write_teams(session, parsed, report)
    citizen_ids = _write_citizens(session, parsed, team_ids, report)
    goal_ids = _write_goals(session, parsed, citizen_ids, today, report)
    _write_scorings(session, parsed, citizen_ids, goal_ids, report)
    session.flush()
    return report


def _upsert(session: Session, model: Any, ext: str, values: dict[str, Any],
            counts: FileCounts | None) -> Any:
    obj = session.scalar(select(model).where(model.external_id == ext))
    if obj is None:
        obj = model(external_id=ext, **values)
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
    return {ext: id_ for ext, id_ in session.execute(
        select(model.external_id, model.id).where(model.external_id.is_not(None))) if ext}


def _write_teams(session: Session, parsed: Parsed, report: Report) -> dict[str, int]:
    counts = report.files.get("teams.csv")
    for ext, t in parsed.teams.items():
        _upsert(session, Team, ext, {"name": t["name"]}, counts)
    session.flush()
    return _ids_by_external_id(session, Team)


def _write_citizens(session: Session, parsed: Parsed, team_ids: dict[str, int],
                    report: Report) -> dict[str, int]:
    counts = report.files.get("citizens.csv")
    for ext, c in parsed.citizens.items():
        _upsert(session, Citizen, ext, {
            "display_name": c["display_name"], "birth_year": c["birth_year"],
            "gender": c["gender"], "team_id": team_ids[c["team"]],
            "legal_basis": c["legal_basis"], "start_date": c["start_date"],
            "end_date": c["end_date"], "uses_fko": "FKO" in c["methods"],
            "uses_fit": "FIT" in c["methods"], "uses_rem": "REM" in c["methods"],
            "pakke1": c["pakke1"] == "1"}, counts)
    session.flush()
    return _ids_by_external_id(session, Citizen)


def _plan_for(session: Session, citizen: Citizen, goals: list[dict[str, Any]],
              today: date) -> Plan:
    """The plan imported goals belong to: the citizen's active (else latest) plan, or one
    covering her indsats, made once."""
    plan = citizen.active_plan or (citizen.plans[0] if citizen.plans else None)
    if plan is not None:
        return plan
    end = citizen.end_date or max([add_months(citizen.start_date, 12)]
                                  + [g["target_date"] for g in goals if g["target_date"]])
    plan = Plan(citizen=citizen, legal_basis=citizen.legal_basis, start_date=citizen.start_date,
                end_date=end, status="closed" if citizen.end_date and end < today else "active",
                note="Oprettet ved import")
    session.add(plan)
    session.flush()
    return plan


def _write_goals(session: Session, parsed: Parsed, citizen_ids: dict[str, int], today: date,
                 report: Report) -> dict[str, int]:
    counts = report.files.get("goals.csv")
    by_citizen: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in parsed.goals.values():
        by_citizen[g["citizen"]].append(g)
    for citizen_ext, goals in by_citizen.items():
        citizen = session.get_one(Citizen, citizen_ids[citizen_ext])
        plan = _plan_for(session, citizen, goals, today)
        for g in goals:
            values = {k: g[k] for k in ("theme", "specific", "measurable", "target_date",
                                        "status", "created_on")}
            goal = session.scalar(select(Goal).where(Goal.external_id == g["external_id"]))
            if goal is None:
                values |= {"plan_id": plan.id, "citizen_id": citizen.id}
            _upsert(session, Goal, g["external_id"], values, counts)
    session.flush()
    return _ids_by_external_id(session, Goal)


def _write_scorings(session: Session, parsed: Parsed, citizen_ids: dict[str, int],
                    goal_ids: dict[str, int], report: Report) -> None:
    counts = report.files.get("scorings.csv")
    if counts is None or not parsed.sessions:
        return
    registry = instruments.registry()
    wanted_citizens = sorted({citizen_ids[k[0]] for k in parsed.sessions})
    existing: dict[tuple[int, int | None, str, str | None, date], int] = {}
    for i in range(0, len(wanted_citizens), BATCH):
        for sid, cid, gid, inst, occ, on in session.execute(
                select(Scoring.id, Scoring.citizen_id, Scoring.goal_id, Scoring.instrument,
                       Scoring.occasion, Scoring.scored_on)
                .where(Scoring.citizen_id.in_(wanted_citizens[i:i + BATCH]))):
            existing[(cid, gid, inst, occ, on)] = sid
    new_rows: list[dict[str, Any]] = []
    new_values: list[dict[str, float]] = []
    now = utcnow()
    for (cit, goal, inst_id, occasion, scored_on), values in parsed.sessions.items():
        inst = registry[inst_id]
        key = (citizen_ids[cit], goal_ids[goal] if goal else None, inst_id, occasion or None,
               scored_on)
        if key in existing:
            if _update_scoring(session, existing[key], inst, values):
                counts.updated += len(values)
            continue
        new_rows.append({"citizen_id": key[0], "goal_id": key[1], "instrument": inst_id,
                         "instrument_version": inst.version, "occasion": key[3],
                         "scored_on": scored_on, "participation": "together",
                         "total": inst.total(values), "version": 1, "created_at": now,
                         "updated_at": now})
        new_values.append(values)
    for i in range(0, len(new_rows), BATCH):
        ids = session.execute(
            insert(Scoring).returning(Scoring.id, sort_by_parameter_order=True),
            new_rows[i:i + BATCH]).scalars().all()
        items = [{"scoring_id": sid, "item": item, "position": pos, "value": vals[item]}
                 for sid, row, vals in zip(ids, new_rows[i:i + BATCH],
                                           new_values[i:i + BATCH], strict=True)
                 for pos, item in enumerate(registry[row["instrument"]].item_ids)]
        session.execute(insert(ScoringItem), items)
        counts.created += sum(len(v) for v in new_values[i:i + BATCH])


def _update_scoring(session: Session, scoring_id: int, inst: Any,
                    values: dict[str, float]) -> bool:
    """A changed row updates its scoring; the earlier version is kept as a revision."""
    scoring = session.get_one(Scoring, scoring_id)
    if scoring.values == values:
        return False
    session.add(ScoringRevision(scoring=scoring, version=scoring.version,
                                data=scoring.snapshot(), valid_from=scoring.updated_at))
    by_item = {i.item: i for i in scoring.items}
    for item, value in values.items():
        by_item[item].value = value
    scoring.total = inst.total(values)
    scoring.version += 1
    scoring.updated_at = utcnow()
    return True
