"""The geometry of the priority matrix: scales and ticks, quadrants, and labels that never
overlap each other, a point or a quadrant name, with numbers and the table as a fallback."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.analysis.charts import (
    HANDFUL,
    Quadrant,
    Scale,
    importance_and_feasibility,
    priority_matrix,
    quadrant,
    tick_digits,
    ticks,
    wrap,
)
from core.analysis.labels import Box, Point, place_labels, text_size

TEXTS = {
    Quadrant.BOTH_HIGH: "Belangrijk en haalbaar: eerst doen",
    Quadrant.X_ONLY: "Belangrijk, moeilijk haalbaar",
    Quadrant.Y_ONLY: "Minder belangrijk, makkelijk haalbaar",
    Quadrant.BOTH_LOW: "Minder belangrijk, moeilijk haalbaar",
}


def test_a_five_point_scale_has_half_steps_and_a_ten_point_scale_whole_ones():
    assert ticks(1, 5) == [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]
    assert tick_digits(ticks(1, 5)) == 1  # written 1,0 1,5 ... in Dutch
    assert ticks(1, 10) == list(range(1, 11)) and tick_digits(ticks(1, 10)) == 0
    assert ticks(0, 100) == list(range(0, 101, 10))


@given(st.integers(-5, 50), st.integers(1, 200))
def test_ticks_run_from_low_to_high_evenly_and_not_too_many(low: int, span: int):
    found = ticks(low, low + span)
    assert found[0] == low and found[-1] == low + span and len(found) <= 11
    steps = {round(b - a, 6) for a, b in zip(found, found[1:], strict=False)}
    assert len(steps) == 1


def test_a_scale_maps_low_and_high_to_its_ends_and_may_run_upwards():
    up = Scale(1, 5, 400, 10)  # a y axis: higher values higher on the page
    assert up.at(1) == 400 and up.at(5) == 10 and up.at(3) == 205
    assert [t.at for t in up.ticks()][:2] == [400, 351.25]


def test_the_midpoint_counts_as_high():
    assert quadrant(3, 3, 3) == Quadrant.BOTH_HIGH
    assert quadrant(4.2, 2.9, 3) == Quadrant.X_ONLY
    assert quadrant(2.9, 4.2, 3) == Quadrant.Y_ONLY
    assert quadrant(1, 1, 3) == Quadrant.BOTH_LOW


def test_importance_and_feasibility_are_recognised_in_either_order_and_language():
    assert importance_and_feasibility("Belang", "Haalbaarheid") == "x"
    assert importance_and_feasibility("Feasibility", "Importance") == "y"
    assert importance_and_feasibility("Kosten", "Haalbaarheid") is None


def test_quadrant_names_break_after_the_colon_and_fit_their_width():
    assert wrap("Belangrijk en haalbaar: eerst doen", 200, 13) == (
        "Belangrijk en haalbaar:",
        "eerst doen",
    )
    assert wrap("Important, hard to do", 160, 13) == ("Important,", "hard to do")
    assert wrap("Hoog op beide", 160, 13) == ("Hoog op beide",)
    for line in wrap("Minder belangrijk, makkelijk haalbaar", 160, 13):
        assert text_size(line, 13, 3)[0] <= 160


def test_the_midpoint_of_a_ten_point_scale_is_written_with_its_half():
    matrix = priority_matrix([("A", 6.0, 6.0)], 1, 10, TEXTS)
    assert matrix.midpoint == 5.5 and matrix.midpoint_digits == 1 and matrix.digits == 0


def test_crowded_labels_are_left_out_rather_than_overlapping():
    points = [Point(50, 50, 5)] * 40  # forty items on one spot
    placed = place_labels(points, [text_size("12", 14)] * 40, Box(0, 0, 100, 100), rings=3)
    boxes = [p.box for p in placed if p]
    assert 0 < len(boxes) < 40 and None in placed
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_a_handful_of_short_items_is_labelled_with_text_and_more_with_numbers():
    few = [("Bankjes", 4.0, 2.0), ("Bomen", 2.0, 4.0), ("Water", 4.5, 4.5)]
    assert not priority_matrix(few, 1, 5, TEXTS).numbered
    assert [p.label for p in priority_matrix(few, 1, 5, TEXTS).points] == [
        "Bankjes",
        "Bomen",
        "Water",
    ]
    many = [(f"Item {n}", 1 + n % 5, 5 - n % 4) for n in range(HANDFUL + 1)]
    numbered = priority_matrix(many, 1, 5, TEXTS)
    assert numbered.numbered and [p.label for p in numbered.points] == [
        str(n) for n in range(1, HANDFUL + 2)
    ]
    long = [("Een veel te lange tekst voor naast een punt", 3.0, 3.0)]
    assert priority_matrix(long, 1, 5, TEXTS).numbered


def test_items_on_the_same_spot_keep_their_own_numbers():
    same = [(f"Item {n}", 3.4, 3.4) for n in range(8)]
    matrix = priority_matrix(same, 1, 5, TEXTS)
    labels = [p for p in matrix.points if p.placed]
    assert len(labels) == 8 and len({p.placed.box for p in labels if p.placed}) == 8


def test_items_without_both_means_are_left_out_and_named():
    matrix = priority_matrix([("A", 3.0, None), ("B", 4.0, 4.0)], 1, 5, TEXTS)
    assert matrix.left_out == [1] and [p.number for p in matrix.points] == [2]
    assert matrix.quadrant_of(2) == Quadrant.BOTH_HIGH and matrix.quadrant_of(1) is None


means = st.floats(1, 5, allow_nan=False)
layouts = st.lists(st.tuples(st.text(min_size=1, max_size=30), means, means), max_size=15)


@settings(max_examples=300, deadline=None)
@given(layouts, st.sampled_from([(1, 5), (1, 10), (0, 10), (1, 7)]))
def test_no_label_overlaps_another_a_point_a_quadrant_name_or_leaves_the_plot(items, scale):
    low, high = scale
    items = [
        (text, low + (x - 1) / 4 * (high - low), low + (y - 1) / 4 * (high - low))
        for text, x, y in items
    ]
    matrix = priority_matrix(items, low, high, TEXTS)
    labels = [p.placed.box for p in matrix.points if p.placed]
    dots = [Box(p.cx - 5, p.cy - 5, 10, 10) for p in matrix.points]
    names = [q.box for q in matrix.quadrant_labels]
    for i, box in enumerate(labels):
        assert box.within(matrix.plot)
        assert not any(box.intersects(other) for other in labels[i + 1 :])
        assert not any(box.intersects(dot) for dot in dots)
        assert not any(box.intersects(name) for name in names)
    for i, name in enumerate(names):
        assert name.within(matrix.plot)
        assert not any(name.intersects(other) for other in names[i + 1 :])
    assert len(matrix.points) + len(matrix.left_out) == len(items)
    if matrix.unplaced:
        assert matrix.numbered  # a point without a label is found by its number in the table


def test_a_crowd_on_one_spot_still_gets_numbers_that_do_not_overlap():
    matrix = priority_matrix([(f"Item {n}", 4.9, 4.9) for n in range(15)], 1, 5, TEXTS)
    boxes = [p.placed.box for p in matrix.points if p.placed]
    assert matrix.numbered and matrix.unplaced == [] and len(boxes) == 15
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
