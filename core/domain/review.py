"""Where a resident's contribution stands with moderation, in words a facilitator can trust.

The stored status alone does not say it: with moderation afterwards an idea is stored as
``approved`` the moment it arrives, so that it can be rated at once, although nobody looked at
it. What a page shows is :func:`review_state`: the stored status, the flags, the project's
moderation mode and whether a facilitator decided on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from core.domain.model import ContributionStatus, shown_publicly


class ReviewState(StrEnum):
    WAITING = "waiting"  # nobody looked at it; not shown (moderation beforehand)
    HELD = "held"  # flagged (personal details, a link, profanity); not shown until reviewed
    UNREVIEWED = "unreviewed"  # nobody looked at it; shown already (moderation afterwards)
    APPROVED = "approved"  # a facilitator approved it
    REJECTED = "rejected"
    MERGED = "merged"


def review_state(
    status: ContributionStatus | str, flags: Iterable[str], moderation: str, reviewed: bool
) -> ReviewState:
    """The contribution's real standing; ``reviewed``: a facilitator approved, rejected or
    merged it (the moderation log says so)."""
    value = ContributionStatus(str(getattr(status, "value", status)))
    if value == ContributionStatus.REJECTED:
        return ReviewState.REJECTED
    if value == ContributionStatus.MERGED:
        return ReviewState.MERGED
    if reviewed and value == ContributionStatus.APPROVED:
        return ReviewState.APPROVED
    found = list(flags)
    if found and value != ContributionStatus.APPROVED:
        return ReviewState.HELD
    if shown_publicly(value, found, moderation):
        return ReviewState.UNREVIEWED
    return ReviewState.WAITING
