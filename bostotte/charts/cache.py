"""Charts drawn once per data and kept in the process.

A chart function is pure: the same plain data gives the same chart. So a drawn chart is kept
under the exact serialisation of its arguments (pickle, without its memo, so equal data gives
equal bytes whatever objects carry it) and handed out again for the same arguments. Nothing
has to be invalidated: a new or edited scoring, goal or delmål changes the arguments, and so
the key; the old chart is simply never asked for again and ages out. Kept per process, so a
new deploy (new processes) never serves a chart drawn by older code.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

from bostotte.charts.model import Chart

# Per process (gunicorn runs a few). A citizen's charts take 40–400 KB of SVG; 32 MB keeps
# a few hundred citizens' charts, which covers a team's working day.
MAX_BYTES = 32 * 1024 * 1024


class ChartCache:
    """Least recently used charts, bounded by the size of their SVG and text."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.draws = 0  # charts drawn (a miss); read by tests and the bench
        self._charts: OrderedDict[bytes, tuple[Chart, int]] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn's threads share a process

    def get(self, key: bytes, draw: Callable[[], Chart]) -> Chart:
        with self._lock:
            kept = self._charts.get(key)
            if kept is not None:
                self._charts.move_to_end(key)
                return kept[0]
        chart = draw()  # outside the lock: another thread's hit need not wait
        size = _size(chart)
        with self._lock:
            self.draws += 1
            if key not in self._charts and size <= self.max_bytes:
                self._charts[key] = (chart, size)
                self.size += size
                while self.size > self.max_bytes:
                    _key, (_chart, dropped) = self._charts.popitem(last=False)
                    self.size -= dropped
        return chart

    def clear(self) -> None:
        with self._lock:
            self._charts.clear()
            self.size = 0


def _size(chart: Chart) -> int:
    cells = sum(len(c) for row in chart.table.rows for c in row)
    return len(chart.svg) + len(chart.svg_narrow) + len(chart.summary) + cells + 500


def _key(function: Callable[..., Chart], args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    # No memo: two equal dates are the same bytes whether or not they are one object. The
    # arguments are plain data (no cycles), which is what fast mode needs.
    pickler.fast = True
    pickler.dump((function.__module__, function.__qualname__, args, sorted(kwargs.items())))
    return hashlib.blake2b(buffer.getvalue(), digest_size=20).digest()


charts = ChartCache()
P = ParamSpec("P")


def kept(function: Callable[P, Chart]) -> Callable[P, Chart]:
    """`function`, drawing only what `charts` does not already hold."""

    @wraps(function)
    def keep(*args: P.args, **kwargs: P.kwargs) -> Chart:
        return charts.get(_key(function, args, kwargs), lambda: function(*args, **kwargs))

    return keep
