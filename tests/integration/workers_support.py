"""Several ``inspraak serve`` processes against one PostgreSQL, as a deployment runs them.

* ``Server``: one ``inspraak serve`` process (its own port, log file and environment); killed
  with SIGKILL or stopped with SIGTERM.
* ``RoundRobin``: a small reverse proxy handing each request to the next worker in turn, the
  way a load balancer spreads Telegram's webhook calls and browsers' posts.
* ``Telegram``: delivers a resident's updates the way Telegram's webhook does: one update of
  a chat at a time, the next only once the previous was answered with 2xx, again after an
  error; with ``duplicates`` some updates are delivered twice (after a lost answer, and at
  the same time to two workers, as after a timed-out connection).
* ``WebChat``: a browser on the web chat (cookies, the form's CSRF field, HTMX posts).

Used by tests/integration/test_workers.py and bench/workers.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, DummyCookieJar, TCPConnector, web

from tests.fakes._server import FakeHTTPServer
from tests.fakes.demo_walk import DEMO_ACTIONS, IDEA, choose
from tests.fakes.telegram_api import BotCall, FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7373:WORKERS-token"
HOOK_SECRET = "workers-webhook-secret"
SECRET = "workers-secret-key-that-is-long-enough-0123456789"

# the demo project's 25 actions, each resident with an idea of their own
SCRIPT = [(kind, "{idea}" if what == IDEA else what) for kind, what in DEMO_ACTIONS]
JOIN: list[tuple[str, str]] = [("text", "/start DEMO"), ("press", "consent:yes")]
IDEA_WORDS = ["bankjes", "bomen", "fietsrekken", "speeltuin", "vijver", "moestuin", "zonnepanelen"]
IDEA_WORDS += ["bloemen", "waterpunt", "wandelpad", "hondenveld", "schaduwdoek", "geveltuinen"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def idea_of(number: int) -> str:
    """A distinct idea per resident (no two alike, so none is offered as similar)."""
    first, second = divmod(number, len(IDEA_WORDS))
    return f"Plan {number}: {IDEA_WORDS[second]} bij blok {first} ({IDEA_WORDS[first % 13]})"


# -- processes ----------------------------------------------------------------------------------
def environment(database_url: str, api_base: str, public_url: str, data_dir: Path,
                **extra: str) -> dict[str, str]:  # fmt: skip
    """The environment of every process: one database, one bot in webhook mode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPRAAK_")}
    env.update(
        INSPRAAK_DATABASE_URL=database_url,
        INSPRAAK_SECRET_KEY=SECRET,
        INSPRAAK_DATA_DIR=str(data_dir),
        INSPRAAK_TELEGRAM_TOKEN=TOKEN,
        INSPRAAK_TELEGRAM_API_BASE=api_base,
        INSPRAAK_TELEGRAM_MODE="webhook",
        INSPRAAK_TELEGRAM_WEBHOOK_SECRET=HOOK_SECRET,
        INSPRAAK_PUBLIC_URL=public_url,
        INSPRAAK_SIMILARITY_ENCODER="false",
        INSPRAAK_LEADER_RETRY="0.5",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class Server:
    """One ``inspraak serve`` process."""

    name: str
    env: dict[str, str]
    folder: Path
    scheduler: bool = False
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"

    def start(self, cpus: str | None = None) -> Server:
        args = [sys.executable, "-m", "inspraak", "serve", "--host", "127.0.0.1"]
        args += ["--port", str(self.port)]
        if not self.scheduler:
            args.append("--no-scheduler")
        if cpus:
            args = ["taskset", "-c", cpus, *args]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: ASYNC220 - returns at once
                args, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )
        return self

    async def wait_healthy(self, client: ClientSession, timeout: float = 240) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(ClientError, OSError):
                async with client.get(f"{self.url}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
        raise TimeoutError(f"{self.name} did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, as after a crash or the OOM killer."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """SIGTERM (uvicorn's graceful shutdown); ``wait_stopped`` then waits for it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait_stopped(self, timeout: float = 15) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def cpu_seconds(self) -> float:
        """User and system CPU time the process used so far (Linux /proc)."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the proxy ----------------------------------------------------------------------------------
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
              "content-encoding", "upgrade"}  # fmt: skip


class RoundRobin(FakeHTTPServer):
    """A reverse proxy that hands each request to the next upstream in turn."""

    def __init__(self, upstreams: list[str]) -> None:
        super().__init__()
        self.upstreams = list(upstreams)
        self.served: dict[str, int] = dict.fromkeys(self.upstreams, 0)
        self._turn = itertools.count()
        self._upstream: ClientSession | None = None

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=2**22)
        app.router.add_route("*", "/{path:.*}", self._forward)
        return app

    async def _upstream_client(self) -> ClientSession:
        # idle connections are dropped before uvicorn's keep-alive (5 s) closes them, so a
        # request never goes out on a connection the worker is closing at that moment
        if self._upstream is None or self._upstream.closed:
            connector = TCPConnector(limit=0, keepalive_timeout=1.0)
            self._upstream = ClientSession(connector=connector, timeout=ClientTimeout(total=120))
        return self._upstream

    async def on_close(self) -> None:
        if self._upstream is not None:
            await self._upstream.close()

    async def _forward(self, request: web.Request) -> web.Response:
        upstream = self.upstreams[next(self._turn) % len(self.upstreams)]
        self.served[upstream] += 1
        client = await self._upstream_client()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            async with client.request(
                request.method,
                upstream + request.path_qs,
                headers=headers,
                data=await request.read(),
                allow_redirects=False,
            ) as answer:
                body = await answer.read()
                kept = [(k, v) for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP]
        except (ClientError, OSError) as error:
            return web.Response(status=502, text=f"bad gateway: {error!r}")
        response = web.Response(status=answer.status, body=body)
        for key, value in kept:
            response.headers.add(key, value)
        return response


