"""Import of the interchange format: all or nothing, idempotent on external_id.

Every row is checked first (file, line and a Danish reason for each bad row); only a
folder without a single bad row is written, in one transaction: the caller's, which
commits, or rolls back on ImportFailed.

Memory stays flat however many scorings the folder holds. Teams, citizens and goals (tens
of thousands at national scale) are read into memory and written with Core statements
(COPY on PostgreSQL). scorings.csv is streamed: each row is checked as it is read, and the
rows of a scoring that follow each other in the file go as one row into a temporary staging
table (COPY on PostgreSQL, batches on SQLite; `staging.Stage`), with the line the scoring
starts on. The format does not promise that a scoring's rows stand together, so SQL then
gathers the parts of each scoring (citizen, goal, instrument, occasion, date) and finds any
with an item missing or given twice; only then is the file read again, to name each such
line. The new scorings and their items are written from the staging tables with
INSERT … SELECT; scorings that exist already are compared in SQL, and the changed ones are
updated a batch at a time, each keeping its earlier version as a revision.
"""

from __future__ import annotations

import codecs
import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from sqlalchemy import Table, bindparam, func, insert, select, text
from sqlalchemy.orm.exc import StaleDataError

from bostotte import instruments
from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen, Plan
from bostotte.common import csv_safe
from bostotte.common.dates import scoring_date_error
from bostotte.common.db import Session
from bostotte.common.schema import load_form
from bostotte.common.time import UTCDateTime, add_months, utcnow
from bostotte.goals import history
from bostotte.goals.models import MAX_ACTIVE_GOALS, Goal, GoalRevision
from bostotte.imports.schemas import COLUMNS, METHOD_NAMES, CitizenCsvRow, GoalCsvRow, TeamCsvRow
from bostotte.imports.staging import Stage, insert_rows, is_postgresql, without_indexes
from bostotte.reminders import hooks as reminder_hooks
from bostotte.reminders.models import Reminder
from bostotte.scoring.models import Scoring, ScoringItem, ScoringRevision
from bostotte.stats import freshness as stats_freshness

FILES = tuple(COLUMNS)
SCORING_COLUMNS = len(COLUMNS["scorings.csv"])
BATCH = 5000  # rows fetched at a time when reading a table through
UPDATE_BATCH = 1000  # changed scorings per round of revisions and updates
# New scorings from this many on, when at least as many as the table holds already (a first
# import, a move), are written with the tables' indexes dropped and built again afterwards
# (`staging.without_indexes`). Tests lower it.
BULK_MIN_ROWS = 100_000
# Bounds on the caches of a scoring row's checks: a file has a few thousand distinct dates
# and a few hundred distinct values; a file of garbage must not fill the memory with them.
CACHE_LIMIT = 100_000

# The staging tables (temporary: the connection's own).
PARTS = "bostotte_import_parts"
SPLIT = "bostotte_import_split"
MERGED = "bostotte_import_merged"
NEW = "bostotte_import_new"
FOUND = "bostotte_import_found"
CHANGED = "bostotte_import_changed"
CITIZEN_IDS = "bostotte_import_citizens"
GOAL_IDS = "bostotte_import_goals"
INSTRUMENTS = "bostotte_import_instruments"
OCCASIONS = "bostotte_import_occasions"
ITEMS = "bostotte_import_items"


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


def _reader(fh: IO[str], path: Path) -> tuple[Any, list[int], int]:
    """A csv reader past the header of a file as a Danish spreadsheet or a script writes
    it (UTF-8 with or without BOM, `,` or `;` between fields), the positions of COLUMNS in
    it, and its width."""
    header_line = fh.readline()
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    fh.seek(0)
    if fh.read(1) != "\ufeff":
        fh.seek(0)
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise _csv_failed(path, 1, exc) from None
    expected = COLUMNS[path.name]
    missing = [c for c in expected if c not in header]
    if missing:
        raise ImportFailed(
            [RowError(path.name, 1, "mangler kolonnen " + ", ".join(f"«{c}»" for c in missing))]
        )
    return reader, [header.index(c) for c in expected], len(header)


CHUNK = 1 << 20
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS_UTF8 = "gem filen som »CSV UTF-8« og prøv igen"


def file_error(path: Path) -> RowError | None:
    """Why the file cannot be read as the format's text, with the line: not a file (a
    folder named teams.csv), UTF-16, not UTF-8 (Latin-1 from an old Excel, a binary file),
    a NUL byte (no database text holds one). One pass in binary, a chunk at a time, before
    the csv reader sees the file; None when it may be read."""
    if not path.is_file():
        return RowError(path.name, 0, "er ikke en fil (men fx en mappe)")
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as fh:
        first = True
        while chunk := fh.read(CHUNK):
            if first and chunk.startswith(UTF16_BOMS):
                return RowError(path.name, 1, f"filen er gemt som UTF-16; {SAVE_AS_UTF8}")
            first = False
            if (nul := chunk.find(b"\0")) >= 0:
                return RowError(
                    path.name, line + chunk.count(b"\n", 0, nul), "linjen har et nul-tegn (NUL)"
                )
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad = line + chunk.count(b"\n", 0, exc.start)
                return RowError(
                    path.name, bad, f"linjen er ikke UTF-8 (fx Latin-1 eller binær); {SAVE_AS_UTF8}"
                )
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return RowError(path.name, line, f"filen slutter midt i et tegn; {SAVE_AS_UTF8}")
    return None


def _csv_failed(path: Path, line: int, exc: csv.Error) -> ImportFailed:
    """The csv reader's refusal as a row error (its own messages are English)."""
    if "field larger than field limit" in str(exc):
        reason = f"et felt er længere end {csv.field_size_limit():,} tegn".replace(",", ".")
    else:
        reason = "linjen kan ikke læses som CSV (fx et citationstegn, der ikke lukkes)"
    return ImportFailed([RowError(path.name, line, reason)])


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV file, cells stripped and in the order of COLUMNS."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader, index, width = _reader(fh, path)
        try:
            for row in reader:
                if not any(row):
                    continue
                if len(row) < width:
                    row += [""] * (width - len(row))
                yield reader.line_num, [csv_safe.unescape(row[i].strip()) for i in index]
        except csv.Error as exc:
            raise _csv_failed(path, reader.line_num, exc) from None


