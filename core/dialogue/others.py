""" "You and the others": where the resident stands among the others in a round they finished."""

from __future__ import annotations

from core.dialogue.context import OthersView
from core.dialogue.intents import Message
from core.dialogue.state import StepName
from core.dialogue.turn import Turn, short


def others(turn: Turn, message: Message) -> None:
    """Show how others answered the round (the service put the summary in the context)."""
    view = turn.ctx.others
    _ = turn._
    if view is None:
        turn.say(
            _(
                "Once you have finished a round with statements or scores, you can see here "
                "how others think."
            )
        )
    elif view.hidden:
        turn.say(
            _(
                "The results of this round are shared once the organisers publish them. "
                "You will hear from us then!"
            )
        )
    elif not view.enough:
        turn.say(
            _(
                "Not enough residents have taken part yet ({count} so far). We show how others "
                "think once at least {minimum} residents took part. Please ask again later!",
                count=view.participants,
                minimum=view.minimum,
            )
        )
    else:
        turn.say(_text(turn, view))
    if turn.state.step != StepName.DONE:
        turn.reprompt()


def _one_decimal(value: float) -> str:
    return "%.1f" % value  # noqa: UP031 - keeps the message extractor away from an f-string


def _text(turn: Turn, view: OthersView) -> str:
    _ = turn._
    lines = [_("{count} residents have taken part so far.", count=view.participants)]
    if view.scores:
        lines.append(_("Your scores compared with the average of everyone:"))
        lines += [
            "\u2022 "
            + _(
                "{item}: you {score}, average {mean}",
                item=short(turn.local(text), 80),
                score=score,
                mean=_one_decimal(mean),
            )
            for text, score, mean in view.scores
        ]
        return "\n".join(lines)
    if view.group_size is not None:
        lines.append(
            _(
                "Your answers are closest to a group of {size} residents (of {groups} opinion "
                "groups).",
                size=view.group_size,
                groups=view.groups,
            )
        )
        if view.group_statements:
            lines.append(_("What sets this group apart:"))
            direction = {"agree": _("mostly agree"), "disagree": _("mostly disagree")}
            lines += [
                f"\u2022 \u201c{short(turn.local(text), 100)}\u201d ({direction[d]})"
                for text, d in view.group_statements
            ]
    lines += _differing(turn, view)
    return "\n".join(lines)


def _differing(turn: Turn, view: OthersView) -> list[str]:
    _ = turn._
    if not view.differing:
        return [_("On every statement you answered, you are with the majority.")]
    lines = [_("Where you think differently from most residents:")]
    for text, own, share in view.differing:
        mine = _("you agree") if own == 1 else _("you disagree")
        most = (
            _("{percent}% disagree", percent=round(share * 100))
            if own == 1
            else _("{percent}% agree", percent=round(share * 100))
        )
        lines.append(f"\u2022 \u201c{short(turn.local(text), 100)}\u201d ({mine}, {most})")
    return lines
