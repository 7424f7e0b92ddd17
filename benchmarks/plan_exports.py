"""Time the plan exports (Markdown, DOCX, PDF) for the demo process and the 1x / 10x benchmark shapes.

    python -m benchmarks.plan_exports            # demo and 1x
    python -m benchmarks.plan_exports --ten      # also 10x (50 hubs, ~1,500 ideas, ~400 plan measures)
    python -m benchmarks.plan_exports --ten --only-ten --formats pdf   # iterate on the PDF at 10x

Each case runs on its own temporary SQLite database and prints a Markdown table; results are kept in
benchmarks/PLAN_EXPORTS.md. "first" is the live draft rendered from the records; "kept" is the second
request for a frozen version, served from the PlanVersionFile the first request stored.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def _case(name: str, load, formats=("md", "docx", "pdf")) -> list[str]:
    from tracker import create_app
    from tracker.extensions import db
    from tracker.permissions import SYSTEM
    from tracker.plan import exports, generator, versions

    directory = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite", "SECRET_KEY": "bench",
                      "SCHEMA_CHECK": False, "SERVER_NAME": "localhost", "PLAN_CHART_IMAGES": False})
    rows = []
    with app.app_context(), app.test_request_context():
        db.create_all()
        process = load()
        db.session.commit()
        started = time.perf_counter()
        doc = generator.build(process)
        build = time.perf_counter() - started
        measures = sum(len(c["measures"]) for c in doc["chapters"])
        ideas = sum(len(a["ideas"]) for a in doc["annex"])
        version = versions.freeze(process, "Benchmark", by=SYSTEM)
        db.session.commit()
        for fmt in formats:
            started = time.perf_counter()
            data = exports.render_document(doc, fmt, marked=True, images={})
            first = time.perf_counter() - started
            exports.export_version(version, fmt)
            started = time.perf_counter()
            exports.export_version(version, fmt)
            kept = time.perf_counter() - started
            rows.append(f"| {name} | {measures} | {ideas} | {fmt} | {build * 1000:.0f} ms | {first:.2f} s | "
                        f"{kept:.3f} s | {len(data) / 1024:.0f} KiB |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ten", action="store_true")
    parser.add_argument("--only-ten", action="store_true", help="with --ten: leave out the demo and 1x")
    parser.add_argument("--formats", default="md,docx,pdf", help="comma-separated, e.g. pdf")
    args = parser.parse_args()
    formats = tuple(args.formats.split(","))

    def demo():
        from tracker.demo.services import seed_demo

        return seed_demo()[0]

    def scaled(scale):
        def load():
            from benchmarks.generate import generate
            from tracker.extensions import db
            from tracker.processes.models import Process

            return db.session.get(Process, generate(scale)[0])
        return load

    rows = [] if args.ten and args.only_ten else _case("demo", demo, formats) + _case("1x", scaled(1), formats)
    if args.ten:
        rows += _case("10x", scaled(10), formats)
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, SQLite, no chart images.",
        "",
        "| data | plan measures | ideas | format | build data | render (live draft) | kept version | size |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    print("\n".join(lines))
    Path(__file__).with_name("PLAN_EXPORTS.md").write_text("# Plan export times\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
