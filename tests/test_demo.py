"""The demo process is the first thing a new user sees; it must be right and loading it twice harmless."""

from datetime import datetime

from sqlalchemy import func, select

from tracker.accounts.models import Role, User
from tracker.demo import data
from tracker.extensions import db
from tracker.hubs.models import Hub, HubMembership
from tracker.measures.models import Measure
from tracker.organizations.models import Organization, OrganizationType
from tracker.processes.models import Process
from tracker.sessions.models import Session, SessionKind


def _counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_seed_demo_builds_the_real_structure(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    process = db.session.scalar(select(Process))
    assert (process.name, process.city) == ("Masterplan Wirtschaft", "Oberhausen")

    assert len(process.partners) == 8
    # Steering is per process: the demo's steering logins are the demo process's steering group.
    steering = db.session.scalars(select(User).where(User.role == Role.STEERING)).all()
    assert len(steering) >= 2 and {u.id for u in process.steering_members} == {u.id for u in steering}
    hubs = db.session.scalars(select(Hub).order_by(Hub.position)).all()
    assert [h.name for h in hubs] == [h[0] for h in data.HUBS]
    assert all(hub.lead_organizations for hub in hubs)
    assert {org.name for hub in hubs for org in hub.lead_organizations} <= {p.name for p in process.partners}

    kickoff = db.session.scalar(select(Session).where(Session.kind == SessionKind.KICKOFF))
    assert kickoff.starts_at == datetime(2018, 9, 26, 16, 0)
    assert kickoff.ends_at == datetime(2018, 9, 26, 18, 0)
    assert kickoff.location == "Fraunhofer UMSICHT, Gebäude D, Osterfelder Str. 3, 46047 Oberhausen"

    workshops = db.session.scalars(select(Session).where(Session.kind == SessionKind.WORKSHOP)).all()
    assert len(workshops) == 15
    assert all(datetime(2018, 10, 1) <= w.starts_at < datetime(2019, 4, 1) for w in workshops)
    per_hub = {hub.id: sum(1 for w in workshops if w.hub_id == hub.id) for hub in hubs}
    assert set(per_hub.values()) == {3}
    assert all(w.attendances for w in workshops)

    companies = db.session.scalars(select(Organization).where(Organization.type == OrganizationType.COMPANY)).all()
    assert 55 <= len(companies) <= 65
    memberships = db.session.scalars(select(HubMembership).where(HubMembership.left_at.is_(None))).all()
    hubs_of = {}
    for membership in memberships:
        hubs_of.setdefault(membership.organization_id, []).append(membership.hub_id)
    assert all(len(hubs_of.get(company.id, [])) == 1 for company in companies)

    ideas = db.session.scalar(select(func.count()).select_from(Measure))
    assert 35 <= ideas <= 45
    assert len({m.status for m in db.session.scalars(select(Measure))}) >= 6


def test_each_demo_login_works_and_has_its_role(runner, client):
    runner.invoke(args=["seed-demo"])
    for email, _name, role, password, _link in data.DEMO_USERS:
        user = db.session.scalar(select(User).join(User.person).where(User.person.has(email=email)))
        assert user.role == Role(role)
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        assert client.get("/profile").status_code == 200
        client.post("/logout")
    moderator = db.session.scalar(select(User).where(User.role == Role.MODERATOR).limit(1))
    assert moderator.moderated_hubs


def test_seed_demo_twice_changes_nothing(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0
    before = _counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "nothing changed" in second.output
    assert _counts() == before


def test_the_demo_process_is_in_the_phase_its_data_shows(runner):
    """Workshops until March 2019, prioritised in May, measures adopted in June: the adoption phase, with the
    first progress reports after the adoption and none after the process ends (no 2020 reports)."""
    from tracker.implementation.models import IndicatorValue, ProgressUpdate
    from tracker.measures.models import MeasureStatus, MeasureTransition
    from tracker.plan.models import PlanStatus, PlanVersion
    from tracker.processes.models import Phase

    runner.invoke(args=["seed-demo"])
    process = db.session.scalar(select(Process))
    assert process.phase == Phase.ADOPTION
    # no plan approved yet, so not in implementation; but measures are adopted, so past prioritisation
    assert db.session.scalar(select(func.count()).select_from(PlanVersion).where(
        PlanVersion.status == PlanStatus.APPROVED)) == 0
    adopted_at = db.session.scalars(select(MeasureTransition.at).where(
        MeasureTransition.to_status == MeasureStatus.ADOPTED)).all()
    assert adopted_at
    reports = db.session.scalars(select(ProgressUpdate.date)).all()
    values = db.session.scalars(select(IndicatorValue.date)).all()
    assert reports and values
    assert all(max(adopted_at).date() <= day <= process.ends_on for day in reports + values)
    held = db.session.scalars(select(Session.starts_at).where(Session.status == "held")).all()
    assert max(held).date() <= process.ends_on
    # the dated phases agree: the last held session falls in a phase that is over or current
    dates = {p.phase: (p.starts_on, p.ends_on) for p in process.phase_dates}
    assert set(dates) == {phase for phase in Phase if phase.position <= Phase.ADOPTION.position}
    assert dates[Phase.KICKOFF][0] <= datetime(2018, 9, 26).date() <= dates[Phase.KICKOFF][1]


def test_the_demo_has_three_steering_members_for_four_eyes(runner, client):
    runner.invoke(args=["seed-demo"])
    process = db.session.scalar(select(Process))
    steering = db.session.scalars(select(User).where(User.role == Role.STEERING)).all()
    assert len(steering) >= 3
    assert process.approvals_needed + 1 <= len(steering)  # a submitter and enough others to approve
    logins = [(email, password) for email, _n, role, password, _l in data.DEMO_USERS if role == "steering"]
    assert len(logins) >= 3
    for email, password in logins:
        assert client.post("/login", data={"email": email, "password": password}).status_code == 302, email
        client.post("/logout")
