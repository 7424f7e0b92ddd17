"""Listing pages: one size for every list of the app (Config.PER_PAGE), ?page= read leniently."""

from __future__ import annotations

from flask import current_app
from flask_sqlalchemy.pagination import Pagination

from tracker.extensions import db


def page_size() -> int:
    return int(current_app.config["PER_PAGE"])


def listing_page(statement) -> Pagination:
    """The requested page (?page=) of the statement's rows; a page beyond the end is empty, not an error."""
    return db.paginate(statement, per_page=page_size(), max_per_page=page_size(), error_out=False)
