"""SPA benchmark: JavaScript transferred before the first queue renders, and the time to it.

Runs local mode in a subprocess (static assets gzipped, as CloudFront serves them) and Debian's Chromium. Each of
5 runs uses a fresh browser context (cold cache); the medians are reported. Prints a markdown table.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from infra.local.process import CHROMIUM, CHROMIUM_ARGS, LocalStackProcess  # noqa: E402

RUNS = 5
# Records when the first queue appears, from inside the page (no polling delay).
WATCH = """
new MutationObserver((_, observer) => {
  if (document.querySelector('%s')) { window.__firstQueue = performance.now(); observer.disconnect(); }
}).observe(document, {childList: true, subtree: true});
"""
AREAS = {
    "console": ("zhangwei@demo.local", "/console/queue/unassigned", '[data-testid="queue-table"]'),
    "portal": ("wang.xiaoming@example.com", "/portal/tickets", '[data-testid="my-tickets"]'),
}


def measure(browser: Any, stack: LocalStackProcess, email: str, path: str, selector: str) -> tuple[int, float]:
    token = stack.login(email).headers["Authorization"].split(" ", 1)[1]
    context = browser.new_context(base_url=stack.url, locale="zh-CN")
    context.add_init_script(f"sessionStorage.setItem('helpdesk.token', {token!r});")
    context.add_init_script(WATCH % selector)
    page = context.new_page()
    scripts: list[Any] = []
    page.on("requestfinished", lambda request: scripts.append(request) if request.resource_type == "script" else None)
    page.goto(path)
    page.wait_for_function("window.__firstQueue !== undefined", timeout=30_000)
    first_queue = page.evaluate("window.__firstQueue")
    loaded_before = page.evaluate(
        "t => performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script' || "
        "e.name.endsWith('.js')).filter(e => e.responseEnd <= t).map(e => e.name)",
        first_queue,
    )
    transferred = sum(r.sizes()["responseBodySize"] for r in scripts if r.url in set(loaded_before))
    context.close()
    return transferred, first_queue


def main() -> None:
    with tempfile.TemporaryDirectory() as state:
        stack = LocalStackProcess(Path(state) / "state")
        stack.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                samples: dict[str, list[tuple[int, float]]] = {area: [] for area in AREAS}
                for _ in range(RUNS):
                    for area, (email, path, selector) in AREAS.items():
                        samples[area].append(measure(browser, stack, email, path, selector))
                browser.close()
        finally:
            stack.stop()
    print("### SPA: JavaScript before the first queue, and time to it (median of 5 cold loads)\n")
    print("| area | JS transferred (gzip) | time to first queue |\n|---|---|---|")
    for area, runs in samples.items():
        size = statistics.median(s for s, _ in runs)
        elapsed = statistics.median(t for _, t in runs)
        print(f"| {area} | {size / 1024:.1f} KB | {elapsed:.0f} ms |")


if __name__ == "__main__":
    main()
