"""The web chat in the residents' languages: English questions for an English resident, the
chat's own words in the chosen language, and Arabic right to left."""

from __future__ import annotations

import re

from inspraak.bootstrap import Container
from tests.web.conftest import client_for
from tests.web.test_public_pages import csrf, options


async def _press(visitor, page: str, label: str, path: str = "/chat/DEMO") -> str:
    form = {"csrf": csrf(page), "choice": options(page)[label]}
    response = await visitor.post(path, data=form, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    return response.text


async def test_an_english_resident_gets_the_english_questions(demo: Container):
    async with client_for(demo) as visitor:
        visitor.headers["Accept-Language"] = "en-GB,en;q=0.9"  # as a browser sends it each time
        page = (await visitor.get("/chat/DEMO")).text
        assert "The municipality is working on a new environmental vision" in page
        page = await _press(visitor, page, "Yes, I take part")
        page = await _press(visitor, page, "Skip")
        page = await _press(visitor, page, "Skip")
        assert "What would you change to make Oosterwijk greener and nicer?" in page
        assert "Wat zou jij veranderen" not in page
        page = await _press(visitor, page, "Skip this round")
        assert "How important and how feasible" in page and "Importance" in page


async def test_a_dutch_resident_still_reads_dutch(demo: Container):
    async with client_for(demo) as visitor:
        page = (await visitor.get("/chat/DEMO")).text
        assert "De gemeente werkt aan een nieuwe omgevingsvisie" in page
        assert "environmental vision" not in page


def _attributes(page: str, css_class: str) -> dict[str, str]:
    tag = re.search(rf'<[a-z]+ class="{css_class}"[^>]*>', page)
    assert tag, css_class
    return dict(re.findall(r'(lang|dir)="([^"]*)"', tag.group(0)))


async def test_arabic_is_shown_right_to_left_and_the_chat_speaks_it(demo: Container):
    async with client_for(demo) as visitor:
        page = (await visitor.get("/chat/DEMO?lang=ar")).text
        assert '<html lang="ar" dir="rtl">' in page
        assert _attributes(page, "chat-log") == {"lang": "ar", "dir": "rtl"}
        assert "مرحبًا بك في «Groen en leefbaar Oosterwijk»!" in page
        assert "نعم، أشارك" in options(page)
        assert "رسالتك" in page  # the composer's label
        page = await _press(visitor, page, "نعم، أشارك")  # the answers go on in Arabic
        assert "سؤالان اختياريان" in page and _attributes(page, "chat-log")["dir"] == "rtl"


async def test_choosing_arabic_in_the_chat_turns_it_right_to_left_and_back(demo: Container):
    async with client_for(demo) as visitor:
        page = (await visitor.get("/chat/DEMO")).text
        assert _attributes(page, "chat-log") == {"lang": "nl", "dir": "ltr"}
        page = await _press(visitor, page, "Ja, ik doe mee")
        response = await visitor.post(
            "/chat/DEMO", data={"csrf": csrf(page), "text": "taal"}, headers={"HX-Request": "1"}
        )
        assert list(options(response.text)) == [
            "Nederlands", "English", "Türkçe", "العربية", "Polski", "Українська"
        ]  # fmt: skip
        page = await _press(visitor, response.text, "العربية")
        assert _attributes(page, "chat-log") == {"lang": "ar", "dir": "rtl"}
        full = (await visitor.get("/chat/DEMO")).text
        assert '<html lang="ar" dir="rtl">' in full
        response = await visitor.post(
            "/chat/DEMO", data={"csrf": csrf(full), "text": "taal nl"}, headers={"HX-Request": "1"}
        )
        assert _attributes(response.text, "chat-log") == {"lang": "nl", "dir": "ltr"}
        assert "Vanaf nu praat ik Nederlands met je." in response.text


async def test_the_facilitator_area_stays_dutch_or_english(demo: Container):
    async with client_for(demo) as visitor:
        page = (await visitor.get("/login?lang=ar")).text
    assert '<html lang="nl">' in page
