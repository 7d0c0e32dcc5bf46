"""The web chat on a 390×844 phone in a real browser (Debian's Chromium, strict CSP enforced):
the whole DEMO dialogue without ever scrolling to find the question, Enter sends and Shift+Enter
makes a new line, the cursor stays in the message box, replies reach a live region, "Hoe denken
anderen?" is a button, erasing ends with its message (with and without JavaScript), and a
button or the send button pressed twice while the answer is slow answers once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest

from core.domain.commands import PublishResults
from inspraak.bootstrap import Container, load_demo_if_empty
from tests.web.browser.site import running_site
from tests.web.browser.test_facilitator_flow import ARGS, CHROMIUM, check_accessibility

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)
PHONE = {"width": 390, "height": 844}
ERASED = "Alles is gewist. Typ START om opnieuw mee te doen."
OTHERS = "Hoe denken anderen?"

IN_VIEW = """() => {
  const log = document.getElementById('chat-log').getBoundingClientRect();
  const question = [...document.querySelectorAll('.msg.bot')].pop().getBoundingClientRect();
  const buttons = [...document.querySelectorAll('.chat-controls button')]
    .map(b => b.getBoundingClientRect());
  return {
    pageScrolled: window.scrollY > 0 || document.documentElement.scrollHeight > innerHeight,
    questionTopShown: question.top >= log.top - 1 && question.top < log.bottom - 40,
    questionWhole: question.height > log.height || question.bottom <= log.bottom + 1,
    buttonsShown: buttons.every(r => r.top >= 0 && r.bottom <= innerHeight),
    focus: document.activeElement && document.activeElement.id,
  };
}"""


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """DEMO on 127.0.0.1, its rating round's results published (so others can be compared)."""

    async def prepare(container: Container) -> None:
        await load_demo_if_empty(container)
        async with container.uow() as uow:
            project = await uow.projects.by_code("DEMO")
            rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
        await container.bus.handle(PublishResults(rounds["beoordelen"].id or 0))

    with running_site(tmp_path_factory.mktemp("webchat"), prepare) as (base, _):
        yield base


def _turn(page, act) -> None:
    """Do ``act`` and wait until the chat shows the answer (a new conversation log)."""
    page.evaluate("document.getElementById('chat-log').dataset.old = 'yes'")
    act()
    page.wait_for_function(
        "() => !document.querySelector('#chat-log[data-old]')"
        " && !document.querySelector('.htmx-request')"
    )


def _seen(page, where: str) -> None:
    """The question is there without scrolling: its top in the log, every button on screen,
    the page itself not scrolled, the cursor in the message box."""
    state = page.evaluate(IN_VIEW)
    assert not state["pageScrolled"], where
    assert state["questionTopShown"] and state["questionWhole"], (where, state)
    assert state["buttonsShown"], (where, state)
    assert state["focus"] == "chat-text", (where, state)


def _press(page, label: str) -> None:
    _turn(page, lambda: page.locator("form.options button", has_text=label).first.click())


def _type(page, text: str) -> None:
    box = page.get_by_label("Je bericht")
    box.fill(text)
    _turn(page, lambda: box.press("Enter"))


def _answer_the_rounds(page) -> int:
    """Answer every question of the rounds: scores, statements, the mark and its comment."""
    for step in range(60):
        labels = page.locator("form.options button").all_inner_texts()
        if set(labels) <= {OTHERS}:  # nothing left to answer
            return step
        if "Eens" in labels:
            _press(page, "Eens")
        elif "7" in labels:
            _press(page, "7")
        elif "4" in labels:
            _press(page, "4")
        else:
            _type(page, "Goed plan, graag snel beginnen.")
        _seen(page, f"step {step}: {page.locator('.msg.bot').last.inner_text()[:60]}")
    raise AssertionError(f"the rounds did not end: {page.locator('.msg').all_inner_texts()[-6:]}")