@contextmanager
def raw_rows(path: Path) -> Iterator[tuple[Any, Iterable[list[str]]]]:
    """(reader, rows) of a CSV file for the millions of rows of scorings.csv: each row's
    cells as written (not stripped: the checks strip a cell only when it does not match
    as it is), in the order of COLUMNS, and `reader.line_num` its line. A row may be
    shorter than COLUMNS (pad it), or empty (skip it). When the columns stand in the order
    of COLUMNS the rows are the csv reader's own, not copied. The header is checked on
    entering (ImportFailed)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader, index, width = _reader(fh, path)
        try:
            if index == list(range(len(index))):
                yield reader, reader
            else:
                yield reader, _reordered(reader, index, width)
        except csv.Error as exc:
            raise _csv_failed(path, reader.line_num, exc) from None


def _reordered(reader: Any, index: list[int], width: int) -> Iterator[list[str]]:
    for row in reader:
        if any(row):
            if len(row) < width:
                row += [""] * (width - len(row))
            cells = [row[i] for i in index]
            if not any(cells):  # filled only outside COLUMNS: still a row (stripped, the
                cells[0] = " "  # space checks as the empty cell it stands for)
            yield cells


def _padded(cells: list[str]) -> list[str] | None:
    """A row of scorings.csv shorter than COLUMNS, padded; None if it is empty."""
    if not any(cells):
        return None
    return cells + [""] * (SCORING_COLUMNS - len(cells))


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


# ------------------------------------------------------------- scorings' rows, checked

# A scoring: (citizen code, goal code or 0, instrument code, occasion code or 0, date; the
# date as ISO text on SQLite, which stores it so).
Key = tuple[int, int, int, int, date | str]


@dataclass
class _Instrument:
    code: int
    instrument: instruments.Instrument
    positions: dict[str, int]  # item -> position
    values: dict[str, tuple[float | None, str | None]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.instrument.id

    @property
    def mask(self) -> int:
        return (1 << len(self.positions)) - 1


class Codes:
    """Instruments, occasions and items as the small numbers the staging tables hold."""

    def __init__(self) -> None:
        registry = instruments.registry()
        self.instruments = [
            _Instrument(code, registry[name], {i: p for p, i in enumerate(registry[name].item_ids)})
            for code, name in enumerate(sorted(registry), start=1)
        ]
        self.by_name = {e.id: e for e in self.instruments}
        self.by_code = {e.code: e for e in self.instruments}
        names = sorted({o for e in self.instruments for o in e.instrument.occasions})
        self.occasions = {name: code for code, name in enumerate(names, start=1)}
        self.width = max(len(e.positions) for e in self.instruments)
        self.values = [f"v{p}" for p in range(self.width)]


class ScoringChecks:
    """The checks of one row of scorings.csv (instrument, citizen, method, goal, occasion,
    date, item, value, in that order, each with its Danish reason). A row that names the
    same scoring as the row before it (the usual case) reuses that row's checks of the
    scoring; only its item and value are checked anew."""

    def __init__(
        self,
        codes: Codes,
        citizens: dict[str, tuple[int, frozenset[str]]],
        goals: dict[str, tuple[str, int]],
        known_citizens: int,
        dates_as_text: bool,
        starts: dict[str, date],
        today: date,
    ) -> None:
        self.codes = codes
        self.citizens = citizens  # external id -> (code, methods)
        self.goals = goals  # external id -> (citizen's external id, code)
        self.known_citizens = known_citizens  # codes up to here: citizens in the database
        self.names_existing = False  # does a scoring name a citizen already in the database?
        self.dates: dict[str, tuple[date, date | str]] = {}  # as written -> (date, as staged)
        self.dates_as_text = dates_as_text  # SQLite keeps dates as ISO text
        self.starts = starts  # external id -> the citizen's start (the scoring date rule)
        self.today = today
        self._head: list[str] | None = None
        self._scoring: tuple[Key, _Instrument] | str = ""

    def check(self, cells: list[str]) -> tuple[Key, int, float] | str:
        """(scoring, item position, value), or why the row is refused."""
        head = cells[:5]
        if head != self._head:
            self._head = head
            self._scoring = self._check_scoring(*(csv_safe.unescape(c.strip()) for c in head))
        scoring = self._scoring
        if isinstance(scoring, str):
            return scoring
        key, entry = scoring
        item = cells[5]
        position = entry.positions.get(item)
        if position is None:
            item = item.strip()
            position = entry.positions.get(item)
            if position is None:
                return f"{entry.id} har ikke punktet «{item}»"
        raw = cells[6]
        parsed = entry.values.get(raw)
        if parsed is None:
            parsed = instruments.parse_value(raw, entry.instrument)
            if len(entry.values) < CACHE_LIMIT:
                entry.values[raw] = parsed
        value, error = parsed
        if error:
            return f"{item}: {error}"
        assert value is not None
        return key, position, value

    def _check_scoring(
        self, citizen: str, goal: str, name: str, occasion: str, day: str
    ) -> tuple[Key, _Instrument] | str:
        entry = self.codes.by_name.get(name)
        if entry is None:
            return f"ukendt instrument «{name}»"
        known = self.citizens.get(citizen)
        if known is None:
            return f"ukendt borger «{citizen}»"
        citizen_code, methods = known
        inst = entry.instrument
        if inst.method not in methods:
            return f"borgeren «{citizen}» bruger ikke {inst.method}"
        goal_code = occasion_code = 0
        if inst.subject == "goal":
            known_goal = self.goals.get(goal)
            if known_goal is None or known_goal[0] != citizen:
                return f"ukendt mål «{goal}» for borgeren «{citizen}»"
            if occasion not in inst.occasions:
                return f"occasion skal være en af {', '.join(inst.occasions)}"
            goal_code, occasion_code = known_goal[1], self.codes.occasions[occasion]
        elif goal or occasion:
            return f"goal og occasion skal være tomme for {inst.id}"
        known_day = self.dates.get(day)
        if known_day is None:
            try:
                parsed = date.fromisoformat(day)
            except ValueError:
                return f"ugyldig dato «{day}» (skriv ÅÅÅÅ-MM-DD)"
            known_day = (parsed, parsed.isoformat() if self.dates_as_text else parsed)
            if len(self.dates) < CACHE_LIMIT:
                self.dates[day] = known_day
        parsed, scored_on = known_day
        if date_error := scoring_date_error(parsed, self.starts[citizen], self.today):
            return f"scored_on {day}: {date_error}"
        if citizen_code <= self.known_citizens:
            self.names_existing = True
        return (citizen_code, goal_code, entry.code, occasion_code, scored_on), entry


# ------------------------------------------------------------------------ validation


class TeamRow(NamedTuple):
    line: int
    name: str


class CitizenRow(NamedTuple):
    line: int
    display_name: str
    birth_year: int
    gender: str
    team: str
    legal_basis: str
    start_date: date
    end_date: date | None
    methods: str  # as written; the checked set is in Parsed.citizen_refs
    pakke1: bool


class GoalRow(NamedTuple):
    line: int
    citizen: str
    theme: str
    specific: str
    measurable: str | None
    target_date: date | None
    status: str
    created_on: date


def _team_row(line: int, d: dict[str, Any], _share: Callable[[Any], Any]) -> TeamRow:
    return TeamRow(line, d["name"])


def _citizen_row(line: int, d: dict[str, Any], share: Callable[[Any], Any]) -> CitizenRow:
    return CitizenRow(
        line,
        d["display_name"],
        d["birth_year"],
        share(d["gender"]),
        share(d["team"]),
        share(d["legal_basis"]),
        share(d["start_date"]),
        share(d["end_date"]),
        share(d["methods"]),
        d["pakke1"] == "1",
    )


def _goal_row(line: int, d: dict[str, Any], share: Callable[[Any], Any]) -> GoalRow:
    return GoalRow(
        line,
        share(d["citizen"]),
        share(d["theme"]),
        d["specific"],
        d["measurable"],
        share(d["target_date"]),
        share(d["status"]),
        share(d["created_on"]),
    )


@dataclass
class Parsed:
    """The checked folder: teams, citizens and goals by external id, as small tuples (the
    values many rows repeat, such as dates and themes, held once)."""

    teams: dict[str, TeamRow] = field(default_factory=dict)
    citizens: dict[str, CitizenRow] = field(default_factory=dict)
    goals: dict[str, GoalRow] = field(default_factory=dict)
    read: Counter[str] = field(default_factory=Counter)
    # Every citizen and goal a scoring may name, the database's and the files': the code
    # the staging tables know it by until the new ones have ids, and her methods (the
    # goal's citizen).
    citizen_refs: dict[str, tuple[int, frozenset[str]]] = field(default_factory=dict)
    goal_refs: dict[str, tuple[str, int]] = field(default_factory=dict)
    codes: Codes | None = None
    scorings_staged: bool = False  # scorings.csv is in the staging tables
    parts: int = 0  # … in so many parts
    scorings_name_existing: bool = False  # … and names a citizen already in the database


def _unique(kind: dict[str, Any], key: str, name: str, line: int, errors: list[RowError]) -> bool:
    if key in kind:
        errors.append(
            RowError(
                name,
                line,
                f"external_id «{key}» står der to gange (første gang på linje {kind[key].line})",
            )
        )
        return False
    return True


def parse_folder(session: Session, folder: Path, stage: Stage, today: date) -> Parsed:
    """Read and check every file, scorings.csv into `stage`; raises ImportFailed listing
    every bad row."""
    errors: list[RowError] = []
    parsed = Parsed()
    present = [name for name in FILES if (folder / name).exists()]
    if not present:
        raise ImportFailed(
            [RowError(str(folder), 0, "mappen har ingen af filerne " + ", ".join(FILES))]
        )
    if unreadable := [e for name in present if (e := file_error(folder / name))]:
        raise ImportFailed(unreadable)
    known_teams = set(
        session.scalars(select(Team.external_id).where(Team.external_id.is_not(None)))
    )
    method_sets: dict[frozenset[str], frozenset[str]] = {}  # one object per combination
    refs = parsed.citizen_refs
    starts: dict[str, date] = {}
    for ext, start, *flags in session.execute(
        select(
            Citizen.external_id,
            Citizen.start_date,
            Citizen.uses_fko,
            Citizen.uses_fit,
            Citizen.uses_rem,
        ).where(Citizen.external_id.is_not(None))
    ):
        starts[ext] = start
        methods = frozenset(m for m, on in zip(METHOD_NAMES, flags, strict=True) if on)
        refs[ext] = (len(refs) + 1, method_sets.setdefault(methods, methods))
    known_citizens = len(refs)  # codes 1 … known_citizens are citizens in the database
    db_goals = {
        ext: (cit, status)
        for ext, cit, status in session.execute(
            select(Goal.external_id, Citizen.external_id, Goal.status)
            .join(Citizen, Citizen.id == Goal.citizen_id)
            .where(Goal.external_id.is_not(None))
        )
    }

    shared: dict[Any, Any] = {}

    def share(value: Any) -> Any:
        return shared.setdefault(value, value)

    files: list[tuple[str, Any, dict[str, Any], Callable[..., Any]]] = [
        ("teams.csv", TeamCsvRow(), parsed.teams, _team_row),
        ("citizens.csv", CitizenCsvRow(), parsed.citizens, _citizen_row),
        ("goals.csv", GoalCsvRow(), parsed.goals, _goal_row),
    ]
    for name, schema, target, compact in files:
        if name not in present:
            continue
        try:
            for line, raw in read_dicts(folder / name):
                parsed.read[name] += 1
                data = _load(schema, name, line, raw, errors)
                if data is not None and _unique(target, data["external_id"], name, line, errors):
                    target[data["external_id"]] = compact(line, data, share)
        except ImportFailed as exc:
            errors.extend(exc.errors)
    shared.clear()

    teams = known_teams | set(parsed.teams)
    for ext, c in parsed.citizens.items():
        methods = frozenset(m.strip() for m in c.methods.split(";") if m.strip())
        unknown = methods - set(METHOD_NAMES)
        if unknown:
            errors.append(
                RowError("citizens.csv", c.line, f"ukendt metode: {', '.join(sorted(unknown))}")
            )
        if c.team not in teams:
            errors.append(RowError("citizens.csv", c.line, f"ukendt team «{c.team}»"))
        if c.end_date and c.end_date < c.start_date:
            errors.append(RowError("citizens.csv", c.line, "end_date ligger før start_date"))
        methods &= frozenset(METHOD_NAMES)
        starts[ext] = c.start_date
        code = refs[ext][0] if ext in refs else len(refs) + 1
        refs[ext] = (code, method_sets.setdefault(methods, methods))

    goal_refs = parsed.goal_refs
    for ext, (cit, _status) in db_goals.items():
        goal_refs[ext] = (cit, len(goal_refs) + 1)
    active: Counter[str] = Counter(
        cit
        for ext, (cit, status) in db_goals.items()
        if status == "active" and ext not in parsed.goals
    )
    del db_goals
    for ext, g in parsed.goals.items():
        if g.citizen not in refs:
            errors.append(RowError("goals.csv", g.line, f"ukendt borger «{g.citizen}»"))
            continue
        code = goal_refs[ext][1] if ext in goal_refs else len(goal_refs) + 1
        goal_refs[ext] = (g.citizen, code)
        if g.status == "active":
            active[g.citizen] += 1
            if active[g.citizen] > MAX_ACTIVE_GOALS:
                errors.append(
                    RowError(
                        "goals.csv",
                        g.line,
                        f"borgeren «{g.citizen}» har allerede {MAX_ACTIVE_GOALS} aktive mål",
                    )
                )

    if "scorings.csv" in present:
        parsed.codes = Codes()
        checks = ScoringChecks(
            parsed.codes,
            refs,
            goal_refs,
            known_citizens,
            dates_as_text=not stage.postgresql,
            starts=starts,
            today=today,
        )
        path = folder / "scorings.csv"
        try:
            _stage_scorings(path, checks, stage, parsed, errors)
        except ImportFailed as exc:
            errors.extend(exc.errors)
        else:
            parsed.scorings_staged = True
            parsed.scorings_name_existing = checks.names_existing
            flagged = _gather_scorings(stage, parsed.codes)
            if flagged:
                errors.extend(_item_errors(path, checks, flagged))
    if errors:
        raise ImportFailed(
            sorted(errors, key=lambda e: (FILES.index(e.file) if e.file in FILES else -1, e.line))
        )
    return parsed


def _stage_scorings(
    path: Path, checks: ScoringChecks, stage: Stage, parsed: Parsed, errors: list[RowError]
) -> None:
    """Check every row; the rows of a scoring that follow each other in the file become one
    row of PARTS: its number (1, 2, … in the order of the file), the line it starts on,
    the scoring, how many rows, a bit per item position and the values by position."""
    name = path.name
    codes = checks.codes
    stage.create(
        PARTS,
        [
            ("part", "int"),
            ("first_line", "int"),
            ("citizen", "int"),
            ("goal", "int"),
            ("instrument", "small"),
            ("occasion", "small"),
            ("scored_on", "date"),
            ("n", "int"),  # rows: a repeated item counts too
            ("mask", "int"),
            *((v, "float") for v in codes.values),
        ],
    )
    columns = ["part", "first_line", "citizen", "goal", "instrument", "occasion", "scored_on"]
    empty: list[float | None] = [None] * codes.width
    read = part = 0
    check = checks.check
    with (
        raw_rows(path) as (reader, rows),
        stage.writer(PARTS, [*columns, "n", "mask", *codes.values]) as write,
    ):
        key: Key | None = None
        first = n = mask = 0
        values = empty
        # The scoring's first five cells as the current part's last row had them, and its
        # instrument's items and values already checked: a row that repeats them (most
        # rows of a scoring) is taken without another call.
        head: list[str] | None = None
        positions: dict[str, int] = {}
        known: dict[str, tuple[float | None, str | None]] = {}
        for cells in rows:
            if len(cells) < SCORING_COLUMNS:
                padded = _padded(cells)
                if padded is None:
                    continue
                cells = padded
            elif not cells[0] and not any(cells):
                continue
            read += 1
            if cells[:5] == head:
                position = positions.get(cells[5])
                checked = known.get(cells[6])
                if position is not None and checked is not None and checked[1] is None:
                    n += 1
                    if not mask >> position & 1:
                        mask |= 1 << position
                        values[position] = checked[0]
                    continue
            result = check(cells)
            if isinstance(result, str):
                errors.append(RowError(name, reader.line_num, result))
                continue
            row_key, position, value = result
            if row_key != key:
                if key is not None:
                    write((part, first, *key, n, mask, *values))
                part += 1
                key, first, n, mask, values = row_key, reader.line_num, 0, 0, empty.copy()
                entry = codes.by_code[row_key[2]]
                positions, known = entry.positions, entry.values
            head = cells[:5]
            n += 1  # a repeated item counts here, and shows as a count beyond the bits
            if not mask >> position & 1:
                mask |= 1 << position
                values[position] = value
        if key is not None:
            write((part, first, *key, n, mask, *values))
    parsed.read[name] += read
    parsed.parts = part


def _instrument_case(codes: Codes, column: str, value: Callable[[_Instrument], object]) -> str:
    """SQL: per instrument code in `column`, `value(instrument)`."""
    whens = " ".join(f"WHEN {e.code} THEN {value(e)}" for e in codes.instruments)
    return f"CASE {column} {whens} END"


def _gather_scorings(stage: Stage, codes: Codes) -> set[Key]:
    """Make PARTS one row per scoring: the parts of a scoring that the file splits (most
    files split none) become one, with the first part's number and line, the rows and the
    bits summed, and each value from the part that has it. Returns the scorings with an
    item missing or repeated: n rows with n bits set, summing to the instrument's full
    mask, means every item once (two parts with one item each would carry and leave fewer
    bits)."""
    key = "citizen, goal, instrument, occasion, scored_on"
    if stage.create_as(
        SPLIT,
        f"SELECT {key} FROM {PARTS} GROUP BY {key} HAVING count(*) > 1",  # noqa: S608
    ):
        values = ", ".join(f"max({v}) AS {v}" for v in codes.values)
        stage.create_as(
            MERGED,
            f"SELECT min(part) AS part, min(first_line) AS first_line, {key}, "  # noqa: S608
            f"sum(n) AS n, sum(mask) AS mask, {values} FROM {PARTS} "
            f"WHERE ({key}) IN (SELECT {key} FROM {SPLIT}) GROUP BY {key}",
            count=False,
        )
        stage.session.execute(
            text(f"DELETE FROM {PARTS} WHERE ({key}) IN (SELECT {key} FROM {SPLIT})")  # noqa: S608
        )
        columns = f"part, first_line, {key}, n, mask, {', '.join(codes.values)}"
        stage.session.execute(
            text(f"INSERT INTO {PARTS} ({columns}) SELECT {columns} FROM {MERGED}")  # noqa: S608
        )
    items = _instrument_case(codes, "instrument", lambda e: len(e.positions))
    masks = _instrument_case(codes, "instrument", lambda e: e.mask)
    rows = stage.session.execute(
        text(
            f"SELECT {key} FROM {PARTS} WHERE n <> {items} OR mask <> {masks}"  # noqa: S608
        )
    )
    return {(c, g, i, o, d) for c, g, i, o, d in rows}


def _item_errors(path: Path, checks: ScoringChecks, flagged: set[Key]) -> list[RowError]:
    """The file again, for the scorings with an item missing or repeated: a repeated item's
    every later line, and a missing item at the scoring's first line."""
    name = path.name
    errors: list[RowError] = []
    first: dict[Key, int] = {}
    seen: dict[Key, set[int]] = defaultdict(set)
    with raw_rows(path) as (reader, rows):
        for row in rows:
            cells = _padded(row) if len(row) < SCORING_COLUMNS else row
            if cells is None or not cells[0] and not any(cells):
                continue
            result = checks.check(cells)
            if isinstance(result, str) or result[0] not in flagged:
                continue
            key, position, _value = result
            line = reader.line_num
            first.setdefault(key, line)
            if position in seen[key]:
                item = checks.codes.by_code[key[2]].instrument.item_ids[position]
                errors.append(
                    RowError(name, line, f"punktet «{item}» står to gange for samme scoring")
                )
            seen[key].add(position)
    for key, line in first.items():
        entry = checks.codes.by_code[key[2]]
        missing = [i for p, i in enumerate(entry.instrument.item_ids) if p not in seen[key]]
        if missing:
            errors.append(
                RowError(
                    name, line, f"{entry.id} den {key[4]} mangler punktet {', '.join(missing)}"
                )
            )
    return errors


