"""Every write service makes the next request show the change, on another app instance that shares the
cache (Redis): the data generations are raised in the write's own transaction, not by views."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

import pytest

from tests import factories
from tests.jobs.conftest import REDIS_URL, redis_available
from tracker import caching
from tracker.attendance import services as attendance
from tracker.caching import generations
from tracker.extensions import db
from tracker.goals import services as goals
from tracker.hubs import services as hubs
from tracker.implementation import services as implementation
from tracker.implementation.models import Light
from tracker.measures import services as measures
from tracker.measures import workflow
from tracker.measures.models import MeasureStatus
from tracker.organizations import services as organizations
from tracker.plan import versions
from tracker.processes import services as processes
from tracker.processes.models import Phase
from tracker.sessions import services as sessions
from tracker.sessions.models import AttendanceStatus, SessionKind


@pytest.fixture
def app_config(app_config):
    if not redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379")
    return {**app_config, "REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex[:10]}:",
            "PLAN_CHART_IMAGES": False}


def rename_measure(w, p):
    measures.update(p.focus, by=w.steering, expected_version=p.focus.version, title="Gründerzentrum am Hafen")
    return "Gründerzentrum am Hafen"


def report_progress(w, p):
    implementation.report_progress(p.in_progress, on=date.today(), percent=42, light=Light.YELLOW, by=w.steering)
    return "42"


def rename_goal(w, p):
    goals.update(p.goal_2, expected_version=p.goal_2.version, by=w.steering, title="Oberhausen bildet aus")
    return "Oberhausen bildet aus"


def propose_idea(w, p):
    measures.propose(w.process, by=w.company_a, title="Lastenräder für Handwerker", hub=w.hub_a)
    return "Lastenräder für Handwerker"


def rename_organisation(w, p):
    org = w.partner
    organizations.update_organization(org, by=w.admin, expected_version=org.version, name="Stadtwerke Neu",
                                      type=org.type, sector=org.sector, size_class=org.size_class,
                                      website=org.website, consents_to_be_named=True)
    return "Stadtwerke Neu"


def rename_member(w, p):
    org = w.org_a  # a member of hub A
    organizations.update_organization(org, by=w.admin, expected_version=org.version, name="Alpha Hafen GmbH",
                                      type=org.type, sector=org.sector, size_class=org.size_class,
                                      website=org.website, consents_to_be_named=True)
    return "Alpha Hafen GmbH"


def schedule_session(w, p):
    start = datetime.combine(date.today() + timedelta(days=3), datetime.min.time()) + timedelta(hours=10)
    sessions.schedule(w.process, by=w.steering, hub=w.hub_b, kind=SessionKind.WORKSHOP, title="Werkstatt Hafen",
                      starts_at=start, ends_at=start + timedelta(hours=2))
    return None  # the dashboard's figures and charts change


def record_attendance(w, p):
    attendance.record(w.session_b, [(w.company_b.person, AttendanceStatus.ATTENDED)], by=w.steering)
    return None


def attend(w, p):
    """Company B's delegate attends hub B's workshop: the organisers see the name, everyone the count."""
    attendance.record(w.session_b, [(w.company_b.person, AttendanceStatus.ATTENDED)], by=w.moderator_b)
    return w.company_b.person.name


def save_minutes(w, p):
    sessions.save_minutes(w.session_b, "Beschlossen: Hafenfest im Mai", expected_version=w.session_b.version,
                          by=w.moderator_b)
    return "Hafenfest im Mai"


def approve_minutes(w, p):
    sessions.approve_minutes(w.session_b, by=w.moderator_b)
    return "Geheimer Entwurf B"  # the draft becomes visible to the hub's members


def add_action_item(w, p):
    sessions.add_action_item(w.session_b, text="Flyer drucken lassen", owner=w.company_b.person, due_on=None,
                             by=w.moderator_b)
    return "Flyer drucken lassen"


def rename_session(w, p):
    sessions.update(w.session_b, by=w.moderator_b, expected_version=w.session_b.version, title="Hafenwerkstatt")
    return "Hafenwerkstatt"


def rename_delegate(w, p):
    person = w.company_a.person
    person.name = "Carla Neumann"  # as the profile page and the directory change it
    return "Carla Neumann"


def _update_hub(w, **fields):
    hub = w.hub_a
    values = dict(name=hub.name, short_name=hub.short_name, colour=hub.colour, description=hub.description,
                  lead_organizations=list(hub.lead_organizations), moderators=list(hub.moderators))
    hubs.update_hub(hub, by=w.steering, expected_version=hub.version, **{**values, **fields})


def describe_hub(w, p):
    _update_hub(w, description="Alles rund um den Hafen", lead_organizations=[w.partner])
    return "Alles rund um den Hafen"


def rename_hub(w, p):
    _update_hub(w, name="Hub Hafen")
    return "Hub Hafen"


def raise_idea(w, p):
    measures.propose(w.process, by=w.moderator_a, title="Hafenfähre am Abend", hub=w.hub_a, session=w.session_a)
    return "Hafenfähre am Abend"


def write_foreword(w, p):
    versions.save_text(w.process, expected_version=w.process.version, by=w.steering, foreword="Ein Hafen für alle.")
    return "Ein Hafen für alle."


def rename_first_goal(w, p):
    goals.update(p.goal_1, expected_version=p.goal_1.version, by=w.steering, title="Oberhausen gründet")
    return "Oberhausen gründet"


def start_focus_project(w, p):
    workflow.transition(p.focus, MeasureStatus.IN_PROGRESS, by=w.steering)
    return None  # the status shows as a label (and in the history)


def comment_on_focus(w, p):
    measures.add_comment(p.focus, "Der Hafenverein macht mit.", by=w.company_b)
    return "Der Hafenverein macht mit."


def support_focus(w, p):
    measures.toggle_support(p.focus, by=w.company_a)
    return None  # the supporters' names (the reader sees them, not their own button)


def announce_plenary(w, p):
    start = datetime.combine(date.today() + timedelta(days=9), datetime.min.time()) + timedelta(hours=18)
    sessions.schedule(w.process, by=w.steering, hub=None, kind=SessionKind.PLENARY, title="Hafenforum",
                      starts_at=start, ends_at=start + timedelta(hours=2))
    return "Hafenforum"


def publish_plan(w, p):
    version = versions.freeze(w.process, "Masterplan Hafen 2027", by=w.steering)
    versions.submit(version, by=w.steering)
    factories.approve_plan_version(version)
    return "Masterplan Hafen 2027"


def propose_twins(w, p):
    for hub in (w.hub_a, w.hub_b):
        measures.propose(w.process, by=w.steering, title="Lastenräder für Handwerker im Quartier", hub=hub)
    return "Lastenräder für Handwerker im Quartier"


def move_to_adoption(w, p):
    processes.set_phase(w.process, Phase.ADOPTION, by=w.steering)
    return "Verabschiedung"


PUBLIC_PROGRESS, DASHBOARD, DRAFT = "/p/{pid}/progress", "/processes/{pid}/dashboard", "/processes/{pid}/plan"
OVERVIEW = "/processes/{pid}"
MEASURE_LIST, MEASURE_PAGE, LANDING = "/processes/{pid}/measures", "/measures/{mid}", "/p/{pid}"
NAMES = {MEASURE_PAGE: "measure", "/measures/{iid}": "measure", LANDING: "landing"}
HUB_A, HUB_B, SESSION_A, SESSION_B = "/hubs/{hub_a}", "/hubs/{hub_b}", "/sessions/{session_a}", "/sessions/{session_b}"
DUPLICATES = "/processes/{pid}/measures/duplicates"
CASES = [  # (write service, the page that shows it, who reads it)
    (propose_twins, DUPLICATES, "steering"),
    (rename_measure, PUBLIC_PROGRESS, None),
    (report_progress, PUBLIC_PROGRESS, None),
    (rename_goal, PUBLIC_PROGRESS, None),
    (rename_measure, DRAFT, "steering"),
    (propose_idea, DRAFT, "steering"),
    (rename_organisation, DRAFT, "steering"),
    (write_foreword, DRAFT, "steering"),
    (propose_idea, DASHBOARD, "steering"),
    (schedule_session, DASHBOARD, "steering"),
    (record_attendance, DASHBOARD, "steering"),
    (propose_idea, OVERVIEW, "company_a"),
    (schedule_session, OVERVIEW, "company_a"),
    (rename_member, OVERVIEW, "company_a"),
    (propose_idea, MEASURE_LIST, "company_b"),
    (rename_measure, MEASURE_LIST, "company_a"),
    (start_focus_project, MEASURE_LIST, "steering"),
    (rename_member, MEASURE_LIST, "moderator_a"),  # the proposer of a listed idea
    (rename_measure, MEASURE_PAGE, "company_b"),
    (comment_on_focus, MEASURE_PAGE, "company_a"),
    (start_focus_project, MEASURE_PAGE, "company_a"),
    (support_focus, MEASURE_PAGE, "company_b"),
    (report_progress, "/measures/{iid}", "steering"),
    (rename_organisation, MEASURE_PAGE, "steering"),  # responsible for the measure
    (rename_first_goal, MEASURE_PAGE, "company_a"),
    (publish_plan, LANDING, None),
    (announce_plenary, LANDING, None),
    (rename_organisation, LANDING, None),  # in the steering group
    (move_to_adoption, LANDING, None),
    (move_to_adoption, OVERVIEW, "company_a"),
    (record_attendance, OVERVIEW, "steering"),  # the key figures (people, working hours)
    (propose_idea, HUB_A, "company_a"),
    (rename_member, HUB_A, "company_a"),
    (rename_member, HUB_A, "moderator_a"),  # also in the table of members and their delegates
    (rename_delegate, HUB_A, "moderator_a"),
    (describe_hub, HUB_A, "company_b"),
    (schedule_session, HUB_B, "company_b"),
    (record_attendance, HUB_B, "company_b"),  # the attendees of each session
    (add_action_item, HUB_B, "moderator_b"),
    (rename_session, HUB_B, "company_b"),
    (attend, SESSION_B, "moderator_b"),
    (record_attendance, SESSION_B, "company_b"),  # the number of attendees (the names are the organisers')
    (save_minutes, SESSION_B, "moderator_b"),
    (approve_minutes, SESSION_B, "company_b"),
    (add_action_item, SESSION_B, "moderator_b"),
    (add_action_item, SESSION_B, "company_b"),
    (rename_session, SESSION_B, "company_b"),
    (raise_idea, SESSION_A, "company_a"),
    (rename_member, SESSION_A, "moderator_a"),  # the idea form's choice of who raised an idea
    (rename_hub, SESSION_A, "company_a"),  # the hub in the breadcrumb
]
COUNTS_ONLY = {(DASHBOARD, propose_idea), (OVERVIEW, propose_idea)}  # a count changes, no title shows


def without_tokens(response) -> str:
    """The page without its CSRF tokens (signed anew on every request)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


