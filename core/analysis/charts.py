"""The geometry of the priority matrix (two criteria of a rating round against each other):
scales with ticks, the split into four quadrants at the scale's midpoint, and where every
point and label goes. Pure: the web layer draws the result as SVG and writes the words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.analysis.labels import LINE_HEIGHT, Box, Placed, Point, place_labels, text_size

# The chart's own units (an SVG viewBox); the page scales it to its width. Chosen so that text
# stays readable on a 390 px phone (about 0.85 px per unit) and on A4.
WIDTH = 420.0
LEFT, RIGHT, TOP, BOTTOM = 62.0, 14.0, 12.0, 56.0
PLOT = WIDTH - LEFT - RIGHT  # a square plot area
HEIGHT = TOP + PLOT + BOTTOM
TICK_FONT, LABEL_FONT, QUADRANT_FONT = 14.0, 14.0, 13.0
RADIUS = 5.0
HANDFUL = 5  # up to this many items with short texts are labelled with their text
SHORT = 22  # characters


class Quadrant(StrEnum):
    """Where an item lies against the scale's midpoint: high means at or above it."""

    BOTH_HIGH = "both_high"  # high on the x criterion and on the y criterion
    X_ONLY = "x_only"  # high on x, low on y
    Y_ONLY = "y_only"  # low on x, high on y
    BOTH_LOW = "both_low"


def quadrant(x: float, y: float, midpoint: float) -> Quadrant:
    """The quadrant of a point; a mean exactly on the midpoint counts as high."""
    if x >= midpoint:
        return Quadrant.BOTH_HIGH if y >= midpoint else Quadrant.X_ONLY
    return Quadrant.Y_ONLY if y >= midpoint else Quadrant.BOTH_LOW


_STEPS = [m * 10.0**e for e in range(-1, 4) for m in (1, 2, 2.5, 5)]


def ticks(low: float, high: float, most: int = 11) -> list[float]:
    """Evenly spaced values from ``low`` to ``high`` (both included), at most ``most`` of them,
    as many as fit: 1 to 5 gives 1, 1.5, ... 5; 1 to 10 gives 1, 2, ... 10."""
    span = high - low
    if span <= 0:
        return [low]
    for step in _STEPS:
        count = span / step
        if count + 1 <= most and abs(count - round(count)) < 1e-9:
            return [round(low + i * step, 6) for i in range(round(count) + 1)]
    return [low, high]


def tick_digits(values: Sequence[float]) -> int:
    """Decimals the tick numbers need: none when all are whole."""
    return 0 if all(float(v).is_integer() for v in values) else 1


@dataclass(frozen=True)
class Tick:
    value: float
    at: float  # position in chart units along its axis


@dataclass(frozen=True)
class Scale:
    """Maps a value on the round's scale to chart units (``start`` for ``low``)."""

    low: float
    high: float
    start: float
    end: float

    def at(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)

    def ticks(self) -> list[Tick]:
        return [Tick(v, self.at(v)) for v in ticks(self.low, self.high)]


@dataclass(frozen=True)
class QuadrantLabel:
    quadrant: Quadrant
    lines: tuple[str, ...]
    box: Box
    anchor: str  # SVG text-anchor: "start" or "end"

    @property
    def text_x(self) -> float:
        return self.box.x + 3 if self.anchor == "start" else self.box.right - 3

    def baselines(self) -> list[float]:
        line = QUADRANT_FONT * LINE_HEIGHT
        return [self.box.y + (i + 0.8) * line for i in range(len(self.lines))]


@dataclass(frozen=True)
class MatrixPoint:
    number: int  # the item's number in the table beside the chart
    text: str
    x_value: float
    y_value: float
    cx: float
    cy: float
    quadrant: Quadrant
    label: str  # what stands beside the point: its text, or its number
    placed: Placed | None  # None: no free spot; the point is found through the table


@dataclass(frozen=True)
class Matrix:
    width: float
    height: float
    plot: Box
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    digits: int
    midpoint: float
    mid_x: float
    mid_y: float
    quadrant_labels: list[QuadrantLabel]
    points: list[MatrixPoint]
    numbered: bool  # labels are numbers (with the table as legend) rather than texts
    left_out: list[int]  # numbers of items without both means (not drawn)

    @property
    def midpoint_digits(self) -> int:
        """Decimals for the midpoint: as the ticks, or one where it falls between them."""
        return max(self.digits, tick_digits([self.midpoint]))

    @property
    def unplaced(self) -> list[int]:
        return [p.number for p in self.points if p.placed is None]

    def quadrant_of(self, number: int) -> Quadrant | None:
        return next((p.quadrant for p in self.points if p.number == number), None)

    def count(self, which: Quadrant) -> int:
        return sum(1 for p in self.points if p.quadrant == which)


def wrap(text: str, width: float, font: float) -> tuple[str, ...]:
    """Word wrap of ``text`` into lines at most ``width`` units wide: on one line when it fits,
    else broken after its colons and commas first (a word longer than ``width`` stays whole)."""
    if text_size(text, font, 3)[0] <= width:
        return (text,) if text.strip() else ()
    lines: list[str] = []
    for part in re.split(r"(?<=[:,]) ", text):
        start = len(lines)
        for word in part.split():
            if len(lines) > start and text_size(f"{lines[-1]} {word}", font, 3)[0] <= width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
    return tuple(lines)