# --------------------------------------------------------------------------- writing


def import_folder(session: Session, folder: Path, today: date) -> Report:
    """Check everything, then write everything. The caller commits; its commit resolves
    the reminders the imported records answer (`reminders.hooks`)."""
    stage = Stage(session)
    try:
        with session.no_autoflush:
            parsed = parse_folder(session, folder, stage, today)
            return _write(session, folder, parsed, stage, today)
    finally:
        stage.drop()


def _write(session: Session, folder: Path, parsed: Parsed, stage: Stage, today: date) -> Report:
    report = Report(
        {name: FileCounts(read=parsed.read[name]) for name in FILES if (folder / name).exists()}
    )
    if not stage.postgresql:
        # Take SQLite's write lock now, inside a transaction: the ids read below stay free,
        # and the DDL that follows is rolled back with everything else on failure. The
        # transaction has touched only its temporary tables so far (the checks' reads came
        # before it), so no other writer's commit meanwhile can have made it stale.
        session.execute(text("DELETE FROM scorings WHERE 1 = 0"))
    now = utcnow()
    stats_freshness.changed(session)  # COPY goes round the session's flush
    touched: set[int] = set()  # citizens whose reminders may be answered
    team_ids = _write_teams(session, parsed, report)
    citizen_ids = _write_citizens(session, parsed, team_ids, report, now, touched)
    _write_goals(session, parsed, citizen_ids, today, report, now, touched)
    _touch(session, touched)
    if parsed.scorings_staged:
        _write_scorings(session, stage, parsed, report, now)
    return report


