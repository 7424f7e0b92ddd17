"""The charts of the plan and the interim report: frozen into the document as numbers, drawn from them.

The generator stores each chart as {"key", "title", "columns", "rows", "data"}: the table every format
shows, and the aggregate numbers (`data`) that tracker.charts.catalogue draws, in the browser as an
interactive chart and for PDF and DOCX as an image. A frozen version therefore always yields the same
charts, whoever looks at it and whenever.

Images come from the batch renderer (kaleido with the system Chromium). Without a browser it gives
none, and with PLAN_CHART_IMAGES = False none is asked for; the documents then show the tables with a note.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from tracker.charts import aggregates, catalogue
from tracker.charts.export import render_images
from tracker.processes.models import Process

# The plan's charts, in the order the document shows them (the 1× plan has all eight).
DOCUMENT_CHARTS = ("funnel", "status-per-hub", "participation", "working-hours", "organisations",
                   "progress-per-goal", "traffic-lights", "milestones")
IMAGE_WIDTH = 900  # CSS pixels; rendered at twice that for sharp print
IMAGE_SCALE = 2


def document_charts(process: Process, language: str) -> list[dict[str, Any]]:
    """The document's charts with their numbers (for the generator; runs the aggregate queries)."""
    charts = []
    for key in DOCUMENT_CHARTS:
        data = aggregates.PROCESS_AGGREGATES[key](process)
        built = catalogue.spec(key, data, language)
        if built["rows"]:
            charts.append({"key": key, "title": built["title"], "columns": built["columns"],
                           "rows": built["rows"], "data": data})
    return charts


def figures(charts: list[dict[str, Any]], language: str) -> dict[str, dict[str, Any]]:
    """{chart key: plotly figure (plain dict)} for the charts that carry their numbers (versions frozen
    before the catalogue only have tables)."""
    return {c["key"]: catalogue.spec(c["key"], c["data"], language)["figure"] for c in charts if "data" in c}


def render(charts: list[dict[str, Any]], language: str) -> dict[str, bytes]:
    """{chart key: PNG bytes} for every chart the renderer could draw ({} with images switched off)."""
    if not current_app.config["PLAN_CHART_IMAGES"] or not charts:
        return {}
    drawn = figures(charts, language)
    keys = list(drawn)
    images = render_images([_for_print(drawn[key]) for key in keys], ["png"])
    return {key: bytes(image["png"]) for key, image in zip(keys, images, strict=True) if image and image.get("png")}


def _for_print(figure: dict[str, Any]) -> dict[str, Any]:
    """The figure at the document's width, no interactivity, legend below (a page is narrow)."""
    layout = {**figure["layout"], "width": IMAGE_WIDTH, "legend": {**figure["layout"].get("legend", {}),
                                                                   "orientation": "h", "yref": "container",
                                                                   "y": 0, "yanchor": "bottom", "x": 0}}
    layout["margin"] = {**layout.get("margin", {}), "l": 12, "r": 24, "t": 12, "b": 12}
    return {"data": figure["data"], "layout": layout}
