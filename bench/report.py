"""Benchmark the council's report as PDF: DEMO with forty simulated residents, and a large project.

Run from the repository root: ``python bench/report.py [--runs 5]``. Times full HTTP requests
for ``/p/CODE/rapport.pdf`` through the ASGI app (SQL, template, layout in a worker thread,
PDF), each with an empty PDF cache, and prints the median, the fastest and the slowest, the
page count and the size; then one request answered from the cache. The large project is the
one ``bench/summary.py`` builds (10,000 ideas, 100,000 ratings): the report shows top items
only, so its PDF stays a few pages.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.summary import NOW  # noqa: E402
from bench.summary import build as build_large  # noqa: E402
from config.settings import Settings  # noqa: E402
from core.storage.db import create_all  # noqa: E402
from inspraak.bootstrap import Container, bootstrap, load_demo_if_empty  # noqa: E402
from inspraak.simulation import simulate  # noqa: E402
from web.app import HERE, create_app  # noqa: E402
from web.pdf import PdfMaker  # noqa: E402


async def measure(
    build: Callable[[Container], Awaitable[object]], code: str, runs: int
) -> dict[str, float]:
    folder = tempfile.mkdtemp(prefix="inspraak-bench-report-")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/bench.db",
        secret_key="bench-" + "x" * 40,
        data_dir=Path(folder),
        _env_file=None,  # type: ignore[call-arg]
    )
    container = bootstrap(settings, clock=lambda: NOW)
    await create_all(container.engine)
    await build(container)
    app = create_app(container)
    path = f"/p/{code}/rapport.pdf"
    times = []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120
    ) as client:
        for _ in range(runs + 1):  # the first warms templates and fonts up
            # an empty cache: a real layout each time
            app.state.pdf = PdfMaker(HERE / "static", svg_css=("charts.css",))
            start = time.perf_counter()
            response = await client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.text[:300]
        start = time.perf_counter()
        await client.get(path)
        cached = (time.perf_counter() - start) * 1000
    await container.close()
    pages = len(PdfReader(io.BytesIO(response.content)).pages)
    times = times[1:]
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "cached": cached,
        "pages": pages,
        "kB": len(response.content) / 1024,
    }


async def simulated_demo(container: Container) -> None:
    await load_demo_if_empty(container)
    await simulate(container, "DEMO", 40, seed=1, publish=True)


async def main(runs: int) -> None:
    cases = {
        "DEMO, 40 simulated residents": (simulated_demo, "DEMO"),
        "10,000 ideas, 100,000 ratings": (build_large, "BENCH"),
    }
    print(f"{'project':32} {'median ms':>10} {'min':>8} {'max':>8} {'cached':>7} pages   kB")
    for name, (build, code) in cases.items():
        r = await measure(build, code, runs)
        print(
            f"{name:32} {r['median']:10.0f} {r['min']:8.0f} {r['max']:8.0f} {r['cached']:7.0f}"
            f" {r['pages']:5.0f} {r['kB']:5.0f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