# -- Telegram's deliveries ----------------------------------------------------------------------
UPDATE_IDS = itertools.count(1)


@dataclass
class Delivered:
    """What the residents sent, to compare with what was stored."""

    updates: set[int] = field(default_factory=set)
    duplicates: int = 0
    presses: dict[int, list[str]] = field(default_factory=dict)  # chat -> button data in order
    steps: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds from delivery to 2xx


class Telegram:
    """Telegram's side: the fake Bot API and its webhook deliveries to the proxy."""

    def __init__(self, api: FakeBotAPI, url: str, workers: list[str], duplicates: bool) -> None:
        self.api = api
        self.url = url  # the proxy's webhook address
        self.workers = workers  # for a redelivery that reaches two workers at once
        self.duplicates = duplicates
        self.delivered = Delivered()
        self._ids = UPDATE_IDS  # shared: a bot's update ids never repeat
        self._buttons: dict[int, list[str]] = {}
        append = api.log.append

        def watch(call: BotCall) -> None:  # the newest buttons per chat, as a phone shows them
            append(call)
            markup = call.params.get("reply_markup") if call.method == "sendMessage" else None
            if call.ok and markup and "inline_keyboard" in markup:
                rows = markup["inline_keyboard"]
                self._buttons[int(call.params["chat_id"])] = [
                    b["callback_data"] for row in rows for b in row
                ]

        api.log.append = watch  # type: ignore[method-assign]

    def buttons(self, chat: int) -> list[str]:
        """The button data of the newest message with buttons in ``chat``."""
        return self._buttons.get(chat, [])

    async def _post(self, url: str, update: Mapping[str, Any]) -> int:
        """One webhook call; a connection that broke counts as a failed delivery."""
        try:
            return await self.api.deliver_webhook(url, update, HOOK_SECRET, token=TOKEN)
        except (ClientError, OSError, TimeoutError):
            return 599

    async def deliver(self, update: dict[str, Any], how: str = "once") -> None:
        """Deliver until answered with 2xx, as Telegram does (retrying after errors).

        ``how``: ``once``; ``again`` (the answer got lost: delivered again afterwards);
        ``twice`` (delivered to two workers at once, as after a timed-out connection).
        """
        update = {"update_id": next(self._ids), **update}
        self.delivered.updates.add(update["update_id"])
        self.delivered.steps += 1
        started = time.perf_counter()
        if how == "twice":
            first, second = self.workers[0], self.workers[1]
            hook = "/webhook/telegram"
            statuses = await asyncio.gather(
                self._post(first + hook, update), self._post(second + hook, update)
            )
            self.delivered.duplicates += 1
            if any(200 <= s < 300 for s in statuses):
                return
        delay = 0.1
        while not 200 <= await self._post(self.url, update) < 300:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
        self.delivered.latencies.append(time.perf_counter() - started)
        if how == "again":
            self.delivered.duplicates += 1
            await self._post(self.url, update)

    def _how(self, step: int) -> str:
        if not self.duplicates:
            return "once"
        return {2: "twice", 4: "again"}.get(step % 5, "once")

    async def resident(self, chat: int, script: list[tuple[str, str]]) -> None:
        """One resident through ``script``, each action once the previous was answered."""
        presses = self.delivered.presses.setdefault(chat, [])
        for step, (kind, what) in enumerate(script):
            if kind == "text" and what.startswith("/"):
                update = self.api.command(chat, what, token=TOKEN)
            elif kind == "text":
                update = self.api.message_update(
                    chat, what.format(idea=idea_of(chat)), token=TOKEN
                )
            else:
                data = choose(self.buttons(chat), what)
                presses.append(data)
                update = self.api.callback_update(chat, data, token=TOKEN)
            await self.deliver(update, self._how(step))