def _touch(session: Session, citizen_ids: set[int]) -> None:
    """Core writes bypass the flush that tells the reminders hook what was recorded: name
    the citizens, so that the commit resolves the reminders these records answer, as a
    form's would. Only citizens with an open reminder can have one resolved
    (`reminders.sync.resolve_done` creates nothing), so only they are named."""
    if not citizen_ids:
        return
    with_open = set(
        session.scalars(select(Reminder.citizen_id).where(Reminder.status == "open").distinct())
    )
    reminder_hooks.touched(session, citizen_ids & with_open)


def _diff(
    session: Session,
    table: Table,
    wanted: dict[str, Any],
    columns: Sequence[str],
    values: Callable[[str], tuple[Any, ...]],
    extra: Sequence[str] = (),
) -> tuple[set[str], list[tuple[tuple[Any, ...], tuple[Any, ...]]]]:
    """The external ids among `wanted` that exist already, and for those whose `columns`
    differ from `values(external id)`: (id, *extra, *columns as they are; the new values).
    One pass over the table's rows with an external id."""
    existing: set[str] = set()
    changed = []
    query = select(
        table.c.external_id, table.c.id, *(table.c[c] for c in [*extra, *columns])
    ).where(table.c.external_id.is_not(None))
    skip = 1 + len(extra)
    for ext, *row in session.execute(query.execution_options(yield_per=BATCH)):
        if ext in wanted:
            existing.add(ext)
            new = values(ext)
            if tuple(row[skip:]) != new:
                changed.append((tuple(row), new))
    return existing, changed


