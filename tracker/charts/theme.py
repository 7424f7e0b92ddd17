"""The one look of every chart, on pages and in documents: palette, colours of hubs and statuses, layout.

Colours mean the same everywhere: a hub keeps its colour in every chart (the one on its record, or
a distinct default from the Okabe–Ito palette, which colour-blind readers tell apart), a measure
status keeps its colour, and legends list statuses in workflow order.
"""

from __future__ import annotations

from itertools import cycle
from typing import Any

from tracker.measures.models import MeasureStatus

FONT = {"family": "DejaVu Sans, Liberation Sans, Arial, sans-serif", "size": 12, "color": "#1f2933"}
# Okabe & Ito (2008), without black; yellow last because it is weak on white.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7a5195", "#F0E442")
PROCESS_WIDE = "#8c8c8c"  # events of the whole process, not of a hub
HUB_DEFAULT = "#3b6ea5"  # the hub model's default: "no colour chosen"

# Pipeline stages in blues, the plan's stages in greens, the ends in greys, orange and red: no two alike.
STATUS_COLOURS = {
    MeasureStatus.IDEA: "#9ecae1",
    MeasureStatus.IN_REVIEW: "#6baed6",
    MeasureStatus.PROPOSAL: "#2171b5",
    MeasureStatus.PRIORITISED: "#08306b",
    MeasureStatus.ADOPTED: "#74c476",
    MeasureStatus.IN_PROGRESS: "#31a354",
    MeasureStatus.COMPLETED: "#005a32",
    MeasureStatus.ON_HOLD: "#E69F00",
    MeasureStatus.MERGED: "#bdbdbd",
    MeasureStatus.WITHDRAWN: "#737373",
    MeasureStatus.REJECTED: "#D55E00",
}
# Legends and stacks follow the workflow, not the order of the enum.
WORKFLOW = (MeasureStatus.IDEA, MeasureStatus.IN_REVIEW, MeasureStatus.PROPOSAL, MeasureStatus.PRIORITISED,
            MeasureStatus.ADOPTED, MeasureStatus.IN_PROGRESS, MeasureStatus.COMPLETED, MeasureStatus.ON_HOLD,
            MeasureStatus.MERGED, MeasureStatus.WITHDRAWN, MeasureStatus.REJECTED)
LIGHT_COLOURS = {"green": "#009E73", "yellow": "#E69F00", "red": "#D55E00", "none": "#bdbdbd"}
# Types of organisations: a palette of its own, so a type is never mistaken for a hub.
TYPE_COLOURS = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")

AXIS = {"gridcolor": "#e5e9f0", "linecolor": "#c8ced8", "zeroline": False, "automargin": True,
        "showline": True, "ticks": "", "title": {"standoff": 8}}
BAR_HEIGHT = 34  # pixels per category of a horizontal bar chart (two lines of label)


def hub_colours(hubs: list[tuple[int, str | None]]) -> dict[int, str]:
    """{hub id: colour} for hubs in their order: the record's colour if one was chosen and no earlier hub
    has it, else the next Okabe–Ito colour that no hub uses (so stacked hubs never share a colour)."""
    chosen = {colour.lower() for _id, colour in hubs if colour and colour.lower() != HUB_DEFAULT}
    free = cycle([c for c in OKABE_ITO if c.lower() not in chosen] or OKABE_ITO)
    result, used = {}, set()
    for hub_id, colour in hubs:
        own = colour.lower() if colour else HUB_DEFAULT
        result[hub_id] = colour if own != HUB_DEFAULT and own not in used else next(free)
        used.add(result[hub_id].lower())
    return result


def layout(*, separators: str, height: int = 360, **extra: Any) -> dict[str, Any]:
    """The layout every figure starts from (no title: pages and documents caption the chart)."""
    base = {"font": FONT, "separators": separators, "height": height, "paper_bgcolor": "white",
            "plot_bgcolor": "white", "margin": {"l": 10, "r": 10, "t": 10, "b": 10, "pad": 4},
            "hoverlabel": {"font": {"family": FONT["family"]}}, "bargap": 0.25,
            "legend": {"traceorder": "normal"}, "xaxis": dict(AXIS), "yaxis": dict(AXIS)}
    for key in ("xaxis", "yaxis"):
        base[key].update(extra.pop(key, {}))
    base.update(extra)
    return base


def count_axis(maximum: float, **extra: Any) -> dict[str, Any]:
    """An axis of counts: whole-number ticks from 0 in steps of 1, 2, 5, 10, 20, 50, … (at most 5 steps).

    "meta" marks it for the page script (fewer ticks on phones) and the browser test (whole numbers)."""
    step, factors = 1, cycle((2, 2.5, 2))
    while maximum > 5 * step:
        step = round(step * next(factors))
    top = max(step, -(-maximum // step) * step)
    return {"tickformat": ",d", "tick0": 0, "dtick": step, "range": [0, top * 1.04], "rangemode": "tozero",
            "fixedrange": True, **extra}


def plain(text: str) -> str:
    """User text as plotly shows it literally: its labels understand a little HTML (<b>, <a>, <br>)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(text: str, width: int = 22, lines: int = 2) -> str:
    """A long category name on at most `lines` lines of about `width` characters (plotly breaks at <br>)."""
    words, out, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return "<br>".join(plain(part if len(part) <= width + 6 else part[: width + 5] + "…") for part in out)
