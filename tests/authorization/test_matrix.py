"""The authorization matrix: every URL of the app, for every role, against the truth table (table.py).

- `test_every_endpoint_is_in_the_table`: a new URL rule (or method) without a row fails.
- `test_write`: each write with a VALID body, each role on a fresh copy of the stage; exactly the
  row's roles succeed (2xx, or a redirect that is not to the login, without an error message), the
  others are refused as access (403; 401 or the login for anonymous), never as input. A 500 fails.
- `test_access_before_input`: each write with an EMPTY body; every role outside the row's `access`
  gets 403 (401/the login for anonymous): the right is checked before the input is read.
- `test_read`: each page and GET endpoint; exactly the row's roles see it.

Slow (every row for every role): CI runs it once, on SQLite (it restores SQLite copies of the stage).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from flask import message_flashed, url_for

from tests.authorization.stage import ROLES, Stage, restore
from tests.authorization.table import ALL, READS, ROWS, WRITES, Row

pytestmark = pytest.mark.slow


@dataclass
class Outcome:
    status: int
    location: str = ""
    errors: list[str] = field(default_factory=list)  # messages flashed as errors (refused input)
    exception: str = ""

    @property
    def to_login(self) -> bool:
        """Sent to the login to come back later: how pages answer a visitor without login (not a success)."""
        target = urlparse(self.location)
        return self.status in (301, 302, 303, 307) and target.path.endswith("/login") and "next=" in target.query

    @property
    def succeeded(self) -> bool:
        return 200 <= self.status < 400 and not self.to_login and not self.errors

    def __str__(self) -> str:
        text = f"{self.status}"
        if self.location:
            text += f" -> {self.location}"
        if self.errors:
            text += f" (flashed: {'; '.join(self.errors)[:160]})"
        if self.exception:
            text += f" ({self.exception[:200]})"
        return text


def _url(app, row: Row, ids) -> str:
    values = {name: ids.get(value, value) if isinstance(value, str) else value for name, value in row.args.items()}
    with app.test_request_context():
        return url_for(row.endpoint, **values)


def perform(app, stage: Stage, row: Row, role: str, *, valid: bool = True) -> Outcome:
    """One request of `role` (its own token or logged-in browser), with the row's valid body or an empty one."""
    client = app.test_client()
    headers = {}
    if row.is_api:
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {stage.bearer[role]}"
    elif role != "anonymous":
        client.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), stage.cookies[role])
    options = {}
    if row.is_write:
        payload = row.body(stage.ids) if (valid and row.body is not None) else {}
        if row.is_api:
            options["json"] = payload
        else:
            options["data"] = payload
            if any(isinstance(value, tuple) for value in payload.values()):
                options["content_type"] = "multipart/form-data"
    flashed: list[str] = []

    def remember(sender, message, category, **extra):
        if category == "error":
            flashed.append(str(message))

    url = _url(app, row, stage.ids)
    with message_flashed.connected_to(remember, app):
        try:
            response = client.open(url, method=row.method, headers=headers, **options)
        except Exception as error:  # the app let an exception escape: a server error
            return Outcome(500, exception=f"{type(error).__name__}: {error}")
    outcome = Outcome(response.status_code, response.headers.get("Location", ""), flashed)
    response.close()
    return outcome


def refused_as_access(row: Row, role: str, outcome: Outcome, statuses) -> bool:
    if role == "anonymous":
        return outcome.status == 401 if row.is_api else (outcome.to_login or outcome.status == 401)
    return outcome.status in statuses


def _report(row: Row, got: set[str], problems: list[str]) -> str:
    head = (f"{row.method} {row.key}: expected {sorted(row.allowed) or 'nobody'}, "
            f"succeeded {sorted(got) or 'nobody'}")
    if row.note:
        head += f"  [{row.note}]"
    return head + "".join(f"\n  {line}" for line in problems)


def test_every_endpoint_is_in_the_table(matrix_app):
    covered: dict[str, set[str]] = {}
    for entry in ROWS:
        covered.setdefault(entry.endpoint, set()).add(entry.method)
    missing = sorted({rule.endpoint for rule in matrix_app.url_map.iter_rules()} - set(covered))
    assert missing == [], f"add these endpoints to the authorization matrix (tests/authorization/table.py): {missing}"
    for rule in matrix_app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        assert methods <= covered[rule.endpoint], \
            f"{rule.endpoint}: no row for {sorted(methods - covered[rule.endpoint])}"
    unknown = sorted(set(covered) - {rule.endpoint for rule in matrix_app.url_map.iter_rules()})
    assert unknown == [], f"rows for endpoints that no longer exist: {unknown}"


def test_every_write_row_has_a_valid_body():
    assert [r.id for r in WRITES if r.body is None] == []
    for entry in ROWS:
        assert entry.allowed <= ALL and (entry.access is None or entry.allowed <= entry.access), entry.key


@pytest.mark.parametrize("row", WRITES, ids=[r.id for r in WRITES])
def test_write(matrix_app, stage, row):
    got, problems = set(), []
    for role in ROLES:
        restore(stage)
        outcome = perform(matrix_app, stage, row, role)
        if outcome.status >= 500:
            problems.append(f"{role}: SERVER ERROR {outcome}")
            continue
        if outcome.succeeded:
            got.add(role)
            if role not in row.allowed:
                problems.append(f"{role}: succeeded ({outcome}) but may not")
        elif role in row.allowed:
            problems.append(f"{role}: refused ({outcome}) but may")
        else:
            statuses = row.body_refusal if role in row.may_pass_access else row.refusal
            if not refused_as_access(row, role, outcome, statuses):
                problems.append(f"{role}: refused with {outcome}, expected {sorted(statuses)}"
                                f"{' (401/login)' if role == 'anonymous' else ''}")
    assert not problems, _report(row, got, problems)


@pytest.mark.parametrize("row", WRITES, ids=[r.id for r in WRITES])
def test_access_before_input(matrix_app, stage, row):
    problems = []
    for role in ROLES:
        if role in row.may_pass_access:
            continue
        restore(stage)
        outcome = perform(matrix_app, stage, row, role, valid=False)
        if not refused_as_access(row, role, outcome, row.refusal):
            wanted = "401/login" if role == "anonymous" else sorted(row.refusal)
            problems.append(f"{role}: {outcome}, expected {wanted}")
    assert not problems, (f"{row.method} {row.key} with an empty body: roles without access "
                          f"(outside {sorted(row.may_pass_access)}) must be refused before the input is read"
                          + "".join(f"\n  {line}" for line in problems))


@pytest.mark.parametrize("row", READS, ids=[r.id for r in READS])
def test_read(matrix_app, stage, row):
    got, problems = set(), []
    for role in ROLES:
        outcome = perform(matrix_app, stage, row, role)
        if outcome.succeeded:
            got.add(role)
        if outcome.status >= 500:
            problems.append(f"{role}: SERVER ERROR {outcome}")
        elif outcome.succeeded != (role in row.allowed):
            problems.append(f"{role}: {outcome}")
    assert not problems, _report(row, got, problems)
