"""The static files (style sheets, scripts): versioned addresses, cache headers, compression.

Pages link a file as ``/static/chat.js?v=<hash of its content>``. A browser may keep such a
file for a year without asking again, since a new release with a changed file links a new
address; a page from before the release still gets a file that fits it for as long as the
browser has it. A request without the current version (an old page, a hand-typed address) is
served with ``no-cache``: the browser asks each time and gets "not modified" while the file is
unchanged. Without this a browser guesses how long a file stays fresh, and a resident could
keep the previous release's ``chat.js`` with the new release's pages.

The files are compressed (gzip) for browsers that accept it; htmx is 52 kB, 17 kB gzipped, on
a resident's phone. Only the static files: a page that shows a form's secret token next to
text a visitor chose is not compressed (the BREACH attack reads such secrets from the size).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

FOR_A_YEAR = "public, max-age=31536000, immutable"
ASK_EACH_TIME = "no-cache"


class AssetVersions:
    """The version of each static file: the start of its content's SHA-256, read once.

    Bounded by the files in the directory; a file changed while the process runs keeps the
    version it had (a release restarts the process).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self.known: dict[str, str] = {}  # only files found: any address can be asked for

    def version(self, path: str) -> str | None:
        """The version of ``path`` (relative to the directory), ``None`` when no such file."""
        if path not in self.known:
            found = self.read(path)
            if found is None:
                return None
            self.known[path] = found
        return self.known[path]

    def address(self, base: str, path: str) -> str:
        """``base`` (the address of ``path`` under /static) with the file's version, if any."""
        version = self.version(path)
        return f"{base}?v={version}" if version else base

    def read(self, path: str) -> str | None:
        try:
            file = (self.directory / path).resolve()
            if not file.is_relative_to(self.directory) or not file.is_file():
                return None
            return hashlib.sha256(file.read_bytes()).hexdigest()[:12]
        except (OSError, ValueError):  # a name no file can have (a NUL byte, too long)
            return None


class StaticAssets:
    """Serves ``directory`` with the cache headers above, compressed where the browser may."""

    def __init__(self, directory: Path, versions: AssetVersions) -> None:
        self.files = StaticFiles(directory=str(directory))
        self.compressed = GZipMiddleware(self.files, minimum_size=500)
        self.versions = versions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
        path = self.files.get_path(scope).replace(os.sep, "/")
        current = self.versions.version(path)
        cache = FOR_A_YEAR if current is not None and asked == current else ASK_EACH_TIME

        async def send_with_cache(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                MutableHeaders(scope=message)["Cache-Control"] = cache
            await send(message)

        await self.compressed(scope, receive, send_with_cache)
