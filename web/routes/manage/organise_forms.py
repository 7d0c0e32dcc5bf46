"""Reading the organise page's forms and addresses: what was chosen, what it asks for, and
the friendly message of a refusal (by code, so a message can never be made up in the URL)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import FormData

from core.domain import commands as c
from core.i18n import N_
from core.services.organise import MAX_BULK
from core.views.organise import STATUSES, Filters
from core.views.organise_page import DEFAULT_STRICTNESS, STRICTNESS

ACTIONS = ("approve", "reject", "merge", "tag", "untag")
KINDS = ("cluster", "waiting", "results")
FILTER_KEYS = ("q", "status", "gemarkeerd", "thema", "streng", "pagina")
_BLOCK = re.compile(r"^[a-z][a-z0-9]{0,30}$")

KEEP = N_("The idea to keep must be approved and free of personal details: approve one first.")
REFUSALS = {
    "none_selected": N_("Choose at least one idea first."),
    "too_many": N_("Choose at most 1000 ideas at once."),
    "unknown_item": N_(
        "One of these ideas or themes no longer exists. This is how things are now."
    ),
    "other_round": N_("One of these ideas belongs to another round."),
    "merged": N_("One of these ideas has already been merged. This is how things are now."),
    "merge_few": N_("Choose at least two ideas to merge."),
    "survivor": KEEP,
    "held": KEEP,
    "rejected": N_("A rejected idea cannot be the idea to keep."),
    "empty": N_("Choose one of the texts as the wording, or write your own."),
    "too_long": N_("The wording is too long (at most 1000 characters)."),
    "theme_empty": N_("Give the theme a name."),
    "theme_long": N_("A theme's name has at most 60 characters."),
    "theme_exists": N_("There is already a theme with that name."),
    "undo_gone": N_("That action was already undone, or another action came after it."),
    "undo_changed": N_("These ideas have changed since, so that action can no longer be undone."),
}
REFUSED = N_("That did not work. Please try again.")


def block_anchor(name: str) -> str:
    """A block's id to return to (only ids the page makes; else the undo bar)."""
    return name if _BLOCK.match(name) else "undo"


def refusal(code: str) -> str:
    """The message id of a refusal's code; "" for none."""
    return REFUSALS.get(code, REFUSED) if code else ""


def _number(text: str, limit: int = 10**12) -> int | None:
    text = text.strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) <= 12 and 0 < int(text) < limit else None


def _numbers(values: list[Any]) -> list[int]:
    found = (_number(str(v)) for v in values[: MAX_BULK + 1])
    return list(dict.fromkeys(n for n in found if n is not None))


def filters_from(params: Mapping[str, Any]) -> Filters:
    """The page's search and filters from its address (unknown values ignored)."""
    status = str(params.get("status", ""))
    return Filters(
        q=str(params.get("q", ""))[:200].strip(),
        status=status if status in STATUSES else "",
        flagged=params.get("gemarkeerd") == "1",
        theme=_number(str(params.get("thema", ""))),
    )


def strictness_from(params: Mapping[str, Any]) -> str:
    chosen = str(params.get("streng", DEFAULT_STRICTNESS))
    return chosen if chosen in STRICTNESS else DEFAULT_STRICTNESS


def back_query(params: Mapping[str, Any], page: bool = True) -> str:
    """The page's own filters as a query string (to come back to the same view)."""
    source = params
    if "terug" in params:  # a form carries the query of the page it was on
        source = dict(parse_qsl(str(params["terug"])[:600]))
    keys = FILTER_KEYS if page else FILTER_KEYS[:-1]
    kept = {k: str(source[k])[:200] for k in keys if source.get(k)}
    return urlencode(kept)


@dataclass
class BulkForm:
    action: str
    ids: list[int]  # the ideas chosen (ticked)
    shown: list[int]  # every idea the block showed (what is shown again after the action)
    block: str
    kind: str
    number: int
    confirmed: bool
    cancelled: bool
    theme: str
    reason: str
    wording_from: str  # an idea's id whose text becomes the wording, or "own"
    wording: str
    back: str

    @classmethod
    def read(cls, form: FormData) -> BulkForm:
        block = str(form.get("block", ""))
        kind = str(form.get("kind", ""))
        action = str(form.get("action", ""))
        return cls(
            action=action if action in ACTIONS else "",
            ids=_numbers(form.getlist("ids")),
            shown=_numbers(form.getlist("shown")),
            block=block if _BLOCK.match(block) else "results",
            kind=kind if kind in KINDS else "results",
            number=_number(str(form.get("number", ""))) or 0,
            confirmed=form.get("confirm") == "1",
            cancelled=form.get("cancel") == "1",
            theme=str(form.get("theme", ""))[:200],
            reason=str(form.get("reason", ""))[:500],
            wording_from=str(form.get("wording_from", ""))[:20],
            wording=str(form.get("wording", ""))[:2000],
            back=back_query(form),
        )

    def problem(self) -> str:
        """What is wrong before anything is asked (a refusal's code), or ""."""
        if not self.action:
            return "action"
        if not self.ids:
            return "none_selected"
        if len(self.ids) > MAX_BULK:
            return "too_many"
        if self.action == "merge" and len(self.ids) < 2:
            return "merge_few"
        if self.action == "merge" and not self.wording_text(None).strip():
            return "empty"
        if self.action in ("tag", "untag") and not self.theme.strip():
            return "theme_empty"
        return ""

    def wording_text(self, texts: Mapping[int, str] | None) -> str:
        """The wording chosen: the facilitator's own when written (or chosen), else (with
        ``texts``) the chosen idea's."""
        if self.wording.strip() or self.wording_from == "own" or not self.wording_from:
            return self.wording
        chosen = _number(self.wording_from)
        if texts is None:
            return "-" if chosen in self.ids else ""
        return texts.get(chosen or 0, "")

    def survivor(self, keepable: Mapping[int, bool]) -> int:
        """The idea to keep: the one whose text was chosen when it may be kept, else the first
        chosen that may (approved, no personal details), else the first chosen."""
        chosen = _number(self.wording_from)
        if chosen in self.ids and keepable.get(chosen or 0):
            return chosen or 0
        return next((i for i in self.ids if keepable.get(i)), self.ids[0])

    def hidden(self) -> list[tuple[str, str]]:
        """The form's fields again (a confirmation page carries them)."""
        fields = [("action", self.action), ("block", self.block), ("kind", self.kind)]
        fields += [("number", str(self.number)), ("theme", self.theme), ("reason", self.reason)]
        fields += [("wording_from", self.wording_from), ("wording", self.wording)]
        fields += [("terug", self.back)]
        fields += [("ids", str(i)) for i in self.ids] + [("shown", str(i)) for i in self.shown]
        return fields

    def command(
        self, round_id: int, user_id: int | None, ideas: Mapping[int, tuple[str, bool]]
    ) -> c.Command:
        """The command asked for; ``ideas``: the chosen ideas' shown text and whether each may
        be the idea a merge keeps."""
        ids = tuple(self.ids)
        if self.action == "approve":
            return c.ApproveIdeas(round_id, ids, user_id)
        if self.action == "reject":
            return c.RejectIdeas(round_id, ids, self.reason, user_id)
        if self.action == "merge":
            wording = self.wording_text({i: text for i, (text, _) in ideas.items()})
            keepable = {i: ok for i, (_, ok) in ideas.items()}
            return c.MergeCluster(round_id, ids, self.survivor(keepable), wording, user_id)
        return c.AssignTheme(round_id, ids, self.theme, self.action == "untag", user_id)
