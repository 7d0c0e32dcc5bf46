"""Rendering replies for WhatsApp: buttons, lists, the folded 1–10 scale, numbered text."""

from __future__ import annotations

from bots.whatsapp.render import coalesce, ellipsis, render, template_payload
from bots.whatsapp.templates import template_for
from bots.whatsapp.webhook import signature_valid, template_button, to_incoming
from core.messages import Incoming, IncomingKind, Option, Reply
from core.outbox.ports import Template

TO = "31612345678"


def options(*labels: str) -> tuple[Option, ...]:
    return tuple(Option(label, f"o:{n}") for n, label in enumerate(labels))


def test_three_options_are_reply_buttons_with_titles_of_at_most_20_characters():
    reply = Reply("Doe je mee?", options("Ja", "Nee", "Misschien later, ok"))
    (payload,) = render(TO, [reply])
    buttons = payload["interactive"]["action"]["buttons"]
    assert payload["interactive"]["type"] == "button"
    assert [b["reply"]["title"] for b in buttons] == ["Ja", "Nee", "Misschien later, ok"]
    assert all(len(b["reply"]["title"]) <= 20 for b in buttons)
    assert [b["reply"]["id"] for b in buttons] == ["o:0", "o:1", "o:2"]


def test_a_label_a_button_would_cut_makes_a_list_that_shows_it_whole():
    # issue 15: a similar idea, or "Nee, mijn idee is anders" (24), is never cut to 20
    reply = Reply(
        "Bedoel je dit idee?", options("Meer bankjes in het park", "Nee, mijn idee is anders")
    )
    (payload,) = render(TO, [reply])
    assert payload["interactive"]["type"] == "list"
    rows = payload["interactive"]["action"]["sections"][0]["rows"]
    assert [r["title"] for r in rows] == ["Meer bankjes in het park", "Nee, mijn idee is anders"]


def test_up_to_ten_options_are_a_list_with_the_full_label_in_the_description():
    long = "Een moestuin voor buurtbewoners op het braakliggende terrein aan de Kanaalweg"
    reply = Reply("Kies", options("Kort", long, "c", "d"))
    (payload,) = render(TO, [reply], "nl")
    rows = payload["interactive"]["action"]["sections"][0]["rows"]
    assert payload["interactive"]["action"]["button"] == "Kies"
    assert rows[0] == {"id": "o:0", "title": "Kort"}
    assert len(rows[1]["title"]) <= 24 and rows[1]["title"].endswith("…")
    assert len(rows[1]["description"]) <= 72 and rows[1]["description"].startswith("Een moestuin")


def test_a_1_to_10_scale_with_skip_is_a_list_of_ten_and_skip_is_typed():
    reply = Reply("Welk cijfer?", (*options(*map(str, range(1, 11))), Option("Skip", "fb:skip")))
    (payload,) = render(TO, [reply], "en")
    rows = payload["interactive"]["action"]["sections"][0]["rows"]
    assert [r["title"] for r in rows] == [str(n) for n in range(1, 11)]
    assert payload["interactive"]["body"]["text"].endswith("Or type SKIP.")


def test_more_options_are_numbered_text():
    reply = Reply("Welk project?", options(*(f"Project {n}" for n in range(1, 14))))
    (payload,) = render(TO, [reply])
    assert payload["type"] == "text"
    assert "13. Project 13" in payload["text"]["body"]


def test_buttons_whose_titles_collide_when_cut_become_a_list():
    reply = Reply("?", options("Heel erg mee eens, echt", "Heel erg mee eens, maar"))
    (payload,) = render(TO, [reply])
    assert payload["interactive"]["type"] == "list"


def test_an_acknowledgement_rides_along_with_the_next_question():
    merged = coalesce([Reply("Je cijfer: 8"), Reply("Toelichting?", options("Overslaan"))])
    assert len(merged) == 1 and merged[0].text == "Je cijfer: 8\n\nToelichting?"
    payloads = render(TO, [Reply("a"), Reply("b")])
    assert [p["text"]["body"] for p in payloads] == ["a\n\nb"]