def test_a_resident_walks_the_whole_demo_on_a_phone_and_erases(demo_site):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
        page.set_default_timeout(5000)
        page.goto(f"{demo_site}/chat/DEMO")
        _seen(page, "greeting")
        _press(page, "Ja, ik doe mee")
        _seen(page, "postcode")
        _type(page, "5041")
        _press(page, "45")
        _seen(page, "idea")

        box = page.get_by_label("Je bericht")
        box.fill("Meer bomen")
        box.press("Shift+Enter")
        box.press_sequentially("in de Dorpsstraat")
        assert box.input_value() == "Meer bomen\nin de Dorpsstraat"
        _turn(page, lambda: box.press("Enter"))
        assert box.input_value() == ""
        _seen(page, "idea confirm")
        assert page.get_by_role("button", name="Versturen", exact=True).count() == 1
        _press(page, "Versturen")
        _press(page, "Nee, verder")
        _seen(page, "first score")
        for _ in range(12):  # six ideas, two criteria each
            _press(page, "4")
        expect(page.locator(".msg.bot p").last).to_contain_text("Stelling (1/5)")
        expect(page.locator("form.options button.others")).to_have_text([OTHERS])
        _seen(page, "first statement")
        assert _answer_the_rounds(page) > 5

        done = page.locator("form.options button")
        expect(done).to_have_text([OTHERS])
        _seen(page, "done")
        _press(page, OTHERS)
        expect(page.locator(".msg.bot").last).to_contain_text("bewoners")
        expect(page.get_by_role("link", name="Bekijk de resultaten")).to_be_visible()
        _type(page, "help")  # a long answer, then the question again: the question in view
        expect(page.locator(".msg.bot p").nth(-2)).to_contain_text("ANDEREN")
        _seen(page, "help")

        _type(page, "vergeet")
        _seen(page, "erase confirm")
        _press(page, "Ja, wis alles")
        expect(page.locator(".msg.bot p")).to_have_text([ERASED])
        expect(page.locator("#chat-announce")).to_have_text(ERASED)
        _seen(page, "erased")
        page.reload()
        expect(page.locator(".msg.bot p")).to_have_text([ERASED])
        _type(page, "hallo")
        expect(page.locator(".msg.bot p")).to_have_text([ERASED])
        _press(page, "Opnieuw meedoen")
        expect(page.locator(".msg.bot").last).to_contain_text("Ga je akkoord?")
        browser.close()


def test_without_javascript_the_question_is_in_view_and_erasing_says_so(demo_site):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport=PHONE, locale="nl-NL", java_script_enabled=False)
        page = context.new_page()
        page.set_default_timeout(5000)
        page.goto(f"{demo_site}/chat/DEMO")
        page.locator("form.options button", has_text="Ja, ik doe mee").click()
        page.get_by_label("Je bericht").fill("5041")
        page.locator("form.composer button").click()
        page.locator("form.options button", has_text="45").click()
        expect(page.locator(".msg.bot").last).to_contain_text("Wat zou jij veranderen")
        state = page.evaluate(IN_VIEW)
        assert state["questionTopShown"] and state["buttonsShown"], state
        page.get_by_label("Je bericht").fill("vergeet")
        page.locator("form.composer button").click()
        page.locator("form.options button", has_text="Ja, wis alles").click()
        expect(page.locator(".msg.bot p")).to_have_text([ERASED])
        browser.close()


def test_a_lost_connection_keeps_the_text_and_an_expired_form_reloads_the_chat(demo_site):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport=PHONE, locale="nl-NL")
        page = context.new_page()
        page.set_default_timeout(5000)
        page.goto(f"{demo_site}/chat/DEMO")
        _press(page, "Ja, ik doe mee")
        context.set_offline(True)
        box = page.get_by_label("Je bericht")
        box.fill("5041")
        box.press("Enter")
        expect(page.get_by_role("alert")).to_contain_text("Geen verbinding")
        expect(box).to_have_value("5041")
        expect(page.locator(".msg.me.pending")).to_have_count(0)
        context.set_offline(False)
        _turn(page, lambda: box.press("Enter"))
        expect(page.get_by_role("alert")).to_be_hidden()
        expect(page.locator(".msg.bot p").last).to_contain_text("Hoe oud ben je?")

        context.clear_cookies()  # the form's token no longer matches: the chat starts afresh
        page.locator("form.options button", has_text="45").click()
        expect(page.locator(".msg.bot p").last).to_contain_text("Ga je akkoord?")
        browser.close()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}])
def test_the_chat_passes_axe_and_fits_the_screen(demo_site, viewport):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport=viewport, locale="nl-NL", bypass_csp=True).new_page()
        page.goto(f"{demo_site}/chat/DEMO")
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        check_accessibility(page)
        browser.close()


