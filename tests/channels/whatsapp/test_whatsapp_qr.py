"""Join links and their QR codes on the landing page and as PNG/SVG downloads."""

from __future__ import annotations

import httpx
import pytest

from inspraak.bootstrap import Container
from web.app import create_app


@pytest.fixture
async def http(wa: Container):
    transport = httpx.ASGITransport(app=create_app(wa))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def test_the_whatsapp_join_link_prefills_start_code(wa: Container):
    link = wa.channels["whatsapp"].join_link("DEMO")
    assert link == "https://wa.me/31201234567?text=START%20DEMO"


@pytest.mark.parametrize("channel", ["web", "whatsapp"])
async def test_qr_codes_are_valid_png_and_svg(http: httpx.AsyncClient, channel: str):
    png = await http.get(f"/qr/DEMO/{channel}.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n") and b"IEND" in png.content[-16:]
    svg = await http.get(f"/qr/demo/{channel}.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg") and svg.text.rstrip().endswith("</svg>")
    assert 'filename="inspraak-DEMO-' in svg.headers["content-disposition"]


async def test_the_qr_code_encodes_the_join_link(http: httpx.AsyncClient):
    svg = await http.get("/qr/DEMO/whatsapp.svg")
    assert "https://wa.me/31201234567?text=START%20DEMO" in svg.text  # in the <title>


@pytest.mark.parametrize(
    "path", ["/qr/NOPE/web.png", "/qr/DEMO/telegram.png", "/qr/DEMO/whatsapp.gif"]
)
async def test_unknown_projects_channels_and_formats_are_404(http: httpx.AsyncClient, path: str):
    assert (await http.get(path)).status_code == 404


async def test_the_landing_page_shows_a_qr_code_next_to_every_link(http: httpx.AsyncClient):
    page = (await http.get("/")).text
    assert 'href="https://wa.me/31201234567?text=START%20DEMO"' in page
    assert "/qr/DEMO/whatsapp.svg" in page and "/qr/DEMO/whatsapp.png" in page
    assert "/qr/DEMO/web.svg" in page
    assert 'alt="QR-code: Doe mee via WhatsApp (project DEMO)"' in page
