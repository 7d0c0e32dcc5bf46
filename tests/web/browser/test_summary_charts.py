"""The charts of the summary in a real browser: the priority matrix as wide as the text on a
desktop and on a phone (390×844), its labels apart and inside the chart, axe-core clean."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.browser.site import running_site
from tests.web.browser.test_facilitator_flow import ARGS, CHROMIUM, check_accessibility
from tests.web.browser.test_summary_council import WIDEST
from tests.web.test_summary_charts import build_matrix

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)

# Label boxes as the browser draws them: any two that overlap, any outside the plot's frame.
LABELS = """(svg) => {
  const boxes = [...svg.querySelectorAll('.point-label, .quadrant')]
    .map(e => [e.textContent, e.getBoundingClientRect()]);
  const frame = svg.querySelector('.frame').getBoundingClientRect();
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, ra] = boxes[i], [b, rb] = boxes[j];
    if (ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom && rb.top < ra.bottom)
      overlaps.push(a + ' / ' + b);
  }
  const outside = boxes.filter(([, r]) => r.left < frame.left || r.right > frame.right
    || r.top < frame.top || r.bottom > frame.bottom).map(([t]) => t);
  const ticks = [...svg.querySelectorAll('.ticks text')]
    .map(e => e.getBoundingClientRect().height);
  return {overlaps, outside, width: svg.getBoundingClientRect().width, tick: Math.min(...ticks)};
}"""


@pytest.fixture(scope="module")
def plein(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with project PLEIN (a published matrix and statements) on 127.0.0.1."""
    with running_site(tmp_path_factory.mktemp("plein"), build_matrix) as (base, _):
        yield base


def test_the_matrix_reads_well_on_a_desktop_and_a_phone(plein):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("INSPRAAK_SHOTS", "/tmp"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for width, height in ((1280, 900), (390, 844)):
            context = browser.new_context(
                bypass_csp=True, locale="nl-NL", viewport={"width": width, "height": height}
            )
            page = context.new_page()
            page.goto(f"{plein}/p/PLEIN")
            svg = page.locator("svg.matrix-chart")
            found = svg.evaluate(LABELS)
            assert found["overlaps"] == [] and found["outside"] == [], (width, found)
            assert found["width"] >= min(width - 40, 500), found  # as wide as the text
            assert found["tick"] >= 11, found  # tick numbers at least 11 px high
            svg.screenshot(path=str(shots / f"matrix-{width}.png"))
            for n, section in enumerate(page.locator("section.round").all()):
                section.screenshot(path=str(shots / f"round-{n + 1}-{width}.png"))
            check_accessibility(page)
            overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth")
            assert not overflow, (width, page.evaluate(WIDEST))
            context.close()
        browser.close()
