"""An organisation's logo: set by an admin, checked by its bytes, shown on the public summary,
served so that nothing in it can run, removable, and recorded in the audit log."""

from __future__ import annotations

import re
import struct
import zlib

import pytest

from core.domain.errors import InvalidInput
from core.domain.logo import MAX_BYTES, media_type
from inspraak.simulation import simulate
from tests.web.conftest import csrf
from tests.web.test_privacy_statement import ORG, admin  # noqa: F401 - the admin fixture

PATH = f"/manage/organisations/{ORG}/logo"


def png(width: int = 6, height: int = 2) -> bytes:
    """A real (tiny, grey) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20">' \
    b'<script>alert(1)</script><rect width="60" height="20" fill="#00529c"/></svg>'  # fmt: skip


def test_a_logo_is_known_by_its_bytes_not_its_name():
    assert media_type(png()) == "image/png"
    assert media_type(b"\xff\xd8\xff\xe0" + b"\x00" * 20) == "image/jpeg"
    assert media_type(SVG) == "image/svg+xml"
    assert media_type(b"\xef\xbb\xbf<!-- logo -->\n<svg viewBox='0 0 1 1'/>") == "image/svg+xml"
    for bad, code in [(b"", "logo_empty"), (b"GIF89a...", "logo_not_an_image"),
                      (b"<html><svg>", "logo_not_an_image"),
                      (png() + b"\x00" * MAX_BYTES, "logo_too_large")]:  # fmt: skip
        with pytest.raises(InvalidInput) as error:
            media_type(bad)
        assert error.value.detail == code


async def _upload(client, data: bytes, name: str = "logo.png"):
    token = await csrf(client, PATH)
    return await client.post(PATH, data={"csrf": token}, files={"file": (name, data)})


async def test_an_admin_sets_a_logo_that_the_summary_shows(admin, demo):  # noqa: F811
    await simulate(demo, "DEMO", 3, seed=8, publish=True)
    assert "Nog geen logo" in (await admin.get(PATH)).text
    assert (await _upload(admin, png())).status_code == 303

    summary = (await admin.get("/p/DEMO")).text
    found = re.search(rf'<img class="org-logo" src="(/logo/{ORG}\?v=\d+)" alt=""', summary)
    assert found, "the summary shows the logo beside the gemeente's name"
    image = await admin.get(found.group(1))
    assert image.status_code == 200 and image.content == png()
    assert image.headers["content-type"] == "image/png"
    assert "sandbox" in image.headers["content-security-policy"]
    assert image.headers["x-content-type-options"] == "nosniff"
    listing = (await admin.get("/manage/organisations")).text
    assert "ingesteld" in listing
    from tests.web.test_audit_log import _audit

    entry = (await _audit(demo))[-1]
    assert entry["action"] == "organisation.logo" and entry["target"] == f"organisation:{ORG}"


async def test_an_svg_logo_is_served_so_that_its_script_cannot_run(admin):  # noqa: F811
    assert (await _upload(admin, SVG, "logo.svg")).status_code == 303
    image = await admin.get(f"/logo/{ORG}")
    assert image.headers["content-type"] == "image/svg+xml"
    policy = image.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy


async def test_a_wrong_file_gets_a_dutch_message_and_keeps_the_old_logo(admin):  # noqa: F811
    assert (await _upload(admin, png())).status_code == 303
    wrong = await _upload(admin, b"%PDF-1.7 not an image", "brief.pdf")
    assert wrong.status_code == 400
    assert "Dit is geen PNG-, JPEG- of SVG-afbeelding." in wrong.text
    assert 'aria-invalid="true"' in wrong.text
    big = await _upload(admin, png() + b"\x00" * MAX_BYTES)
    assert big.status_code == 400 and "hooguit 200 kB" in big.text
    assert (await admin.get(f"/logo/{ORG}")).content == png()


async def test_removing_the_logo_leaves_the_name_alone(admin, demo):  # noqa: F811
    await simulate(demo, "DEMO", 3, seed=8, publish=True)
    await _upload(admin, png())
    token = await csrf(admin, PATH)
    assert (await admin.post(PATH, data={"csrf": token, "remove": "1"})).status_code == 303
    missing = await admin.get(f"/logo/{ORG}")
    assert missing.status_code == 404 and "Pagina niet gevonden" in missing.text
    summary = (await admin.get("/p/DEMO")).text
    assert "org-logo" not in summary and "Gemeente Voorbeeld" in summary


async def test_facilitators_may_not_change_the_logo(signed_in):
    assert (await signed_in.get(PATH)).status_code == 403
    token = await csrf(signed_in)
    refused = await signed_in.post(PATH, data={"csrf": token}, files={"file": ("x.png", png())})
    assert refused.status_code == 403
    assert (await signed_in.get(f"/logo/{ORG}")).status_code == 404
