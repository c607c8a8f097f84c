"""Server-rendered SVG charts shared by the worker's pages, the citizen portal and reports.

Chart functions take plain data (dates and values, labels) and return a `Chart`: the SVG in
a wide and a narrow layout, a one-sentence Danish summary and the numbers as a table. The
builders in `citizen.py` turn a citizen's scorings and goals into that data.
"""

from bostotte.charts.fit import ors_srs_chart
from bostotte.charts.fko import fko_chart
from bostotte.charts.leader import quarterly_trend, theme_share_bars
from bostotte.charts.model import Chart, Cutoff, FkoPoint, Scale, Step, Table, ThemeShare
from bostotte.charts.rem import rem_multiples, rem_radar
from bostotte.charts.timeline import subgoal_timeline

__all__ = [
    "Chart",
    "Cutoff",
    "FkoPoint",
    "Scale",
    "Step",
    "Table",
    "ThemeShare",
    "fko_chart",
    "ors_srs_chart",
    "quarterly_trend",
    "rem_multiples",
    "rem_radar",
    "subgoal_timeline",
    "theme_share_bars",
]
