"""Which write changes which area: every flushed object maps to (process id, area) generations, raised in
the same transaction as the write (SQLAlchemy session events), so no view has to remember to.

Areas: MEASURES (ideas, measures, their progress, goals, rounds), SESSIONS (sessions, attendance,
minutes, action items), PLAN (versions, approvals, review), PEOPLE (organisations, people, users:
shared by all processes, kept under process 0). A change to the process itself or its hubs raises
all of the process's areas. A table in neither list raises everything (safe, and a test makes every
new table take a side).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, object_session

from tracker.caching.models import DataGeneration

MEASURES, SESSIONS, PLAN, PEOPLE = "measures", "sessions", "plan", "people"
PROCESS_AREAS = (MEASURES, SESSIONS, PLAN)
INSTALLATION = 0  # the process id of the shared areas
EVERYTHING = "*"  # raised by a table not mapped below: every cached item depends on it

Key = tuple[int, str]

# Tables whose rows never show on a cached page (logs, tokens, the outbox, kept files, the counters).
IGNORED = frozenset({"audit_event", "login", "api_token", "outbox_mail", "mail_preference", "plan_version_file",
                     "data_generation", "import_batch",
                     # a room's phones and cards show only on its own live pages (an accepted card is a measure)
                     "room_token", "room_card"})


def _process(area: str, path: Callable) -> Callable[[object], Iterable[Key]]:
    def keys(obj) -> Iterable[Key]:
        process_id = path(obj)
        return [(process_id, area)] if process_id is not None else [(INSTALLATION, EVERYTHING)]
    return keys


def _whole_process(obj) -> Iterable[Key]:
    process_id = obj.id if obj.__tablename__ == "process" else obj.process_id
    return [(process_id, area) for area in PROCESS_AREAS]


def _people(_obj) -> Iterable[Key]:
    return [(INSTALLATION, PEOPLE)]


def _parent(obj, column: str, table: str):
    """The parent row by its foreign key (from the identity map when loaded): relationships differ by model."""
    parent_id = getattr(obj, column, None)
    if parent_id is None:
        return None
    model = next(m.class_ for m in obj.__class__.registry.mappers if m.local_table.name == table)
    return object_session(obj).get(model, parent_id)


def _through(column: str, table: str):
    def process_id(obj):
        parent = _parent(obj, column, table)
        return parent.process_id if parent is not None else None
    return process_id


_measure_of = _through("measure_id", "measure")
_session_of = _through("session_id", "session")
_version_of = _through("plan_version_id", "plan_version")


def _round_of(obj):
    if getattr(obj, "round_id", None) is None and getattr(obj, "ballot_id", None) is not None:
        obj = _parent(obj, "ballot_id", "ballot")
    elif getattr(obj, "round_id", None) is None and getattr(obj, "tally_id", None) is not None:
        obj = _parent(obj, "tally_id", "round_tally")
    return _through("round_id", "prioritisation_round")(obj) if obj is not None else None


AREAS: dict[str, Callable[[object], Iterable[Key]]] = {
    "measure": _process(MEASURES, lambda o: o.process_id),
    "measure_transition": _process(MEASURES, _measure_of),
    "measure_comment": _process(MEASURES, _measure_of),
    "progress_update": _process(MEASURES, _measure_of),
    "milestone": _process(MEASURES, _measure_of),
    "indicator": _process(MEASURES, lambda o: o.process_id),
    "indicator_value": _process(MEASURES, _through("indicator_id", "indicator")),
    "guiding_goal": lambda o: [(o.process_id, MEASURES), (o.process_id, PLAN)],
    "prioritisation_round": _process(MEASURES, lambda o: o.process_id),
    "round_criterion": _process(MEASURES, _round_of),
    "round_result": _process(MEASURES, _round_of),
    "ballot": _process(MEASURES, _round_of),
    "ballot_entry": _process(MEASURES, _round_of),
    "round_tally": _process(MEASURES, _round_of),
    "tally_entry": _process(MEASURES, _round_of),
    "session": _process(SESSIONS, lambda o: o.process_id),
    "attendance": _process(SESSIONS, _session_of),
    "action_item": _process(SESSIONS, _session_of),
    "minutes_revision": _process(SESSIONS, _session_of),
    "room": _process(SESSIONS, _session_of),
    "plan_version": _process(PLAN, lambda o: o.process_id),
    "plan_approval": _process(PLAN, _version_of),
    "review_comment": _process(PLAN, _version_of),
    "process": _whole_process,
    "process_phase": _whole_process,
    "hub": _whole_process,
    "hub_membership": lambda o: [*_whole_process(o), (INSTALLATION, PEOPLE)],
    "registration_request": _people,
    "registration_delegate": _people,
    "organization": _people,
    "person": _people,
    "user": _people,
    "consent": _people,
}


def keys_of(obj) -> Iterable[Key]:
    table = getattr(obj, "__tablename__", None)
    if table in IGNORED:
        return []
    mapping = AREAS.get(table)
    return mapping(obj) if mapping is not None else [(INSTALLATION, EVERYTHING)]


_BUMPED = "generations_bumped"
_READ = "generations_read"


# Columns no cached page shows: a row whose only change is in them raises nothing (a login sets the user's
# last_login_at; were that to raise PEOPLE, every login would throw away every fragment that names people).
UNSHOWN = {"user": frozenset({"last_login_at", "password_hash", "session_token", "locale"})}


def _shown_change(obj) -> bool:
    unshown = UNSHOWN.get(getattr(obj, "__tablename__", None))
    if not unshown:
        return True
    state = inspect(obj)
    return any(attr.key not in unshown and attr.history.has_changes() for attr in state.attrs)


def _changed(session: Session) -> set[Key]:
    keys: set[Key] = set()
    with session.no_autoflush:
        for obj in (*session.new, *session.deleted):
            keys.update(keys_of(obj))
        for obj in session.dirty:
            if inspect(obj).deleted or (session.is_modified(obj, include_collections=True) and _shown_change(obj)):
                keys.update(keys_of(obj))
    return keys


def _bump(session: Session, keys: set[Key]) -> None:
    """Raise each counter once per transaction, in a fixed order (two writers never deadlock on them)."""
    done = session.info.setdefault(_BUMPED, set())
    todo = sorted(keys - done)
    if not todo:
        return
    session.info.pop(_READ, None)
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = DataGeneration.__table__
    for process_id, area in todo:
        statement = insert(table).values(process_id=process_id, area=area, value=1)
        connection.execute(statement.on_conflict_do_update(index_elements=[table.c.process_id, table.c.area],
                                                           set_={"value": table.c.value + 1}))
    done.update(todo)


def install() -> None:
    """Listen on every session (once per interpreter)."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _forget)
    event.listen(Session, "after_rollback", _forget)


def _after_flush(session: Session, _context) -> None:
    """After the flush's statements (new rows have their ids) and before the commit: new, dirty and
    deleted still list what this flush wrote."""
    keys = _changed(session)
    if keys:
        _bump(session, keys)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_BUMPED, None)
    session.info.pop(_READ, None)


def current(session, process_id: int | None, areas: Iterable[str]) -> tuple[int, ...]:
    """The generations a cached item depends on: the areas asked for, and EVERYTHING.

    Read once per transaction for a process (all its areas and the installation's in one query), so the
    fragments and the navigation of one page share it; a write of this transaction forgets what was read."""
    process_id = process_id or INSTALLATION
    wanted = [(INSTALLATION, EVERYTHING)] + [(INSTALLATION if area == PEOPLE else process_id, area) for area in areas]
    seen = session.info.setdefault(_READ, {})
    if process_id not in seen:
        ids = {process_id, INSTALLATION}
        rows = session.execute(select(DataGeneration.process_id, DataGeneration.area, DataGeneration.value)
                               .where(DataGeneration.process_id.in_(ids)))
        values = {(r.process_id, r.area): r.value for r in rows}
        seen[process_id] = values
    values = seen[process_id]
    return tuple(values.get(key, 0) for key in wanted)
