"""The state every row of the authorization matrix acts on, built once and restored before each role.

The stage is the `world` fixture plus one object for every URL of the app (an adopted measure with
responsible organisations, an open and a closed round, plan versions in each status, an import batch,
tokens …), the bearer token of every role and a logged-in session cookie per role. It is built once per
test session, mostly through the app's own JSON API (so it keeps working when services move), and saved
as a copy of the SQLite database; before each role's request the copy is put back (SQLite's backup API,
milliseconds), so a write by one role never changes what the next role finds.
"""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy.engine import make_url

from tests import factories
from tests.conftest import build_world
from tracker.accounts.models import Role
from tracker.accounts.services import set_password_token
from tracker.api import tokens
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import HubMembership
from tracker.implementation.models import Indicator, Milestone
from tracker.mail import services as mail_services
from tracker.mail.models import MailKind, MailStatus, OutboxMail
from tracker.measures.models import MeasureStatus
from tracker.prioritisation import services as prioritisation_services
from tracker.prioritisation.models import PrioritisationRound
from tracker.registration.services import approve as approve_registration
from tracker.registration.services import request_registration
from tracker.room import services as room_services
from tracker.sessions import ical
from tracker.sessions.models import ActionItem, AttendanceStatus, Session, SessionKind, SessionStatus

ROLES = ("anonymous", "company_a", "company_b", "moderator_a", "moderator_b", "steering", "admin")
OTHER_STEERING = "steering_other"  # a steering member of another process only (issue 17 item 2)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


