"""Reference endpoints for the load benchmark; registered only with BENCHMARK_ENDPOINTS=True.

/bench/plain is the ceiling (no database, no template); /bench/fortunes is the TechEmpower-style
reference: one ORM query of 12 rows rendered by a compiled Jinja template.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from tracker.extensions import db
from tracker.organizations.models import Organization

bp = Blueprint("benchmarking", __name__, url_prefix="/bench")


@bp.get("/plain")
def plain():
    return "Hello, World!", 200, {"Content-Type": "text/plain"}


@bp.get("/fortunes")
def fortunes():
    rows = db.session.scalars(select(Organization).order_by(Organization.id).limit(12)).all()
    return render_template("benchmarking/fortunes.html", rows=sorted(rows, key=lambda o: o.name))
