"""Chart images of the plan: plotly figures built from the document's chart tables.

Images come from the charts feature's batch renderer (kaleido with the system Chromium). Without
it, without a browser, or with PLAN_CHART_IMAGES = False, there are no images and the renderers
show the data tables with a note.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from tracker.plan import integrations
from tracker.plan.texts import chart_cell, t

log = logging.getLogger(__name__)
PALETTE = ["#3b6ea5", "#e07b39", "#4f9d69", "#b0413e", "#7d5ba6", "#c9a227"]


def figure(chart: dict[str, Any]):
    import plotly.graph_objects as go

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
    fig.update_layout(title=t(chart["title"]), template="simple_white", width=900, height=420,
                      font={"family": "DejaVu Sans, Liberation Sans, sans-serif", "size": 13},
                      margin={"l": 60, "r": 20, "t": 60, "b": 60})
    return fig


def render(charts: list[dict[str, Any]]) -> dict[str, bytes]:
    """{chart key: PNG bytes} for every chart, or {} when images cannot be made."""
    if not current_app.config.get("PLAN_CHART_IMAGES", True):
        return {}
    renderer = integrations.chart_renderer()
    if renderer is None or not charts:
        return {}
    try:
        figures = [figure(chart) for chart in charts]
        images = renderer(figures, ["png"])
    except Exception:
        log.exception("chart images could not be rendered")
        return {}
    if not images:
        return {}
    result = {}
    for chart, image in zip(charts, images, strict=False):
        data = image.get("png") if isinstance(image, dict) else image
        if isinstance(data, bytes | bytearray) and data:
            result[chart["key"]] = bytes(data)
    return result
