"""Reading chart SVG in tests: parse it, find points, and place values on its axes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from markupsafe import Markup

from bostotte.charts import Chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: Markup | str) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.tag == f"{NS}svg"
    return root


def layouts(chart: Chart) -> list[ET.Element]:
    """Both drawings of a chart: the wide one and the phone one."""
    return [parse(chart.svg), parse(chart.svg_narrow)]


def classed(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def points(root: ET.Element, key: str) -> list[ET.Element]:
    return classed(root, f"point--{key}")


def center(e: ET.Element) -> tuple[float, float]:
    """The middle of a marker: a circle, a square or a diamond path."""
    tag = e.tag.removeprefix(NS)
    if tag == "circle":
        return float(e.get("cx", 0)), float(e.get("cy", 0))
    if tag == "rect":
        return (
            float(e.get("x", 0)) + float(e.get("width", 0)) / 2,
            float(e.get("y", 0)) + float(e.get("height", 0)) / 2,
        )
    if tag == "g":  # a marker drawn as a group: its circle
        return center(e.find(f"{NS}circle"))  # type: ignore[arg-type]
    nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", e.get("d", ""))]
    xs, ys = nums[0::2], nums[1::2]
    return sum(xs) / len(xs), sum(ys) / len(ys)


class Axes:
    """The plot area of a chart (or of one small panel), from its data attributes."""

    def __init__(self, area: ET.Element) -> None:
        self.x0 = float(area.get("x", 0))
        self.y0 = float(area.get("y", 0))
        self.w = float(area.get("width", 0))
        self.h = float(area.get("height", 0))
        self.start = date.fromisoformat(area.get("data-start", "2000-01-01"))
        self.end = date.fromisoformat(area.get("data-end", "2000-01-02"))
        self.bottom = float(area.get("data-bottom", 0))
        self.top = float(area.get("data-top", 0))

    def x(self, d: date) -> float:
        return self.x0 + self.w * (d - self.start).days / (self.end - self.start).days

    def y(self, value: float) -> float:
        return self.y0 + self.h * (1 - (value - self.bottom) / (self.top - self.bottom))


def axes(root: ET.Element) -> Axes:
    return Axes(classed(root, "plot-area")[0])


def near(a: float, b: float, tolerance: float = 0.11) -> bool:
    """Coordinates are written with one decimal."""
    return abs(a - b) <= tolerance


def texts(root: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter(f"{NS}text"))


def assert_accessible(chart: Chart) -> None:
    """role="img", a <title> and a <desc> named by aria-labelledby, and nothing the CSP
    would block (no style attribute, no <style>, no <script>)."""
    for root in layouts(chart):
        assert root.get("role") == "img"
        title, desc = root[0], root[1]
        assert title.tag == f"{NS}title" and title.text == chart.title
        assert desc.tag == f"{NS}desc" and desc.text
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert root.get("viewBox", "").startswith("0 0 ")
        for e in root.iter():
            assert "style" not in e.attrib, e.tag
            assert e.tag not in (f"{NS}style", f"{NS}script")
