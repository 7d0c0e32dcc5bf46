"""The channels' parsers take any payload: what they cannot read they skip, never fail on."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bots.whatsapp.webhook import InboundMessage, Receipt, parse
from core.messages import Incoming
from tests.properties.strategies import FAST, button_data, typed

PHONE = "106540352242922"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | typed,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(typed, inner, max_size=3),
    max_leaves=12,
)


def anything_like(value: object) -> st.SearchStrategy[object]:
    """``value`` or, sometimes, any JSON in its place."""
    return st.one_of(st.just(value), json_values)


def message(kind: str, content: object) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(
        {
            "from": anything_like("31612345678"),
            "id": anything_like("wamid.X"),
            "timestamp": st.one_of(st.just("1764583200"), json_values, st.just("²")),
            "type": anything_like(kind),
            kind: anything_like(content),
        }
    )


_interactive = st.builds(
    lambda data, kind: {"type": kind, kind: {"id": data, "title": "x"}},
    button_data,
    st.sampled_from(["button_reply", "list_reply"]),
)
messages = st.one_of(
    typed.flatmap(lambda text: message("text", {"body": text})),
    _interactive.flatmap(lambda content: message("interactive", content)),
    st.tuples(button_data, typed).flatmap(
        lambda p: message("button", {"payload": p[0], "text": p[1]})
    ),
    json_values,
)
statuses = st.fixed_dictionaries(
    {"id": anything_like("wamid.Y"), "status": anything_like("failed")},
    optional={
        "errors": st.one_of(
            json_values,
            st.lists(st.fixed_dictionaries({"code": json_values, "title": json_values})),
            st.just([{"code": "²", "title": "x"}]),
        )
    },
)
values = st.fixed_dictionaries(
    {"metadata": anything_like({"phone_number_id": PHONE})},
    optional={"messages": st.one_of(st.lists(messages, max_size=3), json_values),
              "statuses": st.one_of(st.lists(statuses, max_size=2), json_values)},
)  # fmt: skip
changes = st.fixed_dictionaries({"field": anything_like("messages"), "value": values})
entries = st.fixed_dictionaries({"changes": st.lists(changes, max_size=2) | json_values})
payloads = st.one_of(
    st.fixed_dictionaries({"entry": st.lists(entries | json_values, max_size=2) | json_values}),
    json_values,
)


@FAST
@given(payload=payloads)
def test_any_whatsapp_webhook_payload_is_parsed_without_failing(payload: object):
    for found in parse(json.dumps(payload).encode(), PHONE):
        assert isinstance(found, InboundMessage | Receipt)
        if isinstance(found, InboundMessage):
            assert found.incoming is None or isinstance(found.incoming, Incoming)


@FAST
@given(body=st.binary(max_size=200))
def test_any_bytes_as_a_whatsapp_webhook_body_are_parsed_without_failing(body: bytes):
    assert all(isinstance(f, InboundMessage | Receipt) for f in parse(body, PHONE))
