"""What residents and the public may see: published results, and contributions that passed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.domain.model import ContributionStatus, Round, RoundKind, shown_publicly

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_a_rounds_results_are_shown_once_published_or_when_switched_live():
    running = Round(1, "ideeen", RoundKind.IDEAS)
    assert not running.results_shown and not running.live_results
    assert Round(1, "k", RoundKind.IDEAS, settings={"live_results": True}).results_shown
    assert Round(1, "k", RoundKind.IDEAS, results_published_at=NOW).results_shown
    assert not Round(1, "k", RoundKind.IDEAS, settings={"live_results": False}).results_shown


@pytest.mark.parametrize(
    ("status", "flags", "moderation", "shown"),
    [
        (ContributionStatus.APPROVED, [], "pre", True),
        (ContributionStatus.APPROVED, ["phone"], "post", True),  # a facilitator approved it
        (ContributionStatus.NEW, [], "post", True),  # moderation afterwards
        (ContributionStatus.NEW, ["email"], "post", False),  # held for review
        (ContributionStatus.NEW, [], "pre", False),  # waits for moderation beforehand
        (ContributionStatus.REJECTED, [], "post", False),
        (ContributionStatus.MERGED, [], "post", False),
        ("rejected", [], "post", False),
    ],
)
def test_only_contributions_that_passed_are_shown_publicly(status, flags, moderation, shown):
    assert shown_publicly(status, flags, moderation) is shown