def _update(session: Session, table: Table, rows: list[dict[str, Any]], now: datetime) -> None:
    """Changed rows, by id (`_id`); a versioned record's version moves on, as an ORM
    update's would."""
    if not rows:
        return
    statement = table.update().where(table.c.id == bindparam("_id"))
    if "version" in table.c:
        statement = statement.values(version=table.c.version + 1, updated_at=now)
    session.execute(statement, rows)


def _new_ids(session: Session, table: str, n: int) -> list[int]:
    """Ids for n new rows, so that the rows that refer to them need not be read back."""
    if n == 0:
        return []
    if is_postgresql(session):
        return list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"
                ),
                {"t": table, "n": n},
            )
        )
    top = session.scalar(text(f'SELECT max(id) FROM "{table}"')) or 0  # noqa: S608 (under the write lock)
    return list(range(top + 1, top + 1 + n))


def _ids_by_external_id(session: Session, model: Any) -> dict[str, int]:
    query = select(model.external_id, model.id).where(model.external_id.is_not(None))
    rows = session.execute(query.execution_options(yield_per=BATCH))
    return {ext: id_ for ext, id_ in rows}  # noqa: C416 (dict() takes a Result for a mapping)


def _write_teams(session: Session, parsed: Parsed, report: Report) -> dict[str, int]:
    counts = report.files.get("teams.csv")
    table = Team.__table__
    existing, changed = _diff(
        session, table, parsed.teams, ["name"], lambda ext: (parsed.teams[ext].name,)
    )
    insert_rows(
        session,
        table,
        (
            {"external_id": ext, "name": t.name}
            for ext, t in parsed.teams.items()
            if ext not in existing
        ),
    )
    _update(session, table, [{"_id": old[0], "name": new[0]} for old, new in changed], utcnow())
    if counts:
        counts.created, counts.updated = len(parsed.teams) - len(existing), len(changed)
    return _ids_by_external_id(session, Team)


CITIZEN_FIELDS = (
    "display_name",
    "birth_year",
    "gender",
    "team_id",
    "legal_basis",
    "start_date",
    "end_date",
    "uses_fko",
    "uses_fit",
    "uses_rem",
    "pakke1",
)