@pytest.mark.parametrize("js", [True, False], ids=["htmx", "plain"])
async def test_pressed_twice_while_the_answer_is_slow_the_chat_answers_once(demo_site, js):
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import Route, async_playwright, expect

    turns: list[str] = []

    async def slow(route: Route) -> None:
        """Every post reaches the server at once; its answer comes a second later."""
        if route.request.method != "POST":
            await route.continue_()
            return
        turns.append(parse_qs(route.request.post_data or "").get("turn", [""])[0])
        answer = await route.fetch(max_redirects=0)
        await asyncio.sleep(1)
        with contextlib.suppress(PlaywrightError):  # a browser may give up on the first post
            await route.fulfill(response=answer)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = await browser.new_context(viewport=PHONE, locale="nl-NL", java_script_enabled=js)
        page = await context.new_page()
        page.set_default_timeout(8000)
        bot = page.locator(".msg.bot p")

        async def twice(button) -> None:
            """Two clicks half a second apart on the same spot, as an impatient resident does."""
            box = await button.bounding_box()
            await page.route("**/chat/DEMO", slow)
            for _ in range(2):
                await page.mouse.click(box["x"] + 8, box["y"] + 8)
                await asyncio.sleep(0.5)
            if js:  # while the answer is on its way, no button of the chat can be pressed
                disabled = "[...document.querySelectorAll('#chat button')].every(b => b.disabled)"
                assert await page.evaluate(disabled)
            await page.wait_for_timeout(1500)
            await page.unroute("**/chat/DEMO")

        async def press(label: str) -> None:
            await page.locator("form.options button", has_text=label).first.click()
            await page.wait_for_timeout(300)

        await page.goto(f"{demo_site}/chat/DEMO")
        await press("Ja, ik doe mee")
        await press("Overslaan")
        await press("Overslaan")
        idea = f"Een waterpomp voor de moestuin ({'htmx' if js else 'plain'})"
        await page.get_by_label("Je bericht").fill(idea)
        await twice(page.locator("form.composer button.send"))
        await expect(page.locator(".msg.me p", has_text=idea)).to_have_count(1)
        other = page.locator("form.options button", has_text="Nee, mijn idee is anders")
        await press("Nee, mijn idee is anders" if await other.count() else "Versturen")
        await press("Nee, verder")
        await expect(bot.last).to_contain_text("Belang?")
        await twice(page.locator("form.options button", has_text="4").first)

        await expect(bot.last).to_contain_text("Haalbaarheid?")
        await expect(bot.filter(has_text="Belang: 4")).to_have_count(1)
        await expect(bot.filter(has_text="al beantwoord")).to_have_count(0)
        await expect(bot.filter(has_text="Haalbaarheid?")).to_have_count(1)
        assert len(turns) == (2 if js else 4) and len(set(turns)) == 2  # the same form, twice
        await browser.close()


async def test_text_typed_while_an_answer_is_on_its_way_stays_in_the_box(demo_site):
    """A resident who presses a button, or sends a message, and types on before the answer
    came finds what they typed meanwhile in the new message box, not what was sent."""
    from playwright.async_api import Route, async_playwright, expect

    async def slow(route: Route) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        answer = await route.fetch(max_redirects=0)
        await asyncio.sleep(1)
        await route.fulfill(response=answer)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await (await browser.new_context(viewport=PHONE, locale="nl-NL")).new_page()
        page.set_default_timeout(8000)
        bot = page.locator(".msg.bot p")
        box = page.get_by_label("Je bericht")
        await page.goto(f"{demo_site}/chat/DEMO")
        await page.route("**/chat/DEMO", slow)

        await page.locator("form.options button", has_text="Ja, ik doe mee").click()
        await box.press_sequentially("50")  # typed while the answer is on its way
        await expect(bot.last).to_contain_text("postcode")
        await expect(box).to_have_value("50")

        await box.press_sequentially("43")
        await box.press("Enter")
        await box.press_sequentially(" 18")  # typed on after sending
        await expect(bot.last).to_contain_text("Hoe oud ben je?")
        await expect(box).to_have_value("18")
        assert await page.evaluate("document.getElementById('chat-text').selectionStart") == 2
        await browser.close()
