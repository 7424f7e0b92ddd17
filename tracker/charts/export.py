"""Static chart images (PNG, SVG) with kaleido and the system's Chromium, one browser per batch.

Without a browser the functions return None for each image, and callers show the data tables
with a note instead (the plan's PDF and DOCX do so).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

log = logging.getLogger(__name__)
WIDTH, HEIGHT = 900, 420  # unless the figure's layout gives its own
SCALE = 2  # twice the pixels: sharp in print


def browser_path() -> str | None:
    """BROWSER_PATH if set, else Debian's Chromium; None when there is none."""
    candidate = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if candidate and Path(candidate).exists() else None


def render_images(figures: list[dict], formats=("png",)) -> list[dict[str, bytes] | None]:
    """[{format: bytes}] per figure (plain {"data", "layout"} dicts of tracker.charts.catalogue), all made
    by one browser; [None, …] when no browser is available."""
    if not figures:
        return []
    path = browser_path()
    if path is None:
        log.warning("No browser for chart images (set BROWSER_PATH); exports show data tables instead.")
        return [None] * len(figures)
    try:
        # A thread of its own: the caller may already run an event loop (Playwright's sync API,
        # an async server), and asyncio.run() refuses to start inside one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(lambda: asyncio.run(_render(figures, tuple(formats), path))).result()
    except Exception:  # a broken browser must not break an export
        log.exception("Chart images could not be rendered")
        return [None] * len(figures)


async def _render(figures, formats, path) -> list[dict[str, bytes]]:
    from kaleido import Kaleido

    results = []
    async with Kaleido(n=1, path=path) as kaleido:
        for figure in figures:
            images = {}
            for fmt in formats:
                layout = figure.get("layout", {})
                opts = {"format": fmt, "width": layout.get("width", WIDTH), "height": layout.get("height", HEIGHT),
                        "scale": SCALE if fmt == "png" else 1}
                images[fmt] = await kaleido.calc_fig(figure, opts=opts)
            results.append(images)
    return results