def _write_citizens(
    session: Session,
    parsed: Parsed,
    team_ids: dict[str, int],
    report: Report,
    now: datetime,
    touched: set[int],
) -> dict[str, int]:
    counts = report.files.get("citizens.csv")
    table = Citizen.__table__

    def values(ext: str) -> tuple[Any, ...]:
        c, methods = parsed.citizens[ext], parsed.citizen_refs[ext][1]
        return (
            c.display_name,
            c.birth_year,
            c.gender,
            team_ids[c.team],
            c.legal_basis,
            c.start_date,
            c.end_date,
            "FKO" in methods,
            "FIT" in methods,
            "REM" in methods,
            c.pakke1,
        )

    existing, changed = _diff(session, table, parsed.citizens, CITIZEN_FIELDS, values)
    insert_rows(
        session,
        table,
        (
            {
                "external_id": ext,
                **dict(zip(CITIZEN_FIELDS, values(ext), strict=True)),
                "created_at": now,
                "updated_at": now,
            }
            for ext in parsed.citizens
            if ext not in existing
        ),
    )
    _update(
        session,
        table,
        [{"_id": old[0], **dict(zip(CITIZEN_FIELDS, new, strict=True))} for old, new in changed],
        now,
    )
    touched.update(old[0] for old, _new in changed)
    if counts:
        counts.created, counts.updated = len(parsed.citizens) - len(existing), len(changed)
    return _ids_by_external_id(session, Citizen)


GOAL_FIELDS = ("theme", "specific", "measurable", "target_date", "status", "created_on")


def _plans_for(
    session: Session,
    by_citizen: dict[int, list[GoalRow]],
    today: date,
    now: datetime,
    touched: set[int],
) -> dict[int, int]:
    """The plan each citizen's imported goals belong to: her active (else latest) plan,
    or one covering her indsats, made once."""
    chosen: dict[int, tuple[int, bool]] = {}
    for plan_id, citizen_id, status in session.execute(
        select(Plan.id, Plan.citizen_id, Plan.status)
        .order_by(Plan.citizen_id, Plan.start_date.desc(), Plan.id)
        .execution_options(yield_per=BATCH)
    ):
        if citizen_id in by_citizen:
            best = chosen.get(citizen_id)
            if best is None or (status == "active" and not best[1]):
                chosen[citizen_id] = (plan_id, status == "active")
    plans = {cid: plan_id for cid, (plan_id, _active) in chosen.items()}
    new = []
    for cid, legal_basis, start, end_date in session.execute(
        select(Citizen.id, Citizen.legal_basis, Citizen.start_date, Citizen.end_date)
        .order_by(Citizen.id)
        .execution_options(yield_per=BATCH)
    ):
        if cid in by_citizen and cid not in plans:
            end = end_date or max(
                [add_months(start, 12)] + [g.target_date for g in by_citizen[cid] if g.target_date]
            )
            new.append(
                {
                    "citizen_id": cid,
                    "legal_basis": legal_basis,
                    "start_date": start,
                    "end_date": end,
                    "status": "closed" if end_date and end < today else "active",
                    "note": "Oprettet ved import",
                    "created_at": now,
                    "updated_at": now,
                }
            )
    for row, plan_id in zip(new, _new_ids(session, "plans", len(new)), strict=True):
        row["id"] = plans[row["citizen_id"]] = plan_id
        touched.add(row["citizen_id"])
    insert_rows(session, Plan.__table__, new)
    return plans


def _write_goals(
    session: Session,
    parsed: Parsed,
    citizen_ids: dict[str, int],
    today: date,
    report: Report,
    now: datetime,
    touched: set[int],
) -> None:
    counts = report.files.get("goals.csv")
    if not parsed.goals:
        return
    table = Goal.__table__
    by_citizen: dict[int, list[GoalRow]] = defaultdict(list)
    for g in parsed.goals.values():
        by_citizen[citizen_ids[g.citizen]].append(g)

    def values(ext: str) -> tuple[Any, ...]:
        g = parsed.goals[ext]
        return (g.theme, g.specific, g.measurable, g.target_date, g.status, g.created_on)

    # The goal's citizen is read for the reminders only: an import never moves a goal. Its
    # version names the earlier values a change keeps in the goal's history.
    existing, changed = _diff(
        session, table, parsed.goals, GOAL_FIELDS, values, ["citizen_id", "version"]
    )
    plans = _plans_for(session, by_citizen, today, now, touched)
    del by_citizen
    new_citizens: set[int] = set()

    def new_rows() -> Iterator[dict[str, Any]]:
        for ext, g in parsed.goals.items():
            if ext not in existing:
                citizen_id = citizen_ids[g.citizen]
                new_citizens.add(citizen_id)
                yield {
                    "external_id": ext,
                    "plan_id": plans[citizen_id],
                    "citizen_id": citizen_id,
                    **dict(zip(GOAL_FIELDS, values(ext), strict=True)),
                    "created_at": now,
                    "updated_at": now,
                }

    insert_rows(session, table, new_rows())
    if changed:  # each goal's earlier values, kept in its history (by no login: an import)
        session.execute(
            insert(GoalRevision),
            [
                {
                    "goal_id": old[0],
                    "version": old[2],
                    "changes": {
                        name: [history.plain(before), history.plain(after)]
                        for name, before, after in zip(GOAL_FIELDS, old[3:], new, strict=True)
                        if before != after
                    },
                    "replaced_at": now,
                }
                for old, new in changed
            ],
        )
    _update(
        session,
        table,
        [{"_id": old[0], **dict(zip(GOAL_FIELDS, new, strict=True))} for old, new in changed],
        now,
    )
    touched.update(new_citizens)
    touched.update(old[1] for old, _new in changed)
    if counts:
        counts.created, counts.updated = len(parsed.goals) - len(existing), len(changed)


# ------------------------------------------------------------------ writing scorings