def test_a_question_longer_than_an_interactive_body_goes_first_as_text():
    reply = Reply("x" * 1500, options("Ja", "Nee"))
    first, second = render(TO, [reply], "nl")
    assert first["type"] == "text" and len(first["text"]["body"]) == 1500
    assert second["interactive"]["body"]["text"] == "Kies een antwoord."


def test_very_long_text_is_split_under_4096_characters():
    payloads = render(TO, [Reply("\n".join(["regel " * 50] * 40))])
    assert len(payloads) > 1 and all(len(p["text"]["body"]) <= 4096 for p in payloads)


def test_ellipsis_keeps_short_text_and_cuts_long_text():
    assert ellipsis("kort", 20) == "kort"
    assert ellipsis("a" * 30, 20) == "a" * 19 + "…"


def test_the_signature_is_checked_over_the_raw_body():
    import hashlib
    import hmac

    body = b'{"a":"\\/"}'
    good = "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest()
    assert signature_valid(body, good, "s")
    assert not signature_valid(body + b" ", good, "s")
    assert not signature_valid(body, good, "other")
    assert not signature_valid(body, None, "s")
    assert not signature_valid(body, good, "")  # no secret configured: refuse everything
    assert not signature_valid(body, good.replace("sha256", "sha1"), "s")


def test_webhook_messages_become_incoming():
    assert to_incoming("text", {"body": "START DEMO"}) == Incoming.message("START DEMO")
    reply = {"type": "list_reply", "list_reply": {"id": "fb:4:8", "title": "8"}}
    assert to_incoming("interactive", reply) == Incoming.choice("fb:4:8")
    button = {"type": "button_reply", "button_reply": {"id": "consent:yes", "title": "Ja"}}
    assert to_incoming("interactive", button) == Incoming.choice("consent:yes")
    assert to_incoming("image", {"id": "m"}) is None
    assert template_button("start:DEMO", "Doe mee") == Incoming.start("DEMO")
    # a round's prompt or reminder: straight into that round, like its button elsewhere
    assert template_button("go:DEMO:7", "Doe mee") == Incoming.choice("go:DEMO:7")
    assert template_button("stop", "Stop").kind == IncomingKind.COMMAND
    assert template_button("", "Ja") == Incoming.message("Ja")


def test_a_project_template_per_kind_falls_back_to_the_general_one():
    settings = {
        "whatsapp_template": {
            "name": "inspraak_ronde",
            "parameters": ["project_title"],
            "reminder": {"name": "inspraak_herinnering", "parameters": ["round_question"]},
        }
    }
    values = {"project_title": "Groen", "round_question": "Wat  vind\tje?"}
    prompt = template_for(settings, "prompt", values, project_code="DEMO")
    reminder = template_for(settings, "reminder", values, project_code="DEMO")
    assert prompt == Template("inspraak_ronde", "nl", ("Groen",), ("start:DEMO",))
    assert reminder == Template("inspraak_herinnering", "nl", ("Wat vind je?",), ("start:DEMO",))
    assert template_for({}, "prompt", values, project_code="DEMO") is None


def test_a_template_payload_carries_parameters_and_the_quick_reply_payload():
    payload = template_payload(TO, Template("t", "nl", ("a",), ("start:X",)))
    body, button = payload["template"]["components"]
    assert body == {"type": "body", "parameters": [{"type": "text", "text": "a"}]}
    assert button["sub_type"] == "quick_reply" and button["index"] == "0"
    assert "components" not in template_payload(TO, Template("t", "nl"))["template"]


def test_the_six_languages_are_a_list_in_the_residents_language():
    from core.i18n import LANGUAGE_NAMES

    reply = Reply("ما اللغة التي تفضلها؟", options(*LANGUAGE_NAMES.values()))
    (payload,) = render("31600000000", [reply], language="ar")
    rows = payload["interactive"]["action"]["sections"][0]["rows"]
    assert [r["title"] for r in rows] == list(LANGUAGE_NAMES.values())
    assert payload["interactive"]["action"]["button"] == "اختر"