@pytest.mark.parametrize(("write", "page", "reader"), CASES,
                         ids=[f"{w.__name__}-{NAMES.get(p) or p.split('/')[-1].strip('{}')}" for w, p, _r in CASES])
def test_a_write_shows_on_the_next_request_of_another_server(app, make_app, world, plan, write, page, reader):
    other = make_app()  # a second app server: its own process memory, the same database and Redis
    client = other.test_client()
    if reader:
        client.post("/login", data={"email": getattr(world, reader).email, "password": factories.PASSWORD})
    url = page.format(pid=world.process.id, mid=plan.focus.id, iid=plan.in_progress.id, hub_a=world.hub_a.id,
                      hub_b=world.hub_b.id, session_a=world.session_a.id, session_b=world.session_b.id)
    response = client.get(url)
    assert response.status_code == 200
    before = without_tokens(response)
    assert without_tokens(client.get(url)) == before  # the same page again (from the cache)

    expected = write(world, plan)
    db.session.commit()

    after = without_tokens(client.get(url))
    assert after != before
    if expected and (page, write) not in COUNTS_ONLY:
        assert expected in after


def test_the_cache_is_shared_and_a_read_raises_nothing(app, make_app, world, plan):
    other = make_app()
    url = PUBLIC_PROGRESS.format(pid=world.process.id)
    app.test_client().get(url)
    counters = generations.current(db.session, world.process.id, (caching.MEASURES, caching.PLAN))
    other.test_client().get(url)
    assert generations.current(db.session, world.process.id, (caching.MEASURES, caching.PLAN)) == counters
    with other.app_context():
        assert any(caching.cache.cache._write_client.scan_iter(f"{other.config['CACHE_KEY_PREFIX']}html:*"))


def test_every_table_is_mapped_to_areas_or_ignored(app):
    """A new model must say which cached pages it changes (association tables change through the
    collections of the objects that own them, which are then dirty)."""
    mapped = {mapper.local_table.name for mapper in db.Model.registry.mappers}
    unmapped = mapped - set(generations.AREAS) - generations.IGNORED
    assert not unmapped, f"say which area these tables belong to (tracker/caching/generations.py): {unmapped}"


def test_a_login_throws_no_fragment_away_and_a_new_name_does(app, world):
    """Logging in writes the user's last login, which no page shows: the people's generation stays."""
    def people():
        db.session.commit()  # a fresh transaction reads the counters anew
        return generations.current(db.session, world.process.id, (caching.PEOPLE,))

    before = people()
    response = app.test_client().post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert people() == before
    world.company_a.person.name = "Carla Neuname"
    db.session.commit()
    assert people() != before
