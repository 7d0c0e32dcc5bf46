"""The moderation page names why a contribution is held; public pages leave held ones out."""

from __future__ import annotations

from core.domain import commands as c
from inspraak.bootstrap import Container
from tests.web.conftest import csrf


async def _contributions(demo: Container) -> dict[str, int]:
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = {r.key: r.id for r in await uow.projects.rounds(project.id)}
    rid = await demo.bus.handle(c.GiveConsent("r1", project.id, "web", "nl"))
    other = await demo.bus.handle(c.GiveConsent("r2", project.id, "web", "nl"))
    return {
        "plain": await demo.bus.handle(c.SubmitIdea(rid, rounds["ideeen"], "Meer bomen")),
        "bsn": await demo.bus.handle(
            c.SubmitIdea(other, rounds["ideeen"], "Mijn BSN 123456782, bel 0612345678")
        ),
        "feedback": await demo.bus.handle(
            c.GiveFeedback(rid, rounds["reactie"], 8, "Stort op NL91 ABNA 0417 1643 00")
        )
        or 0,
        "reactie": rounds["reactie"],
        "ideeen": rounds["ideeen"],
    }


async def test_the_moderation_page_names_every_reason_and_lists_flagged_ones_first(
    signed_in, demo
):
    ids = await _contributions(demo)
    page = (await signed_in.get("/manage/projects/DEMO/moderation")).text

    assert page.index(f'id="idea-{ids["bsn"]}"') < page.index(f'id="idea-{ids["plain"]}"')
    for label in ("telefoonnummer", "burgerservicenummer", "rekeningnummer"):
        assert f'<span class="flag">{label}</span>' in page
    assert page.count("Wacht op jou: niemand anders ziet dit") == 2


async def test_approving_on_the_page_releases_a_held_idea(signed_in, demo):
    ids = await _contributions(demo)
    token = await csrf(signed_in, "/manage/projects/DEMO/moderation")
    done = await signed_in.post(
        f"/manage/projects/DEMO/moderation/idea/{ids['bsn']}/approve", data={"csrf": token}
    )
    assert done.status_code == 303
    listed = await signed_in.get("/manage/projects/DEMO/rounds/beoordelen/shortlist")
    assert "Mijn BSN 123456782, bel 0612345678" in listed.text  # released: shortlisted
    fixed = await signed_in.post(
        "/manage/projects/DEMO/rounds/beoordelen/shortlist", data={"csrf": token}
    )
    assert fixed.status_code == 303
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rating = next(r for r in await uow.projects.rounds(project.id) if r.key == "beoordelen")
        texts = [i.text for i in await uow.projects.items(rating.id or 0)]
    assert "Mijn BSN 123456782, bel 0612345678" in texts


async def test_the_public_summary_quotes_no_held_comment(signed_in, demo, client):
    ids = await _contributions(demo)
    for key in ("ideeen", "reactie"):
        await demo.bus.handle(c.PublishResults(ids[key]))
    page = (await client.get("/p/DEMO")).text
    assert "NL91" not in page and "123456782" not in page


async def test_a_refused_merge_is_explained_in_a_sentence_and_no_made_up_text_is_shown(
    signed_in, demo
):
    ids = await _contributions(demo)
    token = await csrf(signed_in, "/manage/projects/DEMO/moderation")
    refused = await signed_in.post(
        f"/manage/projects/DEMO/moderation/idea/{ids['plain']}/merge",
        data={"csrf": token, "into": str(ids["bsn"])},
        follow_redirects=True,
    )
    assert "Dat idee wacht op beoordeling" in refused.text
    assert "That did not work" not in refused.text
    made_up = await signed_in.get("/manage/projects/DEMO/moderation?error=Bel+0900-1234")
    assert "Bel 0900-1234" not in made_up.text
    assert "Dat lukte niet. Probeer het opnieuw." in made_up.text