def _lookups(stage: Stage, parsed: Parsed) -> None:
    """Small tables the statements below join: codes to ids (now that the new citizens
    and goals have theirs), instruments, occasions and items."""
    codes = parsed.codes
    assert codes is not None
    for name, table, refs in (
        (CITIZEN_IDS, "citizens", ((c, ext) for ext, (c, _m) in parsed.citizen_refs.items())),
        (GOAL_IDS, "goals", ((c, ext) for ext, (_cit, c) in parsed.goal_refs.items())),
    ):
        stage.create(f"{name}_ext", [("code", "int"), ("external_id", "text")])
        stage.insert(f"{name}_ext", ["code", "external_id"], refs)
        stage.create(name, [("code", "key"), ("id", "int")])
        stage.session.execute(
            text(
                f"INSERT INTO {name} (code, id) SELECT r.code, t.id FROM {name}_ext r "  # noqa: S608
                f"JOIN {table} t ON t.external_id = r.external_id"
            )
        )
    stage.create(
        INSTRUMENTS,
        [("code", "key"), ("name", "text"), ("version", "text"), ("items", "int")],
    )
    stage.insert(
        INSTRUMENTS,
        ["code", "name", "version", "items"],
        ((e.code, e.id, e.instrument.version, len(e.positions)) for e in codes.instruments),
    )
    stage.create(OCCASIONS, [("code", "key"), ("name", "text")])
    stage.insert(OCCASIONS, ["code", "name"], ((c, n) for n, c in codes.occasions.items()))
    stage.create(ITEMS, [("instrument", "int"), ("position", "int"), ("item", "text")])
    stage.insert(
        ITEMS,
        ["instrument", "position", "item"],
        ((e.code, p, i) for e in codes.instruments for i, p in e.positions.items()),
    )


def _total_sql(codes: Codes, table: str) -> str:
    """SQL: the instrument's total (`Instrument.total`) from the values by position in
    `table`: the one value, or the sum in item order (the same additions as Python's)
    rounded to one decimal. Rounded as round(10 x) / 10 in floating point: the values have
    one decimal at most, so 10 x lies a hair from a whole number k, and k / 10 is the
    float nearest k / 10, which is what Python's round(x, 1) gives."""

    def total(entry: _Instrument) -> str:
        if entry.instrument.total_rule == "value":
            return f"{table}.v{entry.positions['value']}"
        summed = " + ".join(f"{table}.v{p}" for p in range(len(entry.positions)))
        return f"round(({summed}) * 10) / 10"

    return _instrument_case(codes, f"{table}.instrument", total)


def _write_scorings(
    session: Session,
    stage: Stage,
    parsed: Parsed,
    report: Report,
    now: datetime,
) -> None:
    counts = report.files["scorings.csv"]
    codes = parsed.codes
    assert codes is not None
    _lookups(stage, parsed)
    pg = stage.postgresql
    same = "IS NOT DISTINCT FROM" if pg else "IS"
    if parsed.scorings_name_existing:
        # The scorings that exist already: the one with the highest id, should the
        # database hold two alike.
        stage.create_as(
            FOUND,
            f"SELECT k.first_line, max(s.id) AS scoring_id FROM {PARTS} k "  # noqa: S608
            f"JOIN {CITIZEN_IDS} c ON c.code = k.citizen "
            f"JOIN {INSTRUMENTS} i ON i.code = k.instrument "
            f"LEFT JOIN {GOAL_IDS} g ON g.code = k.goal "
            f"LEFT JOIN {OCCASIONS} o ON o.code = k.occasion "
            "JOIN scorings s ON s.citizen_id = c.id AND s.instrument = i.name "
            f"AND s.scored_on = k.scored_on AND s.goal_id {same} g.id "
            f"AND s.occasion {same} o.name GROUP BY k.first_line",
            count=False,
        )
        changed = _changed(stage, codes)
        absent = f"LEFT JOIN {FOUND} f ON f.first_line = k.first_line WHERE f.first_line IS NULL"
    else:
        changed, absent = 0, ""
    new = session.execute(text(f"SELECT count(*) FROM {PARTS} k {absent}")).scalar_one()  # noqa: S608
    if new:
        _insert_new(session, stage, parsed, absent, new, counts, now)
    if changed:
        _update_changed(session, stage, codes, counts, now)


def _changed(stage: Stage, codes: Codes) -> int:
    """CHANGED: the existing scorings whose items differ from the file's."""
    by_position = " ".join(f"WHEN {p} THEN k.{v}" for p, v in enumerate(codes.values))
    return stage.create_as(
        CHANGED,
        f"SELECT f.scoring_id, f.first_line FROM {FOUND} f "  # noqa: S608
        f"JOIN {PARTS} k ON k.first_line = f.first_line "
        f"JOIN {INSTRUMENTS} i ON i.code = k.instrument "
        "LEFT JOIN scoring_items si ON si.scoring_id = f.scoring_id "
        f"LEFT JOIN {ITEMS} it ON it.instrument = k.instrument AND it.item = si.item "
        "GROUP BY f.scoring_id, f.first_line, i.items "
        "HAVING count(si.item) <> i.items OR "
        f"sum(CASE WHEN si.value = CASE it.position {by_position} END THEN 1 ELSE 0 END) "
        "<> i.items",
    )


def _insert_new(
    session: Session,
    stage: Stage,
    parsed: Parsed,
    absent: str,
    new: int,
    counts: FileCounts,
    now: datetime,
) -> None:
    """The `new` scorings (PARTS but those `absent` leaves out) and their items, by
    INSERT … SELECT, numbered in the order the file first names them."""
    codes = parsed.codes
    assert codes is not None
    pg = stage.postgresql
    bulk = (
        new >= BULK_MIN_ROWS
        and new
        >= session.execute(
            text("SELECT count(*) FROM (SELECT 1 FROM scorings LIMIT :n) q"), {"n": new}
        ).scalar_one()
    )
    loading = (
        without_indexes(session, ["scorings", "scoring_items"], ["citizens", "goals", "scorings"])
        if bulk
        else nullcontext(False)
    )
    values = ", ".join(f"k.{v}" for v in codes.values)
    chosen = (
        f"c.id AS citizen_id, g.id AS goal_id, k.instrument, k.occasion, k.scored_on, {values} "
        f"FROM {PARTS} k JOIN {CITIZEN_IDS} c ON c.code = k.citizen "
        f"LEFT JOIN {GOAL_IDS} g ON g.code = k.goal {absent}"
    )
    with loading as locked:
        if pg and not locked:
            # Others may take ids meanwhile: one from the sequence for each, in order.
            stage.create_as(
                NEW,
                "SELECT nextval(pg_get_serial_sequence('scorings', 'id')) AS id, q.* "  # noqa: S608
                f"FROM (SELECT {chosen} ORDER BY k.part) q",
                count=False,
            )
            source = NEW
        else:
            # No one else can insert (SQLite: this transaction holds the write lock;
            # PostgreSQL in bulk: the tables are locked): a block of ids, one per part of
            # the file, and each scoring numbered by its first part. No sort, no table.
            if pg:
                top = session.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('scorings', 'id'), "
                        "nextval(pg_get_serial_sequence('scorings', 'id')) + :n - 1) - :n"
                    ),
                    {"n": parsed.parts},
                ).scalar_one()
            else:
                top = session.scalar(select(func.max(Scoring.id))) or 0
            source = f"(SELECT {int(top)} + k.part AS id, {chosen})"
        by_position = " ".join(f"WHEN {p} THEN n.{v}" for p, v in enumerate(codes.values))
        session.execute(
            text(
                "INSERT INTO scorings (id, citizen_id, goal_id, instrument, instrument_version, "  # noqa: S608
                "occasion, scored_on, participation, total, version, created_at, updated_at) "
                "SELECT n.id, n.citizen_id, n.goal_id, i.name, i.version, o.name, n.scored_on, "
                f"'together', {_total_sql(codes, 'n')}, 1, :now, :now FROM {source} n "
                f"JOIN {INSTRUMENTS} i ON i.code = n.instrument "
                f"LEFT JOIN {OCCASIONS} o ON o.code = n.occasion"
            ).bindparams(bindparam("now", now, type_=UTCDateTime()))
        )
        result = session.execute(
            text(
                "INSERT INTO scoring_items (scoring_id, item, position, value) "  # noqa: S608
                f"SELECT n.id, it.item, it.position, CASE it.position {by_position} END "
                f"FROM {source} n JOIN {ITEMS} it ON it.instrument = n.instrument"
            )
        )
    counts.created += result.rowcount  # type: ignore[attr-defined]
    # Core inserts bypass the flush that tells the reminders hook what was recorded: name
    # the citizens (those with an open reminder: `_touch`), so that the commit resolves
    # the reminders these scorings answer, as a form's would.
    if session.execute(text("SELECT 1 FROM reminders WHERE status = 'open' LIMIT 1")).first():
        reminded = session.scalars(
            text(
                "SELECT DISTINCT citizen_id FROM reminders WHERE status = 'open' "  # noqa: S608
                f"AND citizen_id IN (SELECT n.citizen_id FROM {source} n)"
            )
        )
        reminder_hooks.touched(session, set(reminded))


