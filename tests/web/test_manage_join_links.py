"""The facilitator's project page: every join link with its QR code, PNG and SVG."""

from __future__ import annotations

import pytest

from tests.factories import project_toml
from tests.web.conftest import csrf

WA_LINK = "https://wa.me/31201234567?text=START%20DEMO"
TG_LINK = "https://t.me/inspraak_bot?start=DEMO"


class LinkOnly:
    """A channel that offers a join link and nothing else (the web never imports bots/)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def join_link(self, code: str) -> str | None:
        return self.url.replace("DEMO", code)


@pytest.fixture
def channels(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo.channels["telegram"], "join_link", LinkOnly(TG_LINK).join_link)
    monkeypatch.setitem(demo.channels, "whatsapp", LinkOnly(WA_LINK))


async def test_the_dashboard_shows_every_join_link_with_its_qr_code(signed_in, channels):
    page = (await signed_in.get("/manage/projects/DEMO")).text
    # the web chat's link is there to copy; its button opens the preview chat (issue 18)
    assert 'readonly value="http://127.0.0.1:8000/chat/DEMO"' in page
    assert 'href="/manage/projects/DEMO/try"' in page
    assert f'href="{TG_LINK}"' in page and f'href="{WA_LINK}"' in page
    for channel in ("web", "telegram", "whatsapp"):
        for kind in ("png", "svg"):
            assert f'/manage/projects/DEMO/qr/{channel}.{kind}" download>' in page
        assert f'src="/manage/projects/DEMO/qr/{channel}.svg"' in page
    assert 'alt="QR-code: Doe mee via WhatsApp (project DEMO)"' in page


@pytest.mark.parametrize("channel", ["web", "telegram", "whatsapp"])
async def test_the_facilitator_downloads_each_qr_code_as_png_and_svg(
    signed_in, channels, channel: str
):
    png = await signed_in.get(f"/manage/projects/DEMO/qr/{channel}.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert png.headers["cache-control"].startswith("private")
    svg = await signed_in.get(f"/manage/projects/demo/qr/{channel}.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert f'filename="inspraak-DEMO-{channel}.svg"' in svg.headers["content-disposition"]
    if channel != "web":
        assert (TG_LINK if channel == "telegram" else WA_LINK) in svg.text


async def test_a_draft_projects_qr_codes_are_there_for_posters_but_not_public(signed_in):
    token = await csrf(signed_in)
    text = project_toml("POSTER").replace("gemeente-test", "gemeente-voorbeeld")
    text = text.replace("[project]\n", '[project]\nstatus = "draft"\n', 1)
    files = {"file": ("poster.toml", text.encode(), "application/toml")}
    imported = await signed_in.post("/manage/projects/import", data={"csrf": token}, files=files)
    assert imported.status_code == 303
    assert (await signed_in.get("/qr/POSTER/web.svg")).status_code == 404
    assert (await signed_in.get("/manage/projects/POSTER/qr/web.svg")).status_code == 200


@pytest.mark.parametrize(
    "path", ["/manage/projects/DEMO/qr/telegram.png", "/manage/projects/DEMO/qr/web.gif"]
)
async def test_channels_without_a_link_and_unknown_formats_are_404(signed_in, path: str):
    assert (await signed_in.get(path)).status_code == 404
