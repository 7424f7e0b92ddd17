"""The public progress page in a real browser (Debian's Chromium via Playwright), on loopback.

- Cold cache: the bytes transferred for the page and everything it loads (compressed sizes on the wire,
  headers included), and when each chart had drawn (static/js/charts.js marks "chart-drawn:<key>" once
  Plotly.react settled, i.e. after plotly_afterplot fired), from the start of the navigation.
- Second visit in the same browser: the bytes transferred for the chart library (0: served from cache).

Part of benchmarks/run (the 1x server); alone, `python -m benchmarks.browser` builds a 1x database of its
own, serves it with gunicorn and rewrites the browser section of benchmarks/RESULTS.md.
Targets (issue 19): at most 1.5 MB cold, every chart drawn within 1 s, no chart library on the second visit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HEADER = "## Browser: public progress page (1x)"
MAX_BYTES = 1_500_000
MAX_DRAW_MS = 1000

TRANSFERS = """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .map(e => ({name: e.name, bytes: e.transferSize, decoded: e.decodedBodySize, end: e.responseEnd}))"""
DRAWN = """() => ({charts: document.querySelectorAll('.chart[data-figure]').length,
    start: (performance.getEntriesByName('charts-start')[0] || {startTime: 0}).startTime,
    marks: performance.getEntriesByType('mark').filter(m => m.name.startsWith('chart-drawn:'))
        .map(m => ({name: m.name.slice(12), ms: m.startTime}))})"""


def measure(base_url: str, path: str) -> dict:
    """Cold and warm visits of one page; see the module's docstring."""
    import urllib.request

    from playwright.sync_api import sync_playwright

    for _ in range(3):  # the server's first answers (imports, connections) are not the page's speed
        urllib.request.urlopen(base_url + path, timeout=30).read()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
            tab = context.new_page()
            tab.goto(base_url + path, wait_until="load")
            tab.wait_for_function("document.querySelectorAll('.chart[data-figure]').length === "
                                  "document.querySelectorAll('.chart[data-drawn]').length", timeout=15000)
            cold = tab.evaluate(TRANSFERS)
            drawn = tab.evaluate(DRAWN)
            tab.goto("about:blank")
            tab.goto(base_url + path, wait_until="load")
            tab.wait_for_function("document.querySelectorAll('.chart[data-figure]').length === "
                                  "document.querySelectorAll('.chart[data-drawn]').length", timeout=15000)
            warm = tab.evaluate(TRANSFERS)
            context.close()
        finally:
            browser.close()
    library = [e for e in cold if "/vendor/plotly/plotly-" in e["name"] and "locale" not in e["name"]]
    return {
        "path": path,
        "cold_bytes": sum(e["bytes"] for e in cold),
        "cold_files": len(cold),
        "library_bytes": sum(e["bytes"] for e in library),
        "library_decoded": sum(e["decoded"] for e in library),
        "charts": drawn["charts"],
        "draw_ms": sorted(m["ms"] for m in drawn["marks"]),
        "library_ready_ms": drawn["start"],
        "library_arrived_ms": max((e["end"] for e in library), default=0.0),
        "warm_bytes": sum(e["bytes"] for e in warm),
        "warm_library_bytes": sum(e["bytes"] for e in warm if "/vendor/plotly/" in e["name"]),
        "load": os.getloadavg()[0],
    }


def markdown(result: dict) -> str:
    slowest = max(result["draw_ms"], default=0.0)
    ok = (result["cold_bytes"] <= MAX_BYTES and slowest <= MAX_DRAW_MS and len(result["draw_ms"]) == result["charts"]
          and result["warm_library_bytes"] == 0)
    return "\n".join([
        HEADER, "",
        f"Chromium (Playwright) on loopback, `{result['path']}`, German, 1280 px; targets: ≤ 1.5 MB cold, every chart "
        f"drawn (plotly_afterplot) ≤ 1 s after navigation start, no chart library on a second visit. "
        f"Load average during the run: {result.get('load', 0):.1f} on {os.cpu_count()} cores (the draw times are "
        f"mostly the browser compiling and running plotly.js: they grow with the machine's load).",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| transferred, cold cache ({result['cold_files']} files) | {result['cold_bytes'] / 1e6:.2f} MB | ≤ 1.5 MB |",
        f"| of it the chart library (brotli; {result['library_decoded'] / 1e6:.2f} MB unpacked) | "
        f"{result['library_bytes'] / 1e6:.2f} MB | — |",
        f"| charts drawn | {len(result['draw_ms'])} of {result['charts']} | all |",
        f"| each chart drawn after (ms from navigation start) | "
        f"{', '.join(f'{ms:.0f}' for ms in result['draw_ms']) or '—'} | ≤ 1000 |",
        f"| chart library received / run, charts start drawing (ms) | {result['library_arrived_ms']:.0f} / "
        f"{result['library_ready_ms']:.0f} | — |",
        f"| transferred, second visit | {result['warm_bytes'] / 1e3:.0f} kB | — |",
        f"| of it the chart library | {result['warm_library_bytes']} B | 0 |",
        f"| all targets met | {'yes' if ok else 'NO'} | yes |",
        "",
    ])


def replace_section(text: str, section: str) -> str:
    """RESULTS.md with its browser section replaced (or added before the plan exports)."""
    if HEADER in text:
        start = text.index(HEADER)
        following = text.find("\n## ", start + len(HEADER))
        return text[:start] + section + ("\n" + text[following + 1:] if following >= 0 else "")
    marker = "## Plan exports"
    if marker in text:
        index = text.index(marker)
        return text[:index] + section + "\n" + text[index:]
    return text.rstrip("\n") + "\n\n" + section


def main() -> None:
    from benchmarks import load

    subprocess.run([sys.executable, "-m", "whitenoise.compress", "--quiet", "static"], check=True, cwd=ROOT)
    load.PORT = 5098
    url = load.prepare_database(1, name="tracker_bench_browser")
    with load.gunicorn(url):
        pages, _email = load.key_pages(url)
        result = measure(f"http://127.0.0.1:{load.PORT}", pages["public progress"])
    section = markdown(result)
    print(section)
    results = ROOT / "benchmarks" / "RESULTS.md"
    results.write_text(replace_section(results.read_text(), section))


if __name__ == "__main__":
    main()
