"""Chart images of the plan: plotly figures built from the document's chart tables.

Images come from the charts feature's batch renderer (kaleido with the system Chromium). Without a
browser it gives no image, and with PLAN_CHART_IMAGES = False none is asked for; the renderers then
show the data tables with a note.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from flask import current_app

from tracker.charts.render import render_images
from tracker.i18n import number_separators
from tracker.plan.texts import chart_cell, t

PALETTE = ["#3b6ea5", "#e07b39", "#4f9d69", "#b0413e", "#7d5ba6", "#c9a227"]
WIDTH, HEIGHT = 900, 420
FONT = {"family": "DejaVu Sans, Liberation Sans, sans-serif", "size": 13}
MARGIN = {"l": 60, "r": 20, "t": 60, "b": 60}


def figure(chart: dict[str, Any]) -> go.Figure:
    columns = chart["columns"]
    labels = [chart_cell(row[0]) for row in chart["rows"]]
    fig = go.Figure()
    if chart["type"] == "funnel":
        fig.add_trace(go.Funnel(y=labels, x=[row[1] for row in chart["rows"]], marker={"color": PALETTE[0]}))
    else:
        for index, column in enumerate(columns[1:], start=1):
            fig.add_trace(go.Bar(name=t(column), x=labels, y=[row[index] for row in chart["rows"]],
                                 marker={"color": PALETTE[(index - 1) % len(PALETTE)]}))
        fig.update_layout(barmode="stack" if chart["type"] == "stacked" else "group")
    fig.update_layout(title=t(chart["title"]), template="simple_white", width=WIDTH, height=HEIGHT, font=FONT,
                      margin=MARGIN, separators=number_separators())
    return fig


def render(charts: list[dict[str, Any]]) -> dict[str, bytes]:
    """{chart key: PNG bytes} for every chart the renderer could draw ({} with images switched off)."""
    if not current_app.config["PLAN_CHART_IMAGES"] or not charts:
        return {}
    images = render_images([figure(chart) for chart in charts], ["png"])
    result = {}
    for chart, image in zip(charts, images, strict=True):
        data = (image or {}).get("png")
        if data:
            result[chart["key"]] = bytes(data)
    return result
