"""What every measure's SQL shares: the period and scope, the bound dates, the breakdown
groups (one dimension, or the cross table of several) and the helpers for reading scorings.

domain.md, "Statistics: exact definitions": a period P is [from, to] inclusive. Breakdowns:
every measure by team, theme, method, gender, age band at P.to (18–29, 30–49, 50–64, 65+;
age = P.to year − birth year) and legal basis.

Every count, sum and mean is computed by the database, in the same statements on SQLite
and PostgreSQL: each measure's CTE builds its units (a goal for FKO, a citizen for ORS, a
citizen and indicator for REM, a due scoring for documentation), `grouped()` puts each unit
in its breakdown groups, and one GROUP BY per measure does the counting. Each statement is
built once per shape (measure, breakdown, scope: the measure's `lru_cache`) and run with a
period's dates as bound parameters. Python only divides and shapes the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, case, literal, or_, select, union_all
from sqlalchemy.sql import ColumnElement, Select

from bostotte.auth.models import Team
from bostotte.citizens.models import Citizen
from bostotte.common.db import Session
from bostotte.goals.models import Goal, SubGoal
from bostotte.scoring.models import Scoring

DIMENSIONS = ("team", "theme", "method", "pedagogy", "gender", "age", "legal_basis")
AGE_BANDS = (
    ("under_18", 0, 17),
    ("18-29", 18, 29),
    ("30-49", 30, 49),
    ("50-64", 50, 64),
    ("65+", 65, 200),
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True)
class Scope:
    """Whose numbers: the citizens of some teams (None: every team), or those one myndighed
    caseworker referred (`referred_by`, her user id), and, with a theme, the goals of that
    theme (FKO) or the citizens who have such a goal (ORS, REM, documentation), exactly as
    the theme breakdown counts them. `goals` narrows FKO to the goals whose outcome in P is
    a final ("closed": the socialudvalg's afsluttende status) or a status ("open": its
    midtvejsstatus); None counts both (domain.md's FKO mastery)."""

    team_ids: tuple[int, ...] | None = None
    theme: str | None = None
    referred_by: int | None = None
    goals: str | None = None


EVERYONE = Scope()

# A breakdown: None (everyone in one group "all"), one dimension (rows by column grp), or
# several of CROSSED (rows by their cross table).
Dimension = str | tuple[str, ...] | None

GRACE_DAYS = 14  # done no later than 14 days after due (domain.md)

# The dates the statements depend on, as bound parameters: each statement is built once per
# shape (measure, breakdown, scope) and run with a period's dates (building one costs more
# than PostgreSQL takes to run it on a small municipality's data).
P_START, P_END = bindparam("p_start", type_=Date), bindparam("p_end", type_=Date)
P_AFTER = bindparam("p_after", type_=Date)  # the day after P
P_YEAR = bindparam("p_year", type_=Integer)  # P.to's year (ages)
TODAY = bindparam("today", type_=Date)
# Only FKO statuses near P can meet one of its quarterly marks (a window opens at most 92
# days before its mark), and only REMs made at most 366 days before P fall due in it.
NEAR_FROM, NEAR_TO = bindparam("near_from", type_=Date), bindparam("near_to", type_=Date)
REM_FROM = bindparam("rem_from", type_=Date)


def _values(period: Period, today: date = date.max) -> dict[str, Any]:
    return {
        "p_start": period.start,
        "p_end": period.end,
        "p_after": period.end + timedelta(days=1),
        "p_year": period.end.year,
        "today": today,
        "near_from": period.start - timedelta(days=92),
        "near_to": period.end + timedelta(days=GRACE_DAYS),
        "rem_from": period.start - timedelta(days=366),
    }


def fetch(
    session: Session, statement: Select[Any], period: Period, today: date = date.max
) -> list[dict[str, Any]]:
    """Run a statement built once per shape with the period's dates, as plain rows."""
    return [dict(r._mapping) for r in session.execute(statement, _values(period, today))]


def in_citizens(scope: Scope, citizen_id: Any) -> list[ColumnElement[bool]]:
    """Conditions on a citizen id column: her team, or who referred her."""
    which: list[ColumnElement[bool]] = []
    if scope.team_ids is not None:
        which.append(Citizen.team_id.in_(scope.team_ids))
    if scope.referred_by is not None:
        which.append(Citizen.caseworker_id == scope.referred_by)
    return [citizen_id.in_(select(Citizen.id).where(*which))] if which else []


def in_scope(scope: Scope, citizen_id: Any) -> list[ColumnElement[bool]]:
    """Conditions on a citizen id column for a citizen measure (ORS, REM, documentation)."""
    conditions = in_citizens(scope, citizen_id)
    if scope.theme is not None:
        conditions.append(citizen_id.in_(select(Goal.citizen_id).where(Goal.theme == scope.theme)))
    return conditions


def citizen_age() -> ColumnElement[int]:
    """Age at P.to as domain.md defines it: P.to year − birth year."""
    return P_YEAR - Citizen.birth_year


def _age_band() -> ColumnElement[str]:
    age = citizen_age()
    return case(*[(age.between(lo, hi), label) for label, lo, hi in AGE_BANDS], else_="65+")


def _method_flags() -> tuple[tuple[str, Any], ...]:
    c = Citizen
    return (("FKO", c.uses_fko), ("FIT", c.uses_fit), ("REM", c.uses_rem))


def _one_group(dimension: str) -> Any:
    """A citizen's one group in a dimension where she has exactly one (over citizens, and
    teams for "team")."""
    c = Citizen
    match dimension:
        case "team":
            return Team.name
        case "gender":
            return c.gender
        case "age":
            return _age_band()
        case "legal_basis":
            return c.legal_basis
        case "worker":
            # The contact person (documentation per worker; not a public dimension).
            return c.primary_worker_id
    raise ValueError(f"unknown dimension {dimension!r}")


def _citizen_groups(dimension: str) -> Select[Any]:
    """(citizen_id, grp): which breakdown group(s) each citizen belongs to."""
    c = Citizen
    match dimension:
        case "method":
            # A citizen may use several methods: she counts in each of their groups. The
            # citizens table stays a plain join (not a union of three scans), so the planner
            # can reach it by primary key from the units.
            flags = _method_flags()
            methods = union_all(
                *[select(literal(name).label("grp")) for name, _flag in flags]
            ).subquery("methods")
            return select(c.id.label("citizen_id"), methods.c.grp).join(
                methods, or_(*[and_(methods.c.grp == name, flag) for name, flag in flags])
            )
        case "theme":
            # Citizen measures by theme: the themes of the citizen's goals.
            return select(Goal.citizen_id.label("citizen_id"), Goal.theme.label("grp")).distinct()
        case "pedagogy":
            # The pedagogical methods of her delmål (seed 004: MI, ICM, CTI …): she counts
            # under each, as under each instrument she uses.
            return (
                select(Goal.citizen_id.label("citizen_id"), SubGoal.method.label("grp"))
                .join(SubGoal, SubGoal.goal_id == Goal.id)
                .distinct()
            )
    groups = select(c.id.label("citizen_id"), _one_group(dimension).label("grp"))
    return groups.join(Team, Team.id == c.team_id) if dimension == "team" else groups


def alias(model: Any) -> Any:
    """A Core alias of a model's table (columns under `.c`): much cheaper to build than an
    ORM alias, which the statistics would otherwise rebuild at every call."""
    return model.__table__.alias()


def order(newest_first: bool, s: Any = Scoring) -> list[Any]:
    """Scorings (or an alias `s`) in time order; the id breaks ties on the same day."""
    if newest_first:
        return [s.scored_on.desc(), s.id.desc()]
    return [s.scored_on.asc(), s.id.asc()]


# The dimensions counted together as one cross table: those in which each citizen has one
# group (a column grp_<d> each), and the methods (a column grp_method_<name> each, 1 for a
# method she uses). Each group of each dimension is then a sum of the table's cells.
CROSSED = ("team", "gender", "age", "legal_basis", "method")


def _citizen_cells(dimensions: tuple[str, ...]) -> Select[Any]:
    """(citizen_id, then the columns of each dimension): each citizen's cell."""
    c = Citizen
    columns = [c.id.label("citizen_id")]
    for d in dimensions:
        if d == "method":
            columns += [
                case((flag, 1), else_=0).label(f"grp_method_{name}")
                for name, flag in _method_flags()
            ]
        else:
            columns.append(_one_group(d).label(f"grp_{d}"))
    cells = select(*columns)
    return cells.join(Team, Team.id == c.team_id) if "team" in dimensions else cells


def grouped(units: Any, dimension: Dimension) -> tuple[Any, list[Any]]:
    """(FROM clause, group columns) putting each unit (which has citizen_id) in its groups:
    one dimension (column grp), or the cross table of several of CROSSED."""
    if dimension is None:
        return units, [literal("all").label("grp")]
    if isinstance(dimension, tuple):
        assert set(dimension) <= set(CROSSED), dimension
        cells = _citizen_cells(dimension).subquery("cells")
        return (
            units.join(cells, cells.c.citizen_id == units.c.citizen_id),
            [col for col in cells.c if col.name != "citizen_id"],
        )
    groups = _citizen_groups(dimension).subquery()
    return units.join(groups, groups.c.citizen_id == units.c.citizen_id), [groups.c.grp]
