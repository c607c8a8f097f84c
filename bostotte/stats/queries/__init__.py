"""The statistics of domain.md ("Statistics: exact definitions") as SQL, one module per
measure: fko (FKO mastery), ors (ORS change), rem (REM change), documentation
(documentation on time), and shared (period, scope, breakdown groups). Callers import from
here."""

from bostotte.stats.queries.documentation import documentation_counts
from bostotte.stats.queries.fko import fko_counts
from bostotte.stats.queries.ors import ors_counts
from bostotte.stats.queries.rem import rem_counts
from bostotte.stats.queries.shared import (
    CROSSED,
    DIMENSIONS,
    EVERYONE,
    Dimension,
    Period,
    Scope,
)

__all__ = [
    "CROSSED",
    "DIMENSIONS",
    "EVERYONE",
    "Dimension",
    "Period",
    "Scope",
    "documentation_counts",
    "fko_counts",
    "ors_counts",
    "rem_counts",
]
