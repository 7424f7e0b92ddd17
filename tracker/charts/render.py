"""The entry point other features look for (the plan's chart images): render_images(figures, formats)."""

from tracker.charts.export import render_images

__all__ = ["render_images"]
