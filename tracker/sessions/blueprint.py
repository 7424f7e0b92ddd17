"""The sessions blueprint; its pages live in views.py, minutes.py, action_items.py and feeds.py."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sessions", __name__)