def _update_changed(
    session: Session, stage: Stage, codes: Codes, counts: FileCounts, now: datetime
) -> None:
    """Changed scorings, a batch at a time: the earlier version kept as a revision, then
    the values, the total and the version moved on (as `_update_scoring` in the ORM did)."""
    session.execute(text(f"CREATE INDEX {CHANGED}_id ON {CHANGED} (scoring_id)"))
    values = ", ".join(f"k.{v}" for v in codes.values)
    touched: set[int] = set()
    last = 0
    while True:
        batch = session.execute(
            text(
                f"SELECT c.scoring_id, k.instrument, {values} FROM {CHANGED} c "  # noqa: S608
                f"JOIN {PARTS} k ON k.first_line = c.first_line WHERE c.scoring_id > :last "
                "ORDER BY c.scoring_id LIMIT :n"
            ),
            {"last": last, "n": UPDATE_BATCH},
        ).all()
        if not batch:
            break
        last = batch[-1][0]
        new_values = {
            sid: {
                item: row[position]
                for item, position in codes.by_code[instrument].positions.items()
            }
            for sid, instrument, *row in batch
        }
        touched |= _revise(session, codes, new_values, counts, now)
    _touch(session, touched)


def _revise(
    session: Session,
    codes: Codes,
    new_values: dict[int, dict[str, float]],
    counts: FileCounts,
    now: datetime,
) -> set[int]:
    ids = sorted(new_values)
    items: dict[int, list[tuple[str, float, float | None]]] = defaultdict(list)
    for sid, item, value, citizen_value in session.execute(
        select(
            ScoringItem.scoring_id, ScoringItem.item, ScoringItem.value, ScoringItem.citizen_value
        )
        .where(ScoringItem.scoring_id.in_(ids))
        .order_by(ScoringItem.scoring_id, ScoringItem.position)
    ):
        items[sid].append((item, value, citizen_value))
    revisions: list[dict[str, Any]] = []
    scorings: list[dict[str, Any]] = []
    item_updates: list[dict[str, Any]] = []
    item_inserts: list[dict[str, Any]] = []
    citizens: set[int] = set()
    for s in session.execute(
        select(
            Scoring.id,
            Scoring.citizen_id,
            Scoring.instrument,
            Scoring.scored_on,
            Scoring.occasion,
            Scoring.participation,
            Scoring.citizen_comment,
            Scoring.worker_note,
            Scoring.total,
            Scoring.scored_by_id,
            Scoring.version,
            Scoring.updated_at,
        ).where(Scoring.id.in_(ids))
    ):
        old = items[s.id]
        snapshot = {  # Scoring.snapshot()
            "scored_on": s.scored_on.isoformat(),
            "occasion": s.occasion,
            "participation": s.participation,
            "citizen_comment": s.citizen_comment,
            "worker_note": s.worker_note,
            "total": s.total,
            "values": {item: value for item, value, _c in old},
            "citizen_values": {item: c for item, _v, c in old if c is not None},
            "scored_by_id": s.scored_by_id,
        }
        revisions.append(
            {
                "scoring_id": s.id,
                "version": s.version,
                "data": snapshot,
                "valid_from": s.updated_at,
                "replaced_at": now,
            }
        )
        values = new_values[s.id]
        scorings.append(
            {
                "_id": s.id,
                "_version": s.version,
                "total": codes.by_name[s.instrument].instrument.total(values),
                "version": s.version + 1,
                "updated_at": now,
            }
        )
        had = {item for item, _v, _c in old}
        positions = codes.by_name[s.instrument].positions
        for item, value in values.items():
            if item in had:
                item_updates.append({"_id": s.id, "_item": item, "value": value})
            else:  # an item the scoring lacks: added
                item_inserts.append(
                    {"scoring_id": s.id, "item": item, "position": positions[item], "value": value}
                )
        counts.updated += len(values)
        citizens.add(s.citizen_id)
    session.execute(ScoringRevision.__table__.insert(), revisions)
    table = Scoring.__table__
    result = session.execute(
        table.update().where(
            table.c.id == bindparam("_id"), table.c.version == bindparam("_version")
        ),
        scorings,
    )
    updated: int = result.rowcount  # type: ignore[attr-defined]
    if session.get_bind().dialect.supports_sane_multi_rowcount and updated != len(scorings):
        raise StaleDataError("a scoring changed while the import ran")
    items_table = ScoringItem.__table__
    session.execute(
        items_table.update().where(
            items_table.c.scoring_id == bindparam("_id"), items_table.c.item == bindparam("_item")
        ),
        item_updates,
    )
    if item_inserts:
        session.execute(items_table.insert(), item_inserts)
    return citizens
