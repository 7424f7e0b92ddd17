"""Listing pages: one size for every list of the app (Config.PER_PAGE), ?page= read leniently."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination

from tracker.arguments import whole_number
from tracker.extensions import db

MAX_PAGE = 100_000  # beyond it the offset would outgrow the database's integers


def page_size() -> int:
    return int(current_app.config["PER_PAGE"])


def requested_page() -> int:
    """The page number asked for (?page=); anything but a page number is the first page."""
    return whole_number(request.args.get("page"), low=1, high=MAX_PAGE) or 1


def listing_page(statement, page: int | None = None) -> Pagination:
    """The requested page (?page=) of the statement's rows; a page beyond the end is empty and anything but a
    page number is the first page, neither an error."""
    return db.paginate(statement, page=page or requested_page(), per_page=page_size(), max_per_page=page_size(),
                       error_out=False)


@dataclass(frozen=True)
class PageNumbers:
    """The numbers the pagination shows for a page whose rows were rendered before (a cached fragment)."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None
