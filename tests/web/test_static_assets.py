"""Pages link their style sheets and scripts by a versioned address, so a browser never mixes
a new release's pages with the previous release's chat.js; versioned files may be kept for a
year, unversioned ones are asked for each time; static files are compressed, pages are not."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx

from web.assets import AssetVersions

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


def version_of(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def linked(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


async def test_the_chat_links_its_script_and_style_by_their_content(
    client: httpx.AsyncClient,
) -> None:
    html = (await client.get("/chat/DEMO")).text
    links = linked(html)
    assert f"/static/chat.js?v={version_of('chat.js')}" in links
    assert f"/static/inspraak.css?v={version_of('inspraak.css')}" in links
    assert f"/static/vendor/htmx/htmx.min.js?v={version_of('vendor/htmx/htmx.min.js')}" in links
    assert all("?v=" in link for link in links), links


async def test_a_versioned_file_is_kept_for_a_year_an_unversioned_one_is_asked_for_again(
    client: httpx.AsyncClient,
) -> None:
    current = await client.get(f"/static/chat.js?v={version_of('chat.js')}")
    assert current.status_code == 200
    assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert current.content == (STATIC / "chat.js").read_bytes()

    for address in ("/static/chat.js", "/static/chat.js?v=0123456789ab"):
        response = await client.get(address)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-cache", address
        assert response.headers["etag"]

    again = await client.get("/static/chat.js", headers={"If-None-Match": current.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["cache-control"] == "no-cache"


async def test_a_missing_or_escaping_path_is_not_found_and_not_cached(
    client: httpx.AsyncClient,
) -> None:
    for address in ("/static/nothing.js?v=abc", "/static/../app.py", "/static/%2e%2e/app.py"):
        response = await client.get(address)
        assert response.status_code == 404, address
        assert "immutable" not in response.headers.get("cache-control", "")


async def test_static_files_are_compressed_and_pages_are_not(client: httpx.AsyncClient) -> None:
    script = await client.get(
        "/static/vendor/htmx/htmx.min.js", headers={"Accept-Encoding": "gzip"}
    )
    assert script.headers["content-encoding"] == "gzip"
    assert script.content == (STATIC / "vendor/htmx/htmx.min.js").read_bytes()  # unpacked
    assert int(script.headers["content-length"]) < 0.5 * len(script.content)

    page = await client.get("/chat/DEMO", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert "content-encoding" not in page.headers  # a form's secret stays out of reach of BREACH


def test_a_changed_file_gets_a_new_version_and_a_missing_one_none(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("one")
    first = AssetVersions(tmp_path).version("a.js")
    (tmp_path / "a.js").write_text("two")
    second = AssetVersions(tmp_path).version("a.js")
    assert first and second and first != second
    assert AssetVersions(tmp_path).version("b.js") is None
    assert AssetVersions(tmp_path / "sub").version("../a.js") is None


def test_asking_for_files_that_do_not_exist_keeps_nothing(tmp_path: Path) -> None:
    versions = AssetVersions(tmp_path)
    (tmp_path / "a.js").write_text("one")
    for n in range(1000):  # a crawler or an attacker trying names
        assert versions.version(f"nothing-{n}.js") is None
    assert versions.version("a.js") and len(versions.known) == 1


async def test_odd_static_addresses_are_answered_without_a_server_error(
    client: httpx.AsyncClient,
) -> None:
    for address in (
        "/static/chat.js?v=%ff%fe",
        "/static/chat.js?v=a&v=b",
        "/static/%00.js",
        "/static/vendor",
        "/static/",
        "/static/chat.js%2f..%2f..%2fapp.py",
    ):
        response = await client.get(address)
        assert response.status_code < 500, address


async def test_every_page_has_the_icon_and_the_old_address_leads_to_it(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/", "/chat/DEMO", "/login", "/p/NOPE"):
        html = (await client.get(path)).text
        assert (
            f'rel="icon" type="image/svg+xml" href="/static/icon.svg?v={version_of("icon.svg")}"'
            in html
        )
    old = await client.get("/favicon.ico", follow_redirects=True)
    assert old.status_code == 200 and old.headers["content-type"].startswith("image/svg+xml")
    assert old.content == (STATIC / "icon.svg").read_bytes()
