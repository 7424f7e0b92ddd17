"""Issue 17 item 2, done when: a steering member of another process gets 403 on every steering action of this one.

Table-driven from the authorization matrix (table.py): every row whose allowed roles include steering but no
company representative is a right of this process's steering group (alone or with moderators and admins). The
stage's "steering_other" belongs only to the steering group of a second process; for each such row, pages and
API alike, it is refused as the row refuses a role without the right, and nothing in the database changes.
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing

import pytest

from tests.authorization.stage import OTHER_STEERING, restore
from tests.authorization.table import CA, CB, ROWS, S
from tests.authorization.test_matrix import perform

pytestmark = pytest.mark.slow

# What belongs to no process: organisations are shared by every process of the installation, so the
# partners of any process's steering group (and the moderators of any hub) create them.
INSTALLATION_WIDE = frozenset({"organizations.new", "api.create_organization"})
STEERING_ROWS = [r for r in ROWS if S in r.allowed and not {CA, CB} & r.allowed and r.endpoint not in INSTALLATION_WIDE]
# Tables a request may touch without changing anything anyone decided: the login's last use.
BOOKKEEPING = frozenset({"login", "api_token", "user"})


def fingerprint(database) -> dict[str, str]:
    """A digest of every table's rows (but bookkeeping), to show that a refused request wrote nothing."""
    with closing(sqlite3.connect(database)) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        rows = {}
        for table in set(tables) - BOOKKEEPING:  # names from sqlite_master, not from input
            rows[table] = connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608
    return {table: hashlib.sha256(repr(content).encode()).hexdigest() for table, content in rows.items()}


def test_the_table_has_steering_actions_of_pages_and_api():
    assert len(STEERING_ROWS) > 40
    assert any(r.is_api for r in STEERING_ROWS) and any(not r.is_api for r in STEERING_ROWS)
    assert any(r.is_write for r in STEERING_ROWS) and any(not r.is_write for r in STEERING_ROWS)


@pytest.mark.parametrize("row", STEERING_ROWS, ids=[r.id for r in STEERING_ROWS])
def test_steering_of_another_process_is_refused(matrix_app, stage, row):
    restore(stage)
    before = fingerprint(stage.database)
    outcome = perform(matrix_app, stage, row, OTHER_STEERING)
    # Outside the row's access: its refusal (403). Inside it (any user may try, e.g. a proposal form): what
    # the body names is refused (403, or 400 where a web form does not offer this process's hubs).
    expected = row.refusal | (row.body_refusal if CA in row.may_pass_access else frozenset())
    assert not outcome.succeeded and outcome.status in expected, \
        f"{row.method} {row.key}: steering of another process got {outcome}, expected {sorted(expected)}"
    assert fingerprint(stage.database) == before, f"{row.method} {row.key}: the refused request changed data"
