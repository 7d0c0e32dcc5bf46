"""Readable labels for the values the domain stores as English words (states, kinds, statuses).

Pages and exports never show a stored value such as ``scheduled`` or ``approved``: they show
its label, translated through the catalogs. A value without a label is shown as it is, so a new
state is visible (and the Dutch-text test fails) until it gets one here.
"""

from __future__ import annotations

from gettext import NullTranslations

from core.i18n import N_

LABELS: dict[str, dict[str, str]] = {
    "round_state": {
        "draft": N_("draft"),
        "scheduled": N_("scheduled"),
        "open": N_("running"),
        "closed": N_("closed"),
    },
    "round_kind": {
        "ideas": N_("ideas"),
        "rating": N_("rating"),
        "statements": N_("statements"),
        "feedback": N_("feedback"),
    },
    "project_status": {
        "draft": N_("draft"),
        "active": N_("active"),
        "closed": N_("closed"),
    },
    "contribution_status": {
        "new": N_("new"),
        "approved": N_("approved"),
        "rejected": N_("rejected"),
        "merged": N_("merged"),
    },
    "review_state": {  # where a contribution stands (core.domain.review), shown on pages
        "waiting": N_("waiting for review"),
        "held": N_("held back, waiting for review"),
        "unreviewed": N_("shown, not reviewed yet"),
        "approved": N_("approved"),
        "rejected": N_("rejected"),
        "merged": N_("merged"),
    },
    "status_filter": {  # the organise page's filter by stored status, said as what it holds
        "new": N_("waiting for a decision"),
        "approved": N_("approved or shown"),
        "rejected": N_("rejected"),
        "merged": N_("merged"),
    },
    "form_field": {  # a form's fields named in its error summary (the label beside the field)
        "ask_profile": N_("Ask residents for their postcode and age band (optional for them)"),
        "listed": N_("Show the project on the start page"),
        "live_results": N_("Show the results live while the round runs"),
        "closes_at": N_("Closes at"),
        "code": N_("Code"),
        "contact": N_("Privacy contact"),
        "key": N_("Short name"),
        "max_per_resident": N_("Most answers per resident"),
        "opens_at": N_("Opens at"),
        "organisation": N_("Organisation (short name)"),
        "quiet_end": N_("Until"),
        "quiet_start": N_("From"),
        "reminders": N_("Reminders"),
        "retention_days": N_("Keep personal data for (days after closing)"),
        "scale_high": N_("Highest score"),
        "scale_low": N_("Lowest score"),
        "title": N_("Title"),
        "items_from": N_("Take the items from the ideas of round"),
        "kind": N_("Kind of round"),
        "language": N_("Language"),
        "moderation": N_("Moderation"),
        "state": N_("State"),
        "status": N_("Status"),
        "criteria": N_("Criteria"),
        "intro": N_("Introduction for residents"),
        "items": N_("Items to rate"),
        "question": N_("Question"),
        "statements": N_("Statements"),
        "text": N_("Your own text"),
        "wijken": N_("Neighbourhoods"),
    },
    "outbox_status": {
        "pending": N_("waiting"),
        "sending": N_("sending"),
        "sent": N_("sent"),
        "failed": N_("failed"),
        "blocked": N_("blocked"),
        "cancelled": N_("cancelled"),
    },
    "channel": {
        "telegram": "Telegram",  # names, the same in every language
        "whatsapp": "WhatsApp",
        "web": N_("web chat"),
        "import": N_("On paper / meeting"),  # ideas imported from a file
    },
    "contribution_kind": {
        "idea": N_("idea"),
        "feedback": N_("comment"),
    },
    "moderation_action": {
        "approve": N_("approved"),
        "reject": N_("rejected"),
        "correct": N_("corrected"),
        "merge": N_("merged"),
        "tag": N_("themes set"),
        "untag": N_("theme taken off"),
        "undo": N_("undone"),
        "takes_place": N_("takes the place of an erased idea"),
    },
    "moderation_detail": {
        "reason": N_("reason"),
        "themes": N_("themes"),
        "into": N_("into idea"),
        "moved": N_("ratings moved"),
        "of": N_("erased idea"),
        "undone": N_("undone action"),
    },
}


def label(value: object, group: str, catalog: NullTranslations) -> str:
    """The translated label of a stored ``value`` of ``group`` (the value itself if unknown)."""
    text = "" if value is None else str(value)
    message = LABELS.get(group, {}).get(text)
    return catalog.gettext(message) if message else text
