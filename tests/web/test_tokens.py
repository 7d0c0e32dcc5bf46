"""API tokens on the account page: made and shown once, listed, revoked by their owner only."""

from __future__ import annotations

import re

import httpx

from inspraak.bootstrap import Container
from tests.web.conftest import client_for, csrf, login, make_user


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_user_makes_a_token_uses_it_and_revokes_it(
    demo: Container, signed_in: httpx.AsyncClient
) -> None:
    empty = await signed_in.get("/account/tokens")
    assert empty.status_code == 200 and "Je hebt geen API-tokens." in empty.text
    token_form = await csrf(signed_in, "/account/tokens")

    made = await signed_in.post("/account/tokens", data={"csrf": token_form})

    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    token = re.search(r"<code>(insp_[^<]+)</code>", made.text).group(1)  # type: ignore[union-attr]
    assert "alleen deze keer" in made.text
    assert (await signed_in.get("/api/v1/projects", headers=bearer(token))).status_code == 200
    listed = await signed_in.get("/account/tokens")
    assert token not in listed.text  # shown once, never again
    token_id = re.search(r"/account/tokens/(\d+)/revoke", listed.text).group(1)  # type: ignore[union-attr]

    revoked = await signed_in.post(f"/account/tokens/{token_id}/revoke", data={"csrf": token_form})

    assert revoked.status_code == 303
    assert (await signed_in.get(revoked.headers["location"])).text.count("ingetrokken") == 1
    assert (await signed_in.get("/api/v1/projects", headers=bearer(token))).status_code == 401


async def test_nobody_revokes_another_users_token_or_without_the_form_token(
    demo: Container, signed_in: httpx.AsyncClient
) -> None:
    form = await csrf(signed_in, "/account/tokens")
    made = await signed_in.post("/account/tokens", data={"csrf": form})
    token = re.search(r"<code>(insp_[^<]+)</code>", made.text).group(1)  # type: ignore[union-attr]
    token_id = re.search(r"/account/tokens/(\d+)/revoke", made.text).group(1)  # type: ignore[union-attr]
    other = await make_user(demo, "ander@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    async with client_for(demo) as stranger:
        assert (await login(stranger, other.email)).status_code == 303
        their_form = await csrf(stranger, "/account/tokens")
        refused = await stranger.post(
            f"/account/tokens/{token_id}/revoke", data={"csrf": their_form}
        )
        assert refused.status_code == 404
    forged = await signed_in.post(f"/account/tokens/{token_id}/revoke", data={"csrf": "x"})
    assert forged.status_code == 403
    assert (await signed_in.get("/api/v1/projects", headers=bearer(token))).status_code == 200


async def test_the_token_page_needs_a_signed_in_user(client: httpx.AsyncClient) -> None:
    response = await client.get("/account/tokens")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
