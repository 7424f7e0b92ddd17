"""Engine set-up that differs per database: SQLite gets WAL, foreign keys and a busy timeout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

_writing: ContextVar[bool] = ContextVar("writing", default=False)


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        # Python's sqlite3 opens transactions lazily; we issue BEGIN ourselves (see "begin" below)
        # so that writers take the lock up front and queue on busy_timeout instead of failing.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() or _is_write_request() else "BEGIN")


def _is_write_request() -> bool:
    """Requests that change data take SQLite's write lock up front; reads never wait for it."""
    from flask import has_request_context, request

    return has_request_context() and request.method in {"POST", "PUT", "PATCH", "DELETE"}


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside take SQLite's write lock up front, as a POST's do."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


@contextmanager
def write_transaction(session: Session) -> Iterator[None]:
    """The rare write of a reading request (a rendered export kept for the next reader, a token's last
    use) in a short transaction of its own: the read transaction ends first, the block then runs in a
    transaction that holds the write lock from its start, and is committed (rolled back on an error).

    On SQLite a read transaction that later writes fails with "database is locked" as soon as anyone
    else wrote since it began (issue 16, finding 9); one that takes the lock at its start waits its turn.
    """
    session.commit()
    with writing():
        try:
            yield
            session.commit()
        except BaseException:
            session.rollback()
            raise
