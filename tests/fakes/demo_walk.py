"""The demo project walked by a simulated resident: its 25 actions and the button each needs.

Shared by the multi-worker test and the benchmarks (Telegram inbound, web chat, workers), so
that they all play the same conversation.
"""

from __future__ import annotations

IDEA = "Meer bankjes in het park"

# the demo project's 25 actions: ("text", words) or ("press", what to press); the first is
# the join (/start DEMO on Telegram; the web chat's greeting)
DEMO_ACTIONS: list[tuple[str, str]] = [("text", "/start DEMO"), ("press", "consent:yes")]
DEMO_ACTIONS += [("text", "5043"), ("press", "age:30-44"), ("text", IDEA), ("press", "send")]
DEMO_ACTIONS += [("press", "done")] + [("press", "rt:4")] * 12 + [("press", "st:a")] * 5
DEMO_ACTIONS += [("press", "fb:8")]


def choose(datas: list[str], want: str) -> str:
    """The button whose data fits ``want``: ``rt:4`` any rating of 4, ``send`` idea:*:send (or
    idea:*:new when similar ideas were offered first: "no, my idea is different"), ``done``
    idea:*:done, else the data itself."""
    kind, _, value = want.partition(":")
    for data in datas:
        parts = data.split(":")
        if want in ("send", "done") and parts[0] == "idea" and parts[-1] == want:
            return data
        if want == "send" and parts[0] == "idea" and parts[-1] == "new":
            return data
        if parts[0] == kind and parts[-1] == value or data == want:
            return data
    raise LookupError(f"no button for {want} in {datas}")
