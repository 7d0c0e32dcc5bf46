"""Placing labels beside the points of a chart so that no two labels overlap each other, a
point or anything else the chart reserves (quadrant names, the axes outside ``bounds``).

Pure geometry in the chart's own units (an SVG viewBox); text sizes are estimated from the
number of characters, generously, so a real font fits inside the reserved box.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

CHAR_WIDTH = 0.62  # of the font size: wider than an average sans-serif character
LINE_HEIGHT = 1.25  # of the font size


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: left, top, width, height (y grows downwards, as in SVG)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def intersects(self, other: Box, margin: float = 0.0) -> bool:
        """Whether the two boxes share area (touching edges do not), kept ``margin`` apart."""
        return (
            self.x < other.right + margin
            and other.x < self.right + margin
            and self.y < other.bottom + margin
            and other.y < self.bottom + margin
        )

    def within(self, other: Box) -> bool:
        return (
            self.x >= other.x
            and self.y >= other.y
            and self.right <= other.right
            and self.bottom <= other.bottom
        )

    def nearest(self, px: float, py: float) -> tuple[float, float]:
        """The point of this box nearest to (px, py)."""
        return min(max(px, self.x), self.right), min(max(py, self.y), self.bottom)


@dataclass(frozen=True)
class Point:
    """A marker on the chart: centre and radius."""

    x: float
    y: float
    r: float

    @property
    def box(self) -> Box:
        return Box(self.x - self.r, self.y - self.r, 2 * self.r, 2 * self.r)


@dataclass(frozen=True)
class Placed:
    """Where a label went, and a leader line from its point when it sits further away."""

    box: Box
    leader: tuple[float, float, float, float] | None = None

    @property
    def text_x(self) -> float:
        return self.box.x + self.box.w / 2  # text-anchor="middle"

    def baseline(self, font: float) -> float:
        """The text's baseline for a single line of ``font`` centred in the box."""
        return self.box.y + self.box.h / 2 + font * 0.35


def text_size(text: str, font: float, pad: float = 2.0) -> tuple[float, float]:
    """The box one line of ``text`` needs at ``font`` size, with ``pad`` around it."""
    return len(text) * font * CHAR_WIDTH + 2 * pad, font * LINE_HEIGHT


# Directions tried around a point: the four sides first, then the corners, then in between.
_SIDES = [0.0, 180.0, 270.0, 90.0]  # right, left, above, below
_CORNERS = [315.0, 225.0, 45.0, 135.0]
_BETWEEN = [337.5, 202.5, 292.5, 247.5, 22.5, 157.5, 67.5, 112.5]
_FINER = [i * 22.5 + 11.25 for i in range(16)]


def _angles(ring: int) -> list[float]:
    """The directions tried on a ring: more of them further out, where there is more room."""
    near = _SIDES + _CORNERS
    return near if ring == 0 else near + _BETWEEN if ring == 1 else near + _BETWEEN + _FINER


def _candidate(point: Point, size: tuple[float, float], distance: float, angle: float) -> Box:
    """A label box attached at ``distance`` from the point in the direction of ``angle``: its
    near side (or corner) touches that spot, so it never reaches back over the point."""
    w, h = size
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ax, ay = point.x + cos * distance, point.y + sin * distance
    left = ax if cos > 0.3 else ax - w if cos < -0.3 else ax - w / 2
    top = ay if sin > 0.3 else ay - h if sin < -0.3 else ay - h / 2
    return Box(left, top, w, h)


def _leader(point: Point, box: Box) -> tuple[float, float, float, float]:
    """A line from the edge of the point's marker to the nearest point of its label."""
    ex, ey = box.nearest(point.x, point.y)
    dx, dy = ex - point.x, ey - point.y
    length = math.hypot(dx, dy) or 1.0
    return (point.x + dx / length * point.r, point.y + dy / length * point.r, ex, ey)


def place_labels(
    points: Sequence[Point],
    sizes: Sequence[tuple[float, float]],
    bounds: Box,
    obstacles: Sequence[Box] = (),
    gap: float = 2.0,
    rings: int = 12,
) -> list[Placed | None]:
    """A place for each point's label (``sizes[i]`` for ``points[i]``), or None where none is free.

    Greedy, in the given order (put the most important points first): each label takes the
    first free spot nearest its point, trying each side, then rings further out with a leader
    line. A spot is free when it lies inside ``bounds`` and touches no placed label, no point
    and no obstacle, all kept ``gap`` apart. So placed labels never overlap; a label that finds
    no spot is left out and the chart numbers the point and lists it in its legend.
    """
    markers = [p.box for p in points]
    taken: list[Box] = []
    placed: list[Placed | None] = []
    for point, size in zip(points, sizes, strict=True):
        found: Placed | None = None
        step = max(size[1], point.r * 2)
        for ring in range(rings):
            distance = point.r + gap + ring * step
            for angle in _angles(ring):
                box = _candidate(point, size, distance, angle)
                if _free(box, bounds, markers, taken, obstacles, gap):
                    found = Placed(box, _leader(point, box) if ring else None)
                    break
            if found:
                break
        if found:
            taken.append(found.box)
        placed.append(found)
    return placed


def _free(
    box: Box,
    bounds: Box,
    markers: Sequence[Box],
    taken: Sequence[Box],
    obstacles: Sequence[Box],
    gap: float,
) -> bool:
    if not box.within(bounds):
        return False
    return not any(box.intersects(other, gap) for other in (*markers, *taken, *obstacles))
