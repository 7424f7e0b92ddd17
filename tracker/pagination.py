"""Listing pages: one size for every list of the app (Config.PER_PAGE), ?page= read leniently."""

from __future__ import annotations

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination

from tracker.arguments import whole_number
from tracker.extensions import db

MAX_PAGE = 100_000  # beyond it the offset would outgrow the database's integers


def page_size() -> int:
    return int(current_app.config["PER_PAGE"])


def listing_page(statement) -> Pagination:
    """The requested page (?page=) of the statement's rows; a page beyond the end is empty and anything but a
    page number is the first page, neither an error."""
    page = whole_number(request.args.get("page"), low=1, high=MAX_PAGE) or 1
    return db.paginate(statement, page=page, per_page=page_size(), max_per_page=page_size(), error_out=False)
