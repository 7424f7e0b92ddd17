"""Long exports in the background: render a version's PDF/DOCX once into a PlanVersionFile.

Small plans render within the request (the demo's PDF takes about two seconds). Beyond
PLAN_SYNC_EXPORT_LIMIT measures and ideas, the first request starts a render here and gets a
"being prepared" page that polls until the file is kept; every server then answers from the
database. A second server starting the same render loses the insert race and drops its copy.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from tracker.extensions import db
from tracker.plan import exports
from tracker.plan.models import PlanVersion

log = logging.getLogger(__name__)
_running: dict[tuple[int, str], threading.Thread] = {}
_lock = threading.Lock()


def needs_background(content: dict) -> bool:
    size = sum(len(c["measures"]) for c in content.get("chapters", [])) + sum(
        len(a["ideas"]) for a in content.get("annex", []))
    return size > current_app.config["PLAN_SYNC_EXPORT_LIMIT"]


def start(version_id: int, fmt: str) -> None:
    """Start rendering unless this server already does."""
    app = current_app._get_current_object()
    with _lock:
        running = _running.get((version_id, fmt))
        if running is not None and running.is_alive():
            return
        thread = threading.Thread(target=_render, args=(app, version_id, fmt), daemon=True,
                                  name=f"plan-export-{version_id}-{fmt}")
        _running[(version_id, fmt)] = thread
        thread.start()


def is_running(version_id: int, fmt: str) -> bool:
    thread = _running.get((version_id, fmt))
    return thread is not None and thread.is_alive()


def wait(timeout: float = 60) -> None:
    """Wait for every render of this server (tests and the CLI)."""
    for thread in list(_running.values()):
        thread.join(timeout)


def _render(app: Flask, version_id: int, fmt: str) -> None:
    with app.app_context():
        try:
            version = db.session.get(PlanVersion, version_id)
            if version is not None:
                exports.export_version(version, fmt)
        except IntegrityError:
            db.session.rollback()  # another server kept it first
        except Exception:
            db.session.rollback()
            log.exception("plan export %s of version %s failed", fmt, version_id)
        finally:
            db.session.remove()
