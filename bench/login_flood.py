"""Benchmark a web-chat step's latency while eight clients flood ``POST /login``.

Run from the repository root:
``python bench/login_flood.py [--runs 3] [--steps 200] [--clients 8] [--baseline 5dfee7b]``.

The server is ``inspraak``'s web app under uvicorn on the embedded SQLite (the demo project,
no scheduler), in a process of its own; the flood runs in a second process and the resident
in this one, so no client takes CPU from the server's event loop (the machine's cores are
shared all the same: compare figures of one invocation). A step is one resident message in the
web chat (``POST /chat/DEMO`` as HTMX sends it, answered with the conversation): consent, two
profile questions skipped, an idea typed, sent, and "no more ideas"; then the next resident.

Each run measures ``--steps`` steps alone, then ``--steps`` steps while ``--clients`` clients
post the login form as fast as they are answered, every time with an e-mail address never
used before (so no limit per address stops them: every attempt costs a password hash). It
prints the median and p99 of both and the ratio p99 under the flood / p99 alone, and per
system the median over ``--runs`` runs. ``--baseline REV`` measures the code of git revision
REV (checked out in a temporary worktree) the same way in the same invocation.
Target: p99 under the flood below 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "bench@voorbeeld.nl", "een heel goed wachtwoord"
SCRIPT = [  # one resident's messages: (kind, what)
    ("choice", "Ja, ik doe mee"),
    ("choice", "Overslaan"),
    ("choice", "Overslaan"),
    ("text", "Meer bomen en bankjes aan de Dorpsstraat"),
    ("choice", "Versturen"),
    ("choice", "Nee, verder"),
]


# --- the server: ``--serve PORT FOLDER`` in the tree under test (PYTHONPATH) ---


def serve(port: int, folder: str) -> None:
    from config.settings import Settings
    from core.storage import migrate
    from inspraak.cli.running import run_loop

    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/bench.db",
        secret_key="bench-" + "x" * 40,
        data_dir=Path(folder),
        _env_file=None,  # type: ignore[call-arg]
    )
    migrate.upgrade(settings.database_url)
    run_loop(_serve(settings, port))


async def _serve(settings: object, port: int) -> None:
    import uvicorn

    import core
    from core.services import accounts
    from inspraak.bootstrap import bootstrap, load_demo_if_empty
    from inspraak.server import build_app

    container = bootstrap(settings)  # type: ignore[arg-type]
    await load_demo_if_empty(container)
    async with container.uow() as uow:  # an account: the flood guesses beside a real one
        user, _ = await accounts.create_user(uow, USER, "admin")
        await uow.accounts.update_user(
            user.id or 0,
            password_hash=await accounts.hash_password(PASSWORD),
            must_change_password=False,
        )
        await uow.commit()
    app = build_app(container, scheduler=False)
    print(f"serving {Path(core.__file__).parent.parent}", flush=True)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    await uvicorn.Server(config).serve()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(tree: Path) -> Iterator[str]:
    """Start the server of ``tree``; yield its base URL."""
    port = free_port()
    folder = tempfile.mkdtemp(prefix="inspraak-bench-login-")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), folder], cwd=tree, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- the flood: a process of its own ---


def flood_process(base: str, clients: int, stop: Event, done: Synchronized[int]) -> None:
    asyncio.run(_flood(base, clients, stop, done))


async def _flood(base: str, clients: int, stop: Event, done: Synchronized[int]) -> None:
    async def client(n: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            csrf = csrf_of((await http.get("/login")).text)
            attempt = 0
            while not stop.is_set():
                attempt += 1
                email = f"flood-{os.getpid()}-{n}-{attempt}@voorbeeld.nl"
                form = {"email": email, "password": "geraden wachtwoord", "csrf": csrf}
                await http.post("/login", data=form)
                with done.get_lock():
                    done.value += 1

    await asyncio.gather(*(client(n) for n in range(clients)))


# --- the resident ---


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field"
    return found.group(1)


def choice_of(html: str, label: str) -> str:
    for value, shown in re.findall(r'name="choice" value="([^"]*)">([^<]*)</button>', html):
        if shown.strip() == label:
            return str(value)
    raise AssertionError(f"no button {label!r}")


async def steps(base: str, count: int, budget: float = 3600) -> list[float]:
    """The times of ``count`` web-chat steps (ms), resident after resident; fewer when
    ``budget`` seconds have passed (the old code under the flood takes seconds a step)."""
    times: list[float] = []
    deadline = time.perf_counter() + budget
    while len(times) < count and time.perf_counter() < deadline:
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            page = (await http.get("/chat/DEMO")).text
            csrf = csrf_of(page)
            for kind, what in SCRIPT:
                form = {"csrf": csrf, kind: what if kind == "text" else choice_of(page, what)}
                started = time.perf_counter()
                answer = await http.post("/chat/DEMO", data=form, headers={"HX-Request": "1"})
                times.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, answer.status_code
                page = answer.text
    return times[:count]


@dataclass
class Run:
    alone: list[float]
    flooded: list[float]
    logins_per_second: float


def p99(values: list[float]) -> float:
    if len(values) < 2:
        return max(values, default=float("nan"))
    return statistics.quantiles(values, n=100, method="inclusive")[98]


async def one_run(base: str, count: int, clients: int, budget: float) -> Run:
    await steps(base, 12)  # warm up: templates, caches, the first hash
    alone = await steps(base, count)
    stop, done = multiprocessing.Event(), multiprocessing.Value("i", 0)
    flood = multiprocessing.Process(target=flood_process, args=(base, clients, stop, done))
    flood.start()
    try:
        await asyncio.sleep(2)  # let the flood fill the server's queue
        before, started = done.value, time.perf_counter()
        flooded = await steps(base, count, budget)
        rate = (done.value - before) / (time.perf_counter() - started)
    finally:
        stop.set()
        flood.join(timeout=60)
        if flood.is_alive():
            flood.terminate()
    return Run(alone, flooded, rate)


def show(name: str, run: Run) -> tuple[float, float, float, float, float]:
    figures = (
        statistics.median(run.alone),
        p99(run.alone),
        statistics.median(run.flooded),
        p99(run.flooded),
        run.logins_per_second,
    )
    a50, a99, f50, f99, rate = figures
    print(
        f"{name:10} alone p50 {a50:7.1f} p99 {a99:7.1f} | flood p50 {f50:7.1f} p99 {f99:8.1f}"
        f" | p99 ratio {f99 / a99:6.1f} | {rate:5.1f} logins/s | {len(run.flooded)} steps",
        flush=True,
    )
    return figures


def measure(name: str, tree: Path, args: argparse.Namespace) -> None:
    figures = []
    runs, clients = args.runs, args.clients
    with server(tree) as base:
        for _ in range(runs):
            run = asyncio.run(one_run(base, args.steps, clients, args.budget))
            figures.append(show(name, run))
    a50, a99, f50, f99, rate = (statistics.median(column) for column in zip(*figures, strict=True))
    print(
        f"{name} median of {runs}: web-chat step alone p50 {a50:.1f} ms, p99 {a99:.1f} ms; "
        f"while {clients} clients flood /login p50 {f50:.1f} ms, p99 {f99:.1f} ms "
        f"(p99 ratio {f99 / a99:.1f}, {rate:.1f} logins/s answered)",
        flush=True,
    )


@contextlib.contextmanager
def checkout(revision: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="inspraak-bench-baseline-")) / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(folder), revision],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    try:
        yield folder
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=False
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--budget", type=float, default=120, help="seconds per flooded phase")
    parser.add_argument("--baseline", help="also measure this git revision (e.g. 5dfee7b)")
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        sys.path.insert(0, os.getcwd())
        serve(int(args.serve[0]), args.serve[1])
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up the worktree
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    measure("this tree", ROOT, args)
    if args.baseline:
        with checkout(args.baseline) as tree:
            measure(args.baseline, tree, args)


if __name__ == "__main__":
    main()
