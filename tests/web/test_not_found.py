"""Unknown or malformed codes and ids in an address: the friendly not-found page, never a 500."""

from __future__ import annotations

import httpx

from tests.web.conftest import csrf

MALFORMED = ["%20", "%00", "%C3%A9%C3%A9", "-", "A" * 41, "%0D%0A", "%E2%80%8B", "%FF"]
PUBLIC = ["/chat/{}", "/p/{}", "/results/{}", "/qr/{}/web.png", "/qr/{}/web.svg"]


async def test_a_malformed_code_on_a_public_page_is_not_found(client: httpx.AsyncClient):
    for path in PUBLIC:
        for code in MALFORMED:
            response = await client.get(path.format(code))
            assert response.status_code == 404, path.format(code)
            assert "Pagina niet gevonden" in response.text and "Back to" not in response.text


async def test_the_not_found_page_speaks_the_page_language(client: httpx.AsyncClient):
    dutch = await client.get("/chat/%20")
    assert "Deze pagina bestaat niet" in dutch.text and "Unknown project" not in dutch.text
    english = await client.get("/chat/%20?lang=en")
    assert english.status_code == 404 and "This page does not exist" in english.text


async def test_posting_to_a_chat_with_a_malformed_code_is_not_found(client: httpx.AsyncClient):
    await client.get("/chat/DEMO")  # a chat cookie, as a resident would have
    response = await client.post("/chat/%20", data={"csrf": "x", "text": "hallo"})
    assert response.status_code == 404


MANAGE = [
    "/manage/projects/{}", "/manage/projects/{}/edit", "/manage/projects/{}/export.toml",
    "/manage/projects/{}/results", "/manage/projects/{}/live", "/manage/projects/{}/moderation",
    "/manage/projects/{}/qr/web.png", "/manage/projects/{}/rounds/new",
    "/manage/projects/{}/results.xlsx", "/manage/projects/{}/rounds/ideeen/results.csv",
]  # fmt: skip


async def test_a_malformed_code_in_the_facilitator_area_is_not_found(
    signed_in: httpx.AsyncClient,
):
    for path in MANAGE:
        for code in ("%20", "%00", "A" * 41):
            response = await signed_in.get(path.format(code))
            assert response.status_code == 404, (path, code)


HUGE_IDS = [
    "/manage/projects/DEMO/moderation/idea/99999999999999999999/approve",
    f"/manage/projects/DEMO/moderation/idea/{2**63}/reject",
    "/manage/projects/DEMO/moderation/idea/0/approve",
    "/manage/projects/DEMO/moderation/idea/twee/approve",
    "/account/tokens/99999999999999999999/revoke",
    f"/account/tokens/{2**63}/revoke",
]


async def test_an_id_beyond_any_database_id_is_not_found(signed_in: httpx.AsyncClient):
    token = await csrf(signed_in)
    for path in HUGE_IDS:
        response = await signed_in.post(path, data={"csrf": token})
        assert response.status_code == 404, path
        assert "Pagina niet gevonden" in response.text


async def test_a_round_key_that_is_a_huge_number_is_not_found(signed_in: httpx.AsyncClient):
    response = await signed_in.get("/manage/projects/DEMO/rounds/99999999999999999999")
    assert response.status_code == 404