class Ids(dict):
    """The stage's ids and tokens by name; `ids.session_a` reads like the fixture it came from."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Stage:
    ids: Ids
    bearer: dict[str, str] = field(default_factory=dict)  # role -> API token
    cookies: dict[str, str] = field(default_factory=dict)  # role -> session cookie of a logged-in browser
    snapshot: Path | None = None
    database: Path | None = None


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def restore(stage: Stage) -> None:
    """Put the saved database back; nothing of an earlier request survives."""
    db.session.remove()
    db.engine.dispose()
    _copy(stage.snapshot, stage.database)


def _api(client, method: str, url: str, token: str, json=None, expect=(200, 201)):
    response = client.open(url, method=method, json=json, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in expect, f"building the stage: {method} {url} -> {response.status_code} " \
                                           f"{response.get_data(as_text=True)[:300]}"
    return response.get_json()


CSV_SESSION = b"Name;E-Mail\nImke Import;imke.import@example.org\n"


def build(app, snapshot: Path) -> Stage:
    """Create everything the table refers to, log every role in, and save the database."""
    w = build_world()
    process = w.process
    org_c = factories.organization(name="Gamma GmbH")  # in no hub yet: the one to add or move around
    person_c = factories.person(org_c, name="Gustav Gamma")
    hub_c = factories.hub(process, name="Hub C", short_name="C")
    visitor = factories.user(Role.COMPANY, organization=org_c, name="Vera Visitor")
    registration = request_registration(
        process, hub=hub_c, name="Paula Pending", email="paula.pending@example.org", function=None,
        organization_name="Pending GmbH", consent_contact=True, consent_named=False)
    approved = request_registration(
        process, hub=hub_c, name="Anton Approved", email="anton.approved@example.org", function=None,
        organization_name="Approved GmbH", consent_contact=True, consent_named=False,
        delegates=[{"name": "Dora Delegate", "email": "dora.delegate@example.org"}], consent_delegates=True)
    approve_registration(approved, by=w.admin, create_new=True)
    person_x = factories.person(org_c, name="Xaver Anonym")
    steering2 = factories.make_steering(process, organization=w.partner, name="Sina Steering-2")
    # Another city's process and a member of its steering group only: steering there, nobody special here.
    other_process = factories.process(name="Masterplan Zweite Stadt", city="Bottrop", starts_on=date(2017, 1, 1))
    steering_other = factories.make_steering(other_process, organization=w.partner, name="Otto Other-City")
    goal = factories.goal(process, number=1, title="Leitziel")
    idea_a2 = factories.measure(process, w.hub_a, title="Zweite Idee aus A", proposer_organization=w.org_a)
    idea_b2 = factories.measure(process, w.hub_b, title="Zweite Idee aus B", proposer_organization=w.org_b)
    merge_source_a = factories.measure(process, w.hub_a, title="Quelle A", proposer_organization=w.org_a)
    merge_target_a = factories.measure(process, w.hub_a, title="Ziel A", proposer_organization=w.org_a)
    adopted_a = factories.measure(process, w.hub_a, title="Beschlossen A", status=MeasureStatus.ADOPTED,
                                  primary_goal=goal, proposer_organization=w.org_a)
    adopted_a.responsible_organizations = [w.org_a]
    adopted_b = factories.measure(process, w.hub_b, title="Beschlossen B", status=MeasureStatus.ADOPTED,
                                  primary_goal=goal, proposer_organization=w.org_b)
    adopted_b.responsible_organizations = [w.org_b]
    proposal = factories.measure(process, w.hub_a, title="Vorschlag", status=MeasureStatus.PROPOSAL,
                                 primary_goal=goal)
    kickoff = factories.session(process, None, kind=SessionKind.KICKOFF, title="Auftakt",
                                starts_at=datetime(2018, 9, 26, 16))
    attendance_a = factories.attendance(w.session_a, w.company_a.person, status=AttendanceStatus.INVITED)
    attendance_b = factories.attendance(w.session_b, w.company_b.person, status=AttendanceStatus.INVITED)
    upcoming = factories.session(process, w.hub_a, title="Workshop A9", number=9, status=SessionStatus.PLANNED,
                                 starts_at=datetime(2099, 10, 17, 16, 30))  # invitations to it can be answered
    invitation = factories.attendance(upcoming, w.company_a.person, status=AttendanceStatus.INVITED)
    item_a = ActionItem(session=w.session_a, text="Liste schicken", owner_id=w.company_a.person.id)
    item_b = ActionItem(session=w.session_b, text="Liste schicken", owner_id=w.company_b.person.id)
    milestone_a = Milestone(measure=adopted_a, title="Start")
    indicator = Indicator(process_id=process.id, name="Arbeitsplätze")
    indicator_a = Indicator(process_id=process.id, measure_id=adopted_a.id, name="Betriebe erreicht")
    # Room mode runs today: a prioritisation workshop (hub-less) and a workshop of hub A, each with a running
    # room and a card from a phone; a third session's room has ended (its link answers 404).
    today = room_services.local_today()
    day = dict(starts_at=datetime(today.year, today.month, today.day, 0, 5),
               ends_at=datetime(today.year, today.month, today.day, 23, 55), status=SessionStatus.PLANNED)
    room_workshop = factories.session(process, None, kind=SessionKind.PRIORITISATION, title="Workshop im Raum", **day)
    room_hub_a = factories.session(process, w.hub_a, title="Workshop A heute", number=8, **day)
    room_ended = factories.session(process, None, kind=SessionKind.PLENARY, title="Plenum vorbei", **day)
    rooms = {}
    for session in (room_workshop, room_hub_a, room_ended):
        rooms[session.id] = room_services.start(session, people=30, by=w.steering)
    room_services.stop(room_ended, by=w.steering)
    cards = {}
    for session in (room_workshop, room_hub_a):
        token, _secret = room_services.issue_token(rooms[session.id], by=None)
        cards[session.id] = room_services.hand_in(rooms[session.id], by=token, title="Karte aus dem Raum")
    mail = OutboxMail(kind=MailKind.INVITATION, dedup_key="matrix", to_address="a@example.org", subject="Einladung",
                      body_text="Hallo", body_html="<p>Hallo</p>", status=MailStatus.FAILED)
    db.session.add_all([item_a, item_b, milestone_a, indicator, indicator_a, mail])
    db.session.commit()

    users = {"company_a": w.company_a, "company_b": w.company_b, "moderator_a": w.moderator_a,
             "moderator_b": w.moderator_b, "steering": w.steering, "admin": w.admin,
             OTHER_STEERING: steering_other}  # not one of ROLES: tests/authorization/test_other_process.py
    stage = Stage(ids=Ids())
    stage.bearer = {role: tokens.create_token(user, "matrix") for role, user in users.items()}
    steering2_token = tokens.create_token(steering2, "matrix")
    company_a_web_token = tokens.create_token(w.company_a, "web")
    db.session.commit()

    # Through the API, as a client would: plan versions in every status, rounds, a merge, a review comment.
    client = app.test_client()
    steer = stage.bearer["steering"]
    base = "/api/v1"
    published = _api(client, "POST", f"{base}/processes/{process.id}/plan/versions", steer, {"label": "Beschluss"})
    _api(client, "POST", f"{base}/plan/versions/{published['id']}/submit", steer)
    # Four eyes: two members other than the submitter approve (the process asks for two by default).
    _api(client, "POST", f"{base}/plan/versions/{published['id']}/approve", steering2_token)
    _api(client, "POST", f"{base}/plan/versions/{published['id']}/approve", stage.bearer["admin"])
    review = _api(client, "POST", f"{base}/processes/{process.id}/plan/versions", steer, {"label": "Prüfung"})
    # Submitted by neither steering nor admin: each of them may approve it (one approval of two).
    _api(client, "POST", f"{base}/plan/versions/{review['id']}/submit", steering2_token)
    draft = _api(client, "POST", f"{base}/processes/{process.id}/plan/versions", steer, {"label": "Entwurf"})
    content = _api(client, "GET", f"{base}/plan/versions/{review['id']}", steer)["content"]
    section_key = content["sections"][0]["key"]
    comment = _api(client, "POST", f"{base}/plan/versions/{review['id']}/comments", steer,
                   {"section": section_key, "text": "Bitte kürzen"})
    round_ = _api(client, "POST", f"{base}/processes/{process.id}/rounds", steer,
                  {"title": "Runde", "method": "dots", "measure_ids": [proposal.id], "points_per_voter": 3})
    closed_round = _api(client, "POST", f"{base}/processes/{process.id}/rounds", steer,
                        {"title": "Zu", "method": "dots", "measure_ids": [proposal.id], "points_per_voter": 3})
    _api(client, "POST", f"{base}/rounds/{closed_round['id']}/close", steer)
    room_round = _api(client, "POST", f"{base}/processes/{process.id}/rounds", steer,
                      {"title": "Im Raum", "method": "dots", "measure_ids": [proposal.id], "points_per_voter": 3,
                       "session_id": room_workshop.id})
    tally = prioritisation_services.add_tally(db.session.get(PrioritisationRound, room_round["id"]),
                                              {proposal.id: 3}, voters=2, by=w.steering)
    db.session.commit()
    _api(client, "POST", f"{base}/measures/merge", steer, {"source_ids": [merge_source_a.id],
                                                            "target_id": merge_target_a.id})
    # An import batch of moderator A, through the upload page.
    mod_client = app.test_client()
    assert mod_client.post("/login", data={"email": w.moderator_a.email, "password": factories.PASSWORD}
                           ).status_code == 302
    upload = mod_client.post(f"/sessions/{w.session_a.id}/import",
                             data={"file": (io.BytesIO(CSV_SESSION), "liste.csv")},
                             content_type="multipart/form-data")
    assert upload.status_code in (302, 303), f"building the stage: import upload -> {upload.status_code}"
    batch_id = int(urlparse(upload.headers["Location"]).path.rstrip("/").rsplit("/", 1)[1])

    db.session.expire_all()
    chart_keys = [c["key"] for c in content.get("charts") or []] or ["none"]
    membership_a = db.session.scalar(db.select(HubMembership.id).where(HubMembership.organization_id == w.org_a.id))
    membership_b = db.session.scalar(db.select(HubMembership.id).where(HubMembership.organization_id == w.org_b.id))
    company_a_token_id = db.session.scalar(db.select(tokens.ApiToken.id).where(
        tokens.ApiToken.user_id == w.company_a.id, tokens.ApiToken.name == "web"))
    assert company_a_web_token
    session_a = db.session.get(Session, w.session_a.id)
    session_b = db.session.get(Session, w.session_b.id)
    stage.ids = Ids(
        process=process.id, process_version=process.version, hub_a=w.hub_a.id, hub_b=w.hub_b.id, hub_c=hub_c.id,
        other_process=other_process.id, steering_user=w.steering.id, steering_user_2=steering2.id,
        hub_a_version=w.hub_a.version, org_a=w.org_a.id, org_a_version=w.org_a.version, org_b=w.org_b.id,
        org_b_version=w.org_b.version, org_c=org_c.id, person_c=person_c.id,
        partner=w.partner.id, session_a=session_a.id, session_b=session_b.id, kickoff=kickoff.id,
        session_a_version=session_a.version, session_b_version=session_b.version,
        measure_a=w.measure_a.id, measure_b=w.measure_b.id, idea_a2=idea_a2.id, idea_b2=idea_b2.id,
        measure_a_version=w.measure_a.version, measure_b_version=w.measure_b.version,
        merge_source_a=merge_source_a.id, merge_target_a=merge_target_a.id,
        adopted_a=adopted_a.id, adopted_b=adopted_b.id, proposal=proposal.id,
        goal=goal.id, goal_version=db.session.get(GuidingGoal, goal.id).version,
        attendance_a=attendance_a.id, attendance_b=attendance_b.id, action_item_a=item_a.id,
        action_item_b=item_b.id, milestone_a=milestone_a.id, indicator=indicator.id, indicator_a=indicator_a.id,
        import_batch=batch_id, round=round_["id"], closed_round=closed_round["id"], published=published["id"],
        review=review["id"], draft=draft["id"], section_key=section_key, review_comment=comment["id"],
        chart_key=chart_keys[0], membership_a=membership_a, membership_b=membership_b,
        company_a_person=w.company_a.person.id, company_b_person=w.company_b.person.id,
        visitor=visitor.id, visitor_email=visitor.email, registration=registration.id, moderator_a=w.moderator_a.id,
        registration_delegate=approved.delegates[0].id, person_x=person_x.id,
        company_a_token_id=company_a_token_id, mail=mail.id,
        room_workshop=room_workshop.id, room_hub_a=room_hub_a.id, room_round=room_round["id"], tally=tally.id,
        room_code=rooms[room_workshop.id].code, room_code_a=rooms[room_hub_a.id].code,
        ended_room_code=rooms[room_ended.id].code, card_w=cards[room_workshop.id].id,
        card_a=cards[room_hub_a.id].id,
        set_password_token=set_password_token(visitor), feed_token=ical.feed_token(w.company_a),
        answer_token=mail_services.answer_token(invitation),
        unsubscribe_token=mail_services.unsubscribe_token(w.company_a.person, MailKind.ACTION_DIGEST),
    )

    # One logged-in browser per role: log in through the form once and keep the session cookie.
    cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
    for role, user in users.items():
        browser = app.test_client()
        response = browser.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, f"building the stage: login of {role} -> {response.status_code}"
        stage.cookies[role] = browser.get_cookie(cookie_name).value
    db.session.commit()

    database = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    db.session.remove()
    db.engine.dispose()
    _copy(database, snapshot)
    stage.snapshot, stage.database = snapshot, database
    return stage
