"""The button-data codec, and every button the engine offers going through it."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bots.whatsapp.templates import template_for
from core.dialogue import buttons as b
from core.dialogue.context import Context, OthersView, ProjectView, ResidentView, RoundView
from core.dialogue.engine import step
from core.dialogue.state import State
from core.domain.model import RoundKind
from core.messages import MAX_OPTION_DATA_BYTES, Incoming, Option
from core.services.broadcast import go_data

BIG = 2**63 - 1  # the largest id a BIGINT column holds
CODE = "P" * 40  # the longest project code a project file allows
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)

SAMPLES: list[b.Action] = [
    b.Join(CODE),
    b.Start(CODE),
    b.Start(""),
    b.Go(CODE, BIG),
    b.Stop(),
    b.Consent(True),
    b.Consent(False),
    b.SkipPostcode(),
    b.Age("30-44"),
    b.Age("skip"),
    *(b.Idea(BIG, action) for action in ("send", "edit", "more", "done", "new")),
    b.Support(BIG, BIG),
    b.Rate(BIG, BIG, 2, 10),
    b.Rate(BIG, BIG, 0, None),
    *(b.Vote(BIG, BIG, answer) for answer in ("a", "d", "p", "s")),
    b.Feedback(BIG, 7),
    b.Feedback(BIG, None),
    b.Others(BIG),
    b.Others(),
    b.Forget(True),
    b.Forget(False),
    b.Language("en"),
]


@pytest.mark.parametrize("action", SAMPLES, ids=repr)
def test_every_action_encodes_within_the_limit_and_decodes_back(action: b.Action):
    data = b.encode(action)
    assert len(data.encode()) <= MAX_OPTION_DATA_BYTES
    assert b.decode(data) == action


def test_the_data_formats_stay_as_buttons_already_sent_carry_them():
    assert b.encode(b.Rate(11, 100, 0, 7)) == "rt:11:100:0:7"
    assert b.encode(b.Vote(12, 200, "a")) == "st:12:200:a"
    assert b.encode(b.Feedback(4, None)) == "fb:4:skip"
    assert b.encode(b.Go("DEMO", 7)) == "go:DEMO:7"
    assert b.encode(b.Idea(10, "send")) == "idea:10:send"
    assert b.encode(b.Consent(True)) == "consent:yes"


def test_data_over_the_limit_is_refused():
    with pytest.raises(ValueError, match="64 bytes"):
        b.encode(b.Join("X" * 60))
    with pytest.raises(ValueError, match="':'"):
        b.encode(b.Go("A:B", 1))
    assert b.decode("join:" + "X" * 60) is None


@pytest.mark.parametrize(
    "data",
    ["", "nonsense", "rt:11:100:0", "rt:x:y:z:w", "rt:11:100:0:", "st:12:200:x", "fb:4:",
     "idea:10:send:now", "idea:ten:send", "go:DEMO", "go::7", "consent:maybe", "join:",
     "others:x", "forget:", "rt:11:100:0:²"],
)  # fmt: skip
def test_malformed_or_forged_data_is_no_button(data: str):
    assert b.decode(data) is None


def _round(round_id: int, kind: RoundKind, **kw: object) -> RoundView:
    """An open round whose results are shown (so every button, "others" too, is offered)."""
    return RoundView(round_id, "k", kind, "Vraag?", True, results_shown=True, **kw)  # type: ignore[arg-type]


ROUNDS = (
    _round(BIG - 3, RoundKind.IDEAS, max_per_resident=2),
    _round(BIG - 2, RoundKind.RATING, scale_max=10, criteria=("Belang", "Kosten"), total=2),
    _round(BIG - 1, RoundKind.STATEMENTS, total=2),
    _round(BIG, RoundKind.FEEDBACK, scale_max=10),
)
PROJECT = ProjectView(BIG, CODE, "Groen " * 20, "Intro.", "nl")
OTHERS = OthersView(BIG - 1, RoundKind.STATEMENTS, 3, enough=False, minimum=10)


def _context(resident: ResidentView | None, finished: int = 0) -> Context:
    """The context of one step; the first ``finished`` rounds are done already."""
    rounds = tuple(replace(r, finished=n < finished) for n, r in enumerate(ROUNDS))
    return Context(
        now=NOW,
        pseudonym="p" * 64,
        channel="telegram",
        address="42",
        project=PROJECT,
        resident=resident,
        rounds=rounds,
        candidates={
            BIG - 2: ((BIG - 10, "Bomen"), (BIG - 11, "Bankjes")),
            BIG - 1: ((BIG - 20, "Stelling A"), (BIG - 21, "Stelling B")),
        },
        open_projects=((CODE, "Groen " * 20), ("B" * 40, "Anders")),
        others=OTHERS,
    )


TYPED = [
    Incoming.message("Meer bomen in de straat"),
    Incoming.message("3511"),
    Incoming.message("hulp"),
    Incoming.message("taal"),
    Incoming.message("vergeet"),
    Incoming.message("anderen"),
    Incoming.start(CODE),
    Incoming.choice(b.encode(b.Go(CODE, BIG - 1))),
]


def _explore(ctx: Context, root: State, limit: int = 400) -> set[str]:
    """Every option data the engine offers from ``root``: press every button, type a few things."""
    offered: set[str] = set()
    seen = {json.dumps(root.to_dict(), sort_keys=True)}
    queue = deque([root])
    steps = 0
    while queue and steps < limit:
        state = queue.popleft()
        presses = [Incoming.choice(data) for data in state.options]
        for incoming in [*presses, *TYPED]:
            steps += 1
            result = step(ctx, state, incoming)
            offered.update(o.data for reply in result.replies for o in reply.options)
            if result.state is None:
                continue
            key = json.dumps(result.state.to_dict(), sort_keys=True)
            if key not in seen:
                seen.add(key)
                queue.append(result.state)
    return offered


def test_every_button_the_engine_offers_goes_through_the_codec_and_fits_telegram():
    resident = ResidentView(BIG, "active", "nl")
    offered = _explore(_context(None), State())
    for finished in range(len(ROUNDS)):  # a static context never finishes a round by itself
        offered |= _explore(_context(resident, finished), State(project=CODE, step="done"))
    kinds = {type(b.decode(data)) for data in offered}
    expected = {b.Join, b.Consent, b.SkipPostcode, b.Age, b.Idea, b.Rate, b.Vote, b.Feedback,
                b.Others, b.Forget, b.Language}  # fmt: skip
    assert expected <= kinds, f"never offered: {expected - kinds}"
    for data in sorted(offered):
        action = b.decode(data)
        assert action is not None, f"the codec does not know {data!r}"
        assert b.encode(action) == data
        assert len(data.encode()) <= MAX_OPTION_DATA_BYTES


def test_pushed_buttons_and_template_payloads_go_through_the_codec():
    assert b.decode(go_data(CODE, BIG)) == b.Go(CODE, BIG)
    template = template_for({"whatsapp_template": {"name": "t"}}, "results", {}, project_code=CODE)
    assert template is not None
    assert [b.decode(payload) for payload in template.buttons] == [b.Start(CODE)]


def test_an_option_refuses_data_over_the_limit():
    with pytest.raises(ValueError):
        Option("x", "x" * (MAX_OPTION_DATA_BYTES + 1))
