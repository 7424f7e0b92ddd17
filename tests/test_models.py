"""Constraints live in the database, so no code path (form, API, script) can break them."""

import pytest
from sqlalchemy.exc import IntegrityError

from tests import factories
from tracker.errors import Conflict
from tracker.extensions import db
from tracker.hubs import queries
from tracker.hubs import services as hubs
from tracker.hubs.models import HubMembership
from tracker.sessions.models import Attendance, AttendanceStatus


def test_second_hub_in_the_same_process_is_refused_with_a_clear_message(world):
    with pytest.raises(Conflict) as refused:
        hubs.join_hub(world.org_a, world.hub_b, by=world.steering)
    assert "Alpha GmbH" in str(refused.value) and "Hub A" in str(refused.value)


def test_database_refuses_two_current_memberships_of_one_organisation(world):
    db.session.add(HubMembership(process_id=world.process.id, hub=world.hub_b, organization=world.org_a))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_same_organisation_may_join_a_hub_of_another_process(world):
    other_process = factories.process(name="Update 2024")
    other_hub = factories.hub(other_process)
    membership = hubs.join_hub(world.org_a, other_hub, by=world.company_a)
    db.session.commit()
    assert membership.hub_id == other_hub.id


def test_moving_keeps_the_earlier_choice_as_history(world):
    hubs.move_to_hub(world.org_a, world.hub_b, by=world.company_a)
    db.session.commit()
    history = queries.membership_history(world.org_a, world.process)
    assert [m.hub_id for m in history] == [world.hub_a.id, world.hub_b.id]
    assert history[0].left_at is not None and history[1].left_at is None
    assert queries.current_membership(world.org_a, world.process).hub_id == world.hub_b.id


def test_emails_are_unique(world):
    db.session.add(factories.Person(name="Doppelt", email=world.company_a.email))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_organisation_names_are_unique_whatever_their_case(world):
    db.session.add(factories.Organization(name="ALPHA gmbh"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_attendance_is_unique_per_person_and_session(world):
    factories.attendance(world.session_a, world.company_a.person)
    db.session.add(Attendance(session=world.session_a, person=world.company_a.person,
                              status=AttendanceStatus.EXCUSED))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_unknown_enum_values_are_refused_by_the_database(world):
    from sqlalchemy import text

    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE measure SET status = 'bogus' WHERE id = :id"), {"id": world.measure_a.id})
        db.session.flush()
    db.session.rollback()


def test_session_duration_follows_its_times(world):
    from datetime import timedelta

    world.session_a.ends_at = world.session_a.starts_at + timedelta(hours=3, minutes=30)
    db.session.commit()
    assert world.session_a.duration_minutes == 210
    assert world.session_a.duration_hours == 3.5
