"""The round form shows how easy its question is to read (Flesch–Douma, long sentences and
long words marked) as advice toward B1: live with HTMX, on a button without JavaScript, and
never in the way of saving."""

from __future__ import annotations

from html import unescape

from inspraak.bootstrap import Container
from tests.web.conftest import csrf_of

FORM = "/manage/projects/DEMO/rounds/ideeen"
HARD = (
    "In het kader van de herinrichting van de openbare ruimte en de daarmee samenhangende "
    "klimaatadaptatiemaatregelen vragen wij u om uw visie op de prioritering van "
    "verschillende investeringsmogelijkheden kenbaar te maken."
)


def _round(question: str, token: str) -> dict[str, str]:
    return {"csrf": token, "kind": "ideas", "question": question, "state": "open"}


async def _question(demo: Container) -> str:
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = await uow.projects.rounds(project.id)
    return next(r.question for r in rounds if r.key == "ideeen")


async def test_the_round_form_shows_the_questions_readability_in_dutch(signed_in, demo):
    page = unescape((await signed_in.get(FORM)).text)
    assert 'id="readability"' in page and "Leesbaarheid: " in page
    assert 'hx-post="/manage/readability"' in page and "from:#f-question" in page
    assert "Leesbaarheid bekijken" in page and "Alleen een advies" in page


async def test_typing_a_hard_question_marks_its_long_sentence_and_words_with_htmx(signed_in, demo):
    token = csrf_of((await signed_in.get(FORM)).text)
    response = await signed_in.post(
        "/manage/readability",
        data={"csrf": token, "question": HARD},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = unescape(response.text)
    assert "<html" not in html and html.lstrip().startswith('<div id="readability"')
    assert "voor veel bewoners moeilijk te lezen" in html
    assert "1 zin heeft meer dan 15 woorden" in html
    assert '<mark class="long-word">klimaatadaptatiemaatregelen</mark>' in html
    assert '<mark class="long-sentence">' in html
    plain = await signed_in.post(
        "/manage/readability", data={"csrf": token, "question": "Wat mist er in het park?"}
    )
    assert "Dit leest goed op B1" in unescape(plain.text) and "<mark" not in plain.text


async def test_without_javascript_the_button_shows_the_advice_and_saves_nothing(signed_in, demo):
    before = await _question(demo)
    token = csrf_of((await signed_in.get(FORM)).text)
    checked = await signed_in.post(f"{FORM}?check=readability", data=_round(HARD, token))
    assert checked.status_code == 200
    page = unescape(checked.text)
    assert '<mark class="long-word">investeringsmogelijkheden</mark>' in page
    assert HARD in page  # the form keeps what was typed
    assert await _question(demo) == before


async def test_a_hard_question_is_advice_only_and_still_saves(signed_in, demo):
    token = csrf_of((await signed_in.get(FORM)).text)
    saved = await signed_in.post(FORM, data=_round(HARD, token))
    assert saved.status_code == 303
    assert await _question(demo) == HARD


async def test_the_advice_needs_a_signed_in_user_and_the_forms_token(client, signed_in, demo):
    refused = await signed_in.post("/manage/readability", data={"question": HARD})
    assert refused.status_code == 403
