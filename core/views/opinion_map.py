"""The 2-D opinion map as a self-contained SVG string (no template engine, no script).

Each participant is a dot at their position on the two main axes of the vote matrix (see
:mod:`core.analysis.polis`), coloured by opinion group; participants who voted too little to
be placed are light grey. Each group's centre carries its letter and size. Colours are the
Okabe-Ito palette (distinguishable with colour blindness) and every group also has its letter,
so colour is never the only cue. Only presentation attributes are used (no ``style``), so the
map passes a strict Content-Security-Policy. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from core.analysis.polis import AnalysisResult

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")
UNPLACED = "#C8C8C8"


def group_letter(group_id: int) -> str:
    return chr(ord("A") + group_id)


def opinion_map_svg(
    result: AnalysisResult,
    *,
    title: str,
    description: str,
    group_names: Mapping[int, str] | None = None,
    ident: str = "opinion-map",
    width: int = 480,
    height: int = 360,
) -> str:
    """Render participants and groups of an analysis as an accessible SVG element.

    Args:
        result: an ``analyse`` result.
        title: short accessible name (``<title>``).
        description: the text alternative (``<desc>``), e.g. from the summary view-model.
        group_names: label per group id (default: "A", "B", ...), shown with the size.
        ident: prefix of the ``id`` of ``<title>`` and ``<desc>``; unique per page when a page
            shows several maps.
        width: width of the viewBox in px.
        height: height of the viewBox in px.
    """
    margin = 24
    group_of = {m: g.id for g in result.groups for m in g.members}
    points = list(result.coordinates.items())
    xs = [xy[0] for _, xy in points] or [0.0]
    ys = [xy[1] for _, xy in points] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    scale = min(width, height) - 2 * margin

    def at(x: float, y: float) -> tuple[float, float]:
        return (
            round(width / 2 + (x - cx) / span * scale, 1),
            round(height / 2 - (y - cy) / span * scale, 1),
        )

    parts = _frame(title, description, ident, width, height, margin)
    # Unplaced first so that group dots are drawn on top.
    for member, (x, y) in sorted(points, key=lambda p: p[0] in group_of):
        px, py = at(x, y)
        gid = group_of.get(member)
        colour = UNPLACED if gid is None else PALETTE[gid % len(PALETTE)]
        parts.append(f'<circle cx="{px}" cy="{py}" r="3" fill="{colour}" fill-opacity="0.75"/>')
    for group in result.groups:
        name = (group_names or {}).get(group.id, group_letter(group.id))
        parts += _group_mark(group.id, name, len(group.members), *at(*group.centroid))
    parts += ["</g>", "</svg>"]
    return "".join(parts)


def _frame(
    title: str, description: str, ident: str, width: int, height: int, margin: int
) -> list[str]:
    """The opening of the SVG: its accessible name and text, background and axes."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="opinion-map" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#FFFFFF" stroke="#DDDDDD"/>',
        f'<line x1="{margin}" y1="{height / 2}" x2="{width - margin}" y2="{height / 2}" '
        'stroke="#EEEEEE"/>',
        f'<line x1="{width / 2}" y1="{margin}" x2="{width / 2}" y2="{height - margin}" '
        'stroke="#EEEEEE"/>',
        '<g aria-hidden="true">',
    ]


def _group_mark(group_id: int, name: str, size: int, px: float, py: float) -> list[str]:
    """A group's centre: a ring in its colour, its letter, and its name with its size."""
    colour = PALETTE[group_id % len(PALETTE)]
    return [
        f'<circle cx="{px}" cy="{py}" r="11" fill="#FFFFFF" stroke="{colour}" stroke-width="3"/>',
        f'<text x="{px}" y="{py + 4}" text-anchor="middle" font-size="12" '
        f'font-family="sans-serif" font-weight="bold" fill="#222222">'
        f"{escape(group_letter(group_id))}</text>",
        f'<text x="{px + 15}" y="{py - 12}" font-size="12" font-family="sans-serif" '
        f'fill="#222222">{escape(name)} ({size})</text>',
    ]


def map_description(
    sizes: Sequence[tuple[str, int]], unplaced: int, phrases: Mapping[str, str]
) -> str:
    """Join the text alternative from translated phrases (the caller translates)."""
    groups = "; ".join(phrases["group"].format(name=name, size=size) for name, size in sizes)
    text = phrases["groups"].format(count=len(sizes), groups=groups) if sizes else phrases["none"]
    if unplaced:
        text += " " + phrases["unplaced"].format(count=unplaced)
    return text