def _quadrant_labels(
    plot: Box, texts: Mapping[Quadrant, str], points: Sequence[Point]
) -> list[QuadrantLabel]:
    """Each quadrant's name in a corner of its quadrant, wrapped to fit half the plot: the
    outer corner unless points lie there, then the other corners, the one over the fewest
    points last."""
    inset, half = 4.0, plot.w / 2
    outer = {  # the quadrant's outer corner: (on the left?, at the top?)
        Quadrant.BOTH_HIGH: (False, True),
        Quadrant.Y_ONLY: (True, True),
        Quadrant.X_ONLY: (False, False),
        Quadrant.BOTH_LOW: (True, False),
    }
    found: list[QuadrantLabel] = []
    for which, (left, top) in outer.items():
        lines = wrap(texts.get(which, ""), half - 2 * inset, QUADRANT_FONT)
        if not lines:
            continue
        w = max(text_size(line, QUADRANT_FONT, 3)[0] for line in lines)
        h = len(lines) * QUADRANT_FONT * LINE_HEIGHT + 2
        x0 = plot.x if left else plot.x + half
        y0 = plot.y if top else plot.y + half
        box = _free_spot(
            Box(x0 + inset, y0 + inset, half - 2 * inset, half - 2 * inset),
            w,
            h,
            left,
            top,
            points,
        )
        anchor = "start" if box.x + w / 2 < x0 + half / 2 else "end"
        found.append(QuadrantLabel(which, lines, box, anchor))
    return found


def _free_spot(
    area: Box, w: float, h: float, left: bool, top: bool, points: Sequence[Point]
) -> Box:
    """A ``w`` × ``h`` box inside ``area`` as near its (``left``, ``top``) corner as can be,
    clear of every point with room for its number; else just clear; else over the fewest."""
    step = 6.0
    spots = []
    for i in range(max(0, int((area.w - w) // step)) + 1):
        for j in range(max(0, int((area.h - h) // step)) + 1):
            x = area.x + i * step if left else area.right - w - i * step
            y = area.y + j * step if top else area.bottom - h - j * step
            spots.append((i * i + j * j, Box(x, y, w, h)))
    spots.sort(key=lambda spot: spot[0])
    for margin in (LABEL_FONT * LINE_HEIGHT + 2, 2.0):  # room for a point's number, or none
        for _, box in spots:
            if not any(box.intersects(p.box, margin) for p in points):
                return box
    return min(
        (box for _, box in spots), key=lambda box: sum(box.intersects(p.box) for p in points)
    )


def priority_matrix(
    items: Sequence[tuple[str, float | None, float | None]],
    low: float,
    high: float,
    quadrant_texts: Mapping[Quadrant, str],
) -> Matrix:
    """Lay out the matrix of ``items`` (text, mean on x, mean on y), numbered from 1 in order.

    Up to ``HANDFUL`` items with short texts are labelled with their text; otherwise, or when
    one of those does not fit, every point carries its number and the table is the legend.
    """
    plot = Box(LEFT, TOP, PLOT, PLOT)
    xs, ys = Scale(low, high, plot.x, plot.right), Scale(low, high, plot.bottom, plot.y)
    midpoint = (low + high) / 2
    drawn = [
        (n, text, x, y)
        for n, (text, x, y) in enumerate(items, start=1)
        if x is not None and y is not None
    ]
    points = [Point(xs.at(x), ys.at(y), RADIUS) for _, _, x, y in drawn]
    quadrant_labels = _quadrant_labels(plot, quadrant_texts, points)
    reserved = [q.box for q in quadrant_labels]
    inner = Box(plot.x + 1, plot.y + 1, plot.w - 2, plot.h - 2)  # off the axis lines
    texts = [text for _, text, _, _ in drawn]
    numbered = len(drawn) > HANDFUL or any(len(t) > SHORT for t in texts)
    placed: list[Placed | None] = []
    if not numbered:
        sizes = [text_size(t, LABEL_FONT) for t in texts]
        placed = place_labels(points, sizes, inner, reserved)
        numbered = any(p is None for p in placed)
    labels = [str(n) for n, _, _, _ in drawn] if numbered else texts
    if numbered:
        sizes = [text_size(label, LABEL_FONT) for label in labels]
        placed = place_labels(points, sizes, inner, reserved)
    x_ticks, y_ticks = xs.ticks(), ys.ticks()
    return Matrix(
        width=WIDTH,
        height=HEIGHT,
        plot=plot,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        digits=tick_digits([t.value for t in x_ticks]),
        midpoint=midpoint,
        mid_x=xs.at(midpoint),
        mid_y=ys.at(midpoint),
        quadrant_labels=quadrant_labels,
        points=[
            MatrixPoint(n, text, x, y, p.x, p.y, quadrant(x, y, midpoint), label, spot)
            for (n, text, x, y), p, label, spot in zip(drawn, points, labels, placed, strict=True)
        ],
        numbered=numbered,
        left_out=[n for n, (_, x, y) in enumerate(items, start=1) if x is None or y is None],
    )


_IMPORTANCE = ("belang", "importan", "impact", "urgent", "prioriteit", "priority")
_FEASIBILITY = ("haalba", "uitvoerba", "feasib", "doenba", "realiseerba", "makkelijk", "ease")


def importance_and_feasibility(x_name: str, y_name: str) -> str | None:
    """Which axis is importance when the two criteria are importance and feasibility (by
    name, in Dutch or English): "x" or "y"; None for any other pair."""
    x, y = x_name.strip().lower(), y_name.strip().lower()
    if x.startswith(_IMPORTANCE) and y.startswith(_FEASIBILITY):
        return "x"
    if y.startswith(_IMPORTANCE) and x.startswith(_FEASIBILITY):
        return "y"
    return None