# -- a browser on the web chat ------------------------------------------------------------------
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
CHOICE = re.compile(r'name="choice" value="([^"]+)"')


class WebChat:
    """One resident in a browser: cookies kept, HTMX posts through the proxy."""

    def __init__(self, url: str, number: int) -> None:
        self.url = url
        self.number = number
        self.presses: list[str] = []
        self.steps = 0
        self.latencies: list[float] = []  # seconds per post
        self._page = ""

    def _options(self) -> list[str]:
        return [html.unescape(v) for v in CHOICE.findall(self._page)]

    async def run(self, script: list[tuple[str, str]]) -> None:
        # the cookies are kept here: they are Secure (INSPRAAK_PUBLIC_URL is https://), and
        # the proxy is plain HTTP on loopback, as behind a TLS-terminating load balancer
        cookies: dict[str, str] = {}
        async with ClientSession(
            cookie_jar=DummyCookieJar(), timeout=ClientTimeout(total=60)
        ) as client:
            async with client.get(f"{self.url}/chat/DEMO") as response:
                assert response.status == 200, await response.text()
                self._page = await response.text()
                cookies.update({k: m.value for k, m in response.cookies.items()})
            for kind, what in script:
                if kind == "text" and what.startswith("/"):
                    continue  # the web chat opens the project itself
                form = {"csrf": CSRF.findall(self._page)[-1]}
                if kind == "text":
                    form["text"] = what.format(idea=idea_of(self.number))
                else:
                    form["choice"] = choose(self._options(), what)
                    self.presses.append(form["choice"])
                headers = {"HX-Request": "true", "Cookie": _cookie_header(cookies)}
                started = time.perf_counter()
                async with client.post(
                    f"{self.url}/chat/DEMO", data=form, headers=headers
                ) as response:
                    assert response.status == 200, await response.text()
                    self._page = await response.text()
                    cookies.update({k: m.value for k, m in response.cookies.items()})
                self.latencies.append(time.perf_counter() - started)
                self.steps += 1


def _cookie_header(cookies: Mapping[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())
