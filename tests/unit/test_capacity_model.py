"""The capacity model (bench/capacity_model.py) that the README's sizing table comes from."""

from __future__ import annotations

from bench.capacity_model import Measured, Wave, simulate, size

COSTS = Measured(
    step_ms=3.0, message_ms=1.0, statements_step=10.0, statements_message=0.3,
    commits_step=1.0, db_ms_step=1.0, db_ms_message=0.1, rss_mb=400.0, bytes_participant=40_000,
)  # fmt: skip


def test_every_step_of_every_participant_falls_within_the_window() -> None:
    load = simulate(Wave(1_000, window=600, steps=11, think=3, delay=120, rate=25))
    assert sum(load.seconds) == 11_000
    assert load.late == 0
    assert sum(load.seconds[600:]) == 0
    assert load.mean < load.peak_10s <= load.peak_1s


def test_participants_prompted_late_do_not_all_open_at_the_last_moment() -> None:
    load = simulate(Wave(10_000, rate=25))  # the question reaches the last one after 400 s
    assert load.late == 0
    assert load.peak_1s < 1.5 * load.peak_10s


def test_a_broadcast_too_slow_for_the_window_leaves_participants_late() -> None:
    load = simulate(Wave(100_000, rate=25))  # 4,000 s of sending for a ten-minute window
    assert load.late > 80_000


def test_ten_times_the_participants_need_many_times_the_workers() -> None:
    small = size(COSTS, Wave(10_000, rate=1000))
    large = size(COSTS, Wave(100_000, rate=1000))  # their broadcast takes 100 s, not 10 s
    assert 6 * small.load.peak_10s < large.load.peak_10s < 10 * small.load.peak_10s
    assert large.workers >= 6 * small.workers - 1
    assert large.statements_s > 6 * small.statements_s
    assert small.workers * 0.6 >= small.worker_cores  # each worker busy at most 60 % at peak
