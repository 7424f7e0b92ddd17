"""The services themselves refuse who may not act, whatever calls them (a page, the API, the CLI, an importer).

Found by `.ci/remove-checks`: with a page's or endpoint's pre-check in place, removing a service's own
refusal went unnoticed for these actions, so a future caller without a pre-check (a CLI command, an
importer, a job) could have acted for anyone.
"""

from __future__ import annotations

import pytest

from tracker.api import tokens
from tracker.attendance import imports
from tracker.errors import NotAllowed
from tracker.extensions import db
from tracker.hubs import services as hubs

LIST = b"Name;E-Mail;Organisation\nHanna Hub;hanna.hub@example.org;Alpha GmbH\n"


def _create_hub(world, by):
    hubs.create_hub(world.process, by=by, name="Hub Neu", short_name="N")


def _update_hub(world, by):
    hub = world.hub_a
    hubs.update_hub(hub, by=by, expected_version=hub.version, name="Gekapert", short_name=hub.short_name,
                    colour="#000000", description="", lead_organizations=[], moderators=[])


def _assign_moderators(world, by):
    hubs.assign_moderators(world.hub_a, [world.moderator_b], by=by)


def _start_hub_import(world, by):
    imports.start_hub_import(world.hub_a, "liste.csv", LIST, by=by)


def _revoke(world, by):
    tokens.create_token(world.company_a, "eigenes")
    db.session.flush()
    token = db.session.scalar(db.select(tokens.ApiToken).where(tokens.ApiToken.user_id == world.company_a.id))
    tokens.revoke(token, by=by)


ACTIONS = {"create_hub": _create_hub, "update_hub": _update_hub, "assign_moderators": _assign_moderators,
           "start_hub_import": _start_hub_import, "revoke_token": _revoke}
# Who may not, per action: a company always; another hub's moderator for hub A's things; others' tokens.
REFUSED = {"create_hub": ["company_a", "moderator_a"], "update_hub": ["company_a", "moderator_a", "moderator_b"],
           "assign_moderators": ["company_a", "moderator_a"], "start_hub_import": ["company_a", "moderator_b"],
           "revoke_token": ["company_b", "moderator_a", "steering", "admin"]}


@pytest.mark.parametrize(("action", "role"), [(a, r) for a, roles in REFUSED.items() for r in roles])
def test_the_service_itself_refuses(world, action, role):
    with pytest.raises(NotAllowed):
        ACTIONS[action](world, getattr(world, role))
    db.session.rollback()
