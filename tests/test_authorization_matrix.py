"""The authorization matrix: every URL rule of the app, for every role, against a truth table.

A new endpoint that is missing from TABLE fails `test_every_endpoint_is_in_the_table`. Each entry
names its URL arguments (objects of the `world` fixture, hub A unless said otherwise) and, per
method, the roles that may use it. "May" means the answer is neither 401/403 nor a redirect to
the login (nor a 404 for things that are hidden from that role); a POST without data may still
be refused as invalid input (400) — what matters here is the permission check.

Per-object rows (suffix "@B") call the same endpoint with hub B's objects: a moderator of hub A
and a company representative of hub A must not act on them.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests import factories
from tracker.accounts.services import set_password_token
from tracker.api import tokens
from tracker.attendance.models import ImportBatch
from tracker.extensions import db
from tracker.implementation.models import Indicator, Milestone
from tracker.mail import services as mail_services
from tracker.mail.models import MailKind, MailStatus, OutboxMail
from tracker.measures.models import MeasureStatus
from tracker.plan import services as plan
from tracker.plan.models import ReviewComment
from tracker.prioritisation import services as prioritisation
from tracker.prioritisation.models import Method
from tracker.sessions import ical
from tracker.sessions.models import ActionItem, Attendance, AttendanceStatus, Session, SessionKind

pytestmark = pytest.mark.slow  # engine-independent and long: runs once, on SQLite

ROLES = ("anonymous", "company_a", "moderator_a", "steering", "admin")
ALL = set(ROLES)
USERS = {"company_a", "moderator_a", "steering", "admin"}
INTERNAL = {"moderator_a", "steering", "admin"}
STEERING = {"steering", "admin"}
ADMIN = {"admin"}
NOBODY: set[str] = set()
OWN_ORG = {"company_a", *STEERING}  # the organisation's representative, and steering

# endpoint -> (url arguments, {method: roles that may})
TABLE: dict[str, tuple[dict, dict[str, set[str]]]] = {
    "static": ({"filename": "css/app.css"}, {"GET": ALL}),
    "public.home": ({}, {"GET": ALL}),
    "public.landing": ({"process_id": "process"}, {"GET": ALL}),
    "accounts.login": ({}, {"GET": ALL, "POST": ALL}),
    "accounts.logout": ({}, {"POST": USERS}),
    "accounts.language": ({}, {"POST": ALL}),
    "accounts.profile": ({}, {"GET": USERS, "POST": USERS}),
    "accounts.change_password": ({}, {"POST": USERS}),
    "accounts.set_password": ({"token": "set_password_token"}, {"GET": ALL, "POST": ALL}),
    "admin.users": ({}, {"GET": ADMIN}),
    "admin.new_user": ({}, {"GET": ADMIN, "POST": ADMIN}),
    "admin.edit_user": ({"user_id": "company_b_user"}, {"GET": ADMIN, "POST": ADMIN}),
    "admin.set_password_link": ({"user_id": "company_b_user"}, {"POST": ADMIN}),
    "admin.audit": ({}, {"GET": ADMIN}),
    "privacy.my_data": ({}, {"GET": USERS}),
    "privacy.person_data": ({"person_id": "company_b_person"}, {"GET": ADMIN}),
    "privacy.anonymise": ({"person_id": "company_b_person"}, {"POST": ADMIN}),
    "registration.event": ({"session_id": "kickoff"}, {"GET": ALL}),
    "registration.event@B": ({"session_id": "session_b"}, {"GET": NOBODY}),  # workshops are not public events
    "registration.register": ({"process_id": "process"}, {"GET": ALL, "POST": ALL}),
    "registration.pending": ({}, {"GET": ADMIN}),
    "registration.decide": ({"user_id": "company_b_user", "decision": "approve"}, {"POST": ADMIN}),
    "processes.overview": ({"process_id": "process"}, {"GET": USERS}),
    "processes.set_phase": ({"process_id": "process"}, {"POST": STEERING}),
    "organizations.index": ({}, {"GET": USERS}),
    "organizations.show": ({"organization_id": "org_a"}, {"GET": USERS}),
    "organizations.new": ({}, {"GET": INTERNAL, "POST": INTERNAL}),
    "organizations.edit": ({"organization_id": "org_a"}, {"GET": OWN_ORG, "POST": OWN_ORG}),
    "organizations.edit@B": ({"organization_id": "org_b"}, {"GET": STEERING, "POST": STEERING}),
    "hubs.show": ({"hub_id": "hub_a"}, {"GET": USERS}),
    "hubs.new": ({"process_id": "process"}, {"GET": STEERING, "POST": STEERING}),
    "hubs.edit": ({"hub_id": "hub_a"}, {"GET": STEERING, "POST": STEERING}),
    "hubs.choose": ({"process_id": "process"}, {"GET": USERS, "POST": USERS}),
    "hubs.add_member": ({"hub_id": "hub_a"}, {"GET": INTERNAL, "POST": INTERNAL}),
    "hubs.add_member@B": ({"hub_id": "hub_b"}, {"GET": STEERING, "POST": STEERING}),
    "hubs.remove_delegate": ({"hub_id": "hub_a", "membership_id": "membership_a", "person_id": "company_a_person"},
                             {"POST": INTERNAL}),
    "goals.index": ({"process_id": "process"}, {"GET": USERS, "POST": STEERING}),
    "goals.show": ({"goal_id": "goal"}, {"GET": USERS}),
    "goals.edit": ({"goal_id": "goal"}, {"GET": STEERING, "POST": STEERING}),
    "goals.move": ({"goal_id": "goal"}, {"POST": STEERING}),
    "sessions.year": ({"process_id": "process"}, {"GET": USERS}),
    "sessions.show": ({"session_id": "session_a"}, {"GET": USERS}),
    "sessions.show@B": ({"session_id": "session_b"}, {"GET": INTERNAL}),
    "sessions.new": ({"process_id": "process"}, {"GET": INTERNAL, "POST": INTERNAL}),
    "sessions.edit": ({"session_id": "session_a"}, {"GET": INTERNAL, "POST": INTERNAL}),
    "sessions.edit@B": ({"session_id": "session_b"}, {"GET": STEERING, "POST": STEERING}),
    "sessions.set_status": ({"session_id": "session_a"}, {"POST": INTERNAL}),
    "sessions.set_status@B": ({"session_id": "session_b"}, {"POST": STEERING}),
    "sessions.minutes": ({"session_id": "session_a"}, {"GET": INTERNAL, "POST": INTERNAL}),
    "sessions.minutes@B": ({"session_id": "session_b"}, {"GET": STEERING, "POST": STEERING}),
    "sessions.approve_minutes": ({"session_id": "session_a"}, {"POST": INTERNAL}),
    "sessions.revisions": ({"session_id": "session_a"}, {"GET": INTERNAL}),
    "sessions.add_action_item": ({"session_id": "session_a"}, {"POST": INTERNAL}),
    "sessions.toggle_action_item": ({"item_id": "action_item"}, {"POST": INTERNAL | {"company_a"}}),  # owner
    "sessions.my_action_items": ({}, {"GET": USERS}),
    "sessions.capture_idea": ({"session_id": "session_a"}, {"POST": INTERNAL}),
    "sessions.capture_idea@B": ({"session_id": "session_b"}, {"POST": STEERING}),
    "sessions.public_feed": ({"process_id": "process"}, {"GET": ALL}),
    "sessions.process_feed": ({"process_id": "process", "token": "feed_token"}, {"GET": ALL}),
    "sessions.hub_feed": ({"hub_id": "hub_a", "token": "feed_token"}, {"GET": ALL}),
    "attendance.roll_call": ({"session_id": "session_a"}, {"GET": INTERNAL}),
    "attendance.roll_call@B": ({"session_id": "session_b"}, {"GET": STEERING}),
    "attendance.save_roll_call": ({"session_id": "session_a"}, {"POST": INTERNAL}),
    "attendance.set_status": ({"session_id": "session_a", "attendance_id": "attendance"}, {"POST": INTERNAL}),
    "attendance.invite": ({"session_id": "session_a"}, {"POST": INTERNAL}),
    "attendance.invite@B": ({"session_id": "session_b"}, {"POST": STEERING}),
    "attendance.walk_in": ({"session_id": "session_a"}, {"POST": INTERNAL}),
    "attendance.sign_in_sheet": ({"session_id": "session_a"}, {"GET": INTERNAL}),
    "attendance.export_session": ({"session_id": "session_a", "fmt": "csv"}, {"GET": INTERNAL}),
    "attendance.export_process": ({"process_id": "process", "fmt": "csv"}, {"GET": INTERNAL}),
    "attendance.process_figures": ({"process_id": "process"}, {"GET": INTERNAL}),
    "attendance.hub_figures": ({"hub_id": "hub_a"}, {"GET": INTERNAL}),
    "attendance.import_for_session": ({"session_id": "session_a"}, {"GET": INTERNAL, "POST": INTERNAL}),
    "attendance.import_for_hub": ({"hub_id": "hub_a"}, {"GET": INTERNAL, "POST": INTERNAL}),
    "attendance.import_for_hub@B": ({"hub_id": "hub_b"}, {"GET": STEERING, "POST": STEERING}),
    "attendance.preview_import": ({"batch_id": "import_batch"}, {"GET": {"moderator_a"}}),  # only the uploader
    "attendance.confirm_import": ({"batch_id": "import_batch"}, {"POST": {"moderator_a"}}),
    "measures.index": ({"process_id": "process"}, {"GET": USERS}),
    "measures.export": ({"process_id": "process", "fmt": "csv"}, {"GET": USERS}),
    "measures.new": ({"process_id": "process"}, {"GET": USERS, "POST": USERS}),
    "measures.show": ({"measure_id": "measure_a"}, {"GET": USERS}),
    "measures.edit": ({"measure_id": "measure_a"}, {"GET": INTERNAL | {"company_a"}, "POST": INTERNAL | {"company_a"}}),
    "measures.edit@B": ({"measure_id": "measure_b"}, {"GET": STEERING, "POST": STEERING}),
    "measures.transition": ({"measure_id": "measure_a"}, {"POST": USERS}),  # the workflow decides per step
    "measures.focus": ({"measure_id": "measure_a"}, {"POST": STEERING}),
    "measures.comment": ({"measure_id": "measure_a"}, {"POST": USERS}),
    "measures.support": ({"measure_id": "measure_a"}, {"POST": USERS}),
    "measures.merge": ({"process_id": "process"}, {"POST": USERS}),  # no ideas ticked: refused as input
    "measures.unmerge": ({"measure_id": "measure_a"}, {"POST": USERS}),  # not merged: refused as input
    "measures.lineage": ({"measure_id": "measure_a"}, {"GET": USERS}),
    "measures.duplicates": ({"process_id": "process"}, {"GET": INTERNAL}),
    "implementation.overview": ({"process_id": "process"}, {"GET": USERS}),
    "implementation.report": ({"measure_id": "adopted"}, {"POST": STEERING}),
    "implementation.add_milestone": ({"measure_id": "adopted"}, {"POST": STEERING}),
    "implementation.milestone_done": ({"milestone_id": "milestone"}, {"POST": STEERING}),
    "implementation.add_indicator": ({"measure_id": "adopted"}, {"POST": STEERING}),
    "implementation.add_process_indicator": ({"process_id": "process"}, {"POST": STEERING}),
    "implementation.add_value": ({"indicator_id": "indicator"}, {"POST": STEERING}),
    "prioritisation.index": ({"process_id": "process"}, {"GET": USERS, "POST": STEERING}),
    "prioritisation.show": ({"round_id": "round"}, {"GET": USERS, "POST": USERS}),
    "prioritisation.close": ({"round_id": "round"}, {"POST": STEERING}),
    "prioritisation.prioritise": ({"round_id": "round"}, {"POST": STEERING}),
    "prioritisation.export": ({"round_id": "closed_round", "fmt": "csv"}, {"GET": USERS}),
    "charts.start": ({}, {"GET": USERS}),
    "charts.process_dashboard": ({"process_id": "process"}, {"GET": INTERNAL}),
    "charts.hub_dashboard": ({"hub_id": "hub_a"}, {"GET": USERS}),
    "charts.hub_dashboard@B": ({"hub_id": "hub_b"}, {"GET": STEERING}),
    "charts.public_progress": ({"process_id": "process"}, {"GET": ALL}),
    "charts.chart_data": ({"process_id": "process", "key": "traffic-lights"}, {"GET": ALL}),
    "charts.chart_data@B": ({"process_id": "process", "key": "working-hours"}, {"GET": INTERNAL}),
    "mail.answer": ({"token": "answer_token", "answer": "excused"}, {"GET": ALL, "POST": ALL}),
    "mail.unsubscribe": ({"token": "unsubscribe_token"}, {"GET": ALL, "POST": ALL}),
    "mail.preferences": ({}, {"GET": USERS, "POST": USERS}),
    "mail.outbox": ({}, {"GET": ADMIN}),
    "mail.show_mail": ({"mail_id": "mail"}, {"GET": ADMIN}),
    "mail.retry": ({"mail_id": "mail"}, {"POST": ADMIN}),
    "plan.draft": ({"process_id": "process"}, {"GET": INTERNAL}),
    "plan.interim": ({"process_id": "process"}, {"GET": INTERNAL}),
    "plan.edit_foreword": ({"process_id": "process"}, {"GET": STEERING, "POST": STEERING}),
    "plan.edit_goal": ({"goal_id": "goal"}, {"GET": STEERING, "POST": STEERING}),
    "plan.freeze": ({"process_id": "process"}, {"POST": STEERING}),
    "plan.versions": ({"process_id": "process"}, {"GET": INTERNAL}),
    "plan.version": ({"version_id": "version"}, {"GET": INTERNAL}),
    "plan.export_status": ({"version_id": "version", "fmt": "pdf"}, {"GET": INTERNAL}),
    "plan.chart_image": ({"version_id": "version", "key": "chart_key"}, {"GET": INTERNAL}),
    "plan.submit": ({"version_id": "version"}, {"POST": STEERING}),
    "plan.approve": ({"version_id": "version"}, {"POST": STEERING}),
    "plan.comment": ({"version_id": "version"}, {"POST": STEERING}),
    "plan.resolve": ({"comment_id": "review_comment"}, {"POST": STEERING}),
    "plan.compare": ({"process_id": "process", "a": "published", "b": "version"}, {"GET": INTERNAL}),
    "plan.start_update": ({"version_id": "version"}, {"POST": STEERING}),
    "plan.public": ({"process_id": "process"}, {"GET": ALL}),
    "plan.public_chart": ({"process_id": "process", "key": "chart_key"}, {"GET": ALL}),
    "api_tokens.docs": ({}, {"GET": ALL}),
    "api_tokens.token_list": ({}, {"GET": USERS, "POST": USERS}),
    "api_tokens.revoke_token": ({"token_id": "company_a_token"}, {"POST": {"company_a"}}),
    # The JSON API: anonymous means no token; the others send their own bearer token.
    "api.openapi": ({}, {"GET": ALL}),
    "api.list_processes": ({}, {"GET": USERS}),
    "api.create_process": ({}, {"POST": USERS}),
    "api.process_stats": ({"process_id": "process"}, {"GET": USERS}),
    "api.list_hubs": ({"process_id": "process"}, {"GET": USERS}),
    "api.create_hub": ({"process_id": "process"}, {"POST": USERS}),
    "api.add_member": ({"hub_id": "hub_a"}, {"POST": USERS}),  # who may depends on the organisation sent
    "api.move_organization": ({"organization_id": "org_a"}, {"POST": USERS}),
    "api.list_organizations": ({}, {"GET": USERS}),
    "api.create_organization": ({}, {"POST": USERS}),  # body checked first; permission after validation
    "api.list_people": ({}, {"GET": USERS}),
    "api.create_person": ({}, {"POST": USERS}),
    "api.list_goals": ({"process_id": "process"}, {"GET": USERS}),
    "api.create_goal": ({"process_id": "process"}, {"POST": USERS}),
    "api.list_sessions": ({"process_id": "process"}, {"GET": USERS}),
    "api.create_session": ({"process_id": "process"}, {"POST": USERS}),
    "api.get_session": ({"session_id": "session_a"}, {"GET": USERS}),
    "api.get_session@B": ({"session_id": "session_b"}, {"GET": INTERNAL}),
    "api.patch_session": ({"session_id": "session_a"}, {"PATCH": USERS}),
    "api.get_attendance": ({"session_id": "session_a"}, {"GET": INTERNAL}),
    "api.get_attendance@B": ({"session_id": "session_b"}, {"GET": STEERING}),
    "api.put_attendance": ({"session_id": "session_a"}, {"PUT": USERS}),
    "api.list_measures": ({"process_id": "process"}, {"GET": USERS}),
    "api.create_measure": ({"process_id": "process"}, {"POST": USERS}),
    "api.get_measure": ({"measure_id": "measure_a"}, {"GET": USERS}),
    "api.patch_measure": ({"measure_id": "measure_a"}, {"PATCH": USERS}),
    "api.transition_measure": ({"measure_id": "measure_a"}, {"POST": USERS}),
    "api.merge_measures": ({}, {"POST": USERS}),
    "api.unmerge_measure": ({"measure_id": "measure_a"}, {"POST": USERS}),
    "api.report_progress": ({"measure_id": "adopted"}, {"POST": USERS}),
    "api.list_rounds": ({"process_id": "process"}, {"GET": USERS}),
    "api.create_round": ({"process_id": "process"}, {"POST": USERS}),
    "api.vote": ({"round_id": "round"}, {"POST": USERS}),
    "api.close": ({"round_id": "round"}, {"POST": STEERING}),
    "api.plan_draft": ({"process_id": "process"}, {"GET": INTERNAL}),
    "api.freeze_version": ({"process_id": "process"}, {"POST": USERS}),
    "api.get_version": ({"version_id": "version"}, {"GET": INTERNAL}),
    "api.submit_version": ({"version_id": "version"}, {"POST": STEERING}),
    "api.approve_version": ({"version_id": "version"}, {"POST": STEERING}),
    "api.list_comments": ({"version_id": "version"}, {"GET": STEERING}),
    "api.add_comment": ({"version_id": "version"}, {"POST": USERS}),
}
# API endpoints whose body is validated before the permission check: an empty body is a 400 for
# everyone with a token, so the table can only say "authenticated"; their permission tests are in
# tests/api/.


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def objects(world, monkeypatch):
    """Everything the URLs of the table refer to (chart images are stand-ins: no browser needed here)."""
    from tracker.plan import charts

    monkeypatch.setattr(charts, "render", lambda chart_list: {c["key"]: PNG for c in chart_list})
    process = world.process
    goal = factories.goal(process, number=1, title="Leitziel")
    adopted = factories.measure(process, world.hub_a, title="Beschlossen", status=MeasureStatus.ADOPTED,
                                primary_goal=goal)
    proposal = factories.measure(process, world.hub_a, title="Vorschlag", status=MeasureStatus.PROPOSAL)
    kickoff = Session(process=process, kind=SessionKind.KICKOFF, title="Auftakt",
                      starts_at=datetime(2018, 9, 26, 16), ends_at=datetime(2018, 9, 26, 18))
    db.session.add(kickoff)
    attendance = Attendance(session=world.session_a, person=world.company_a.person, status=AttendanceStatus.INVITED)
    item = ActionItem(session=world.session_a, text="Liste schicken", owner=world.company_a.person)
    milestone = Milestone(measure=adopted, title="Start")
    indicator = Indicator(process_id=process.id, name="Arbeitsplätze")
    db.session.add_all([attendance, item, milestone, indicator])
    db.session.flush()
    batch = ImportBatch(session_id=world.session_a.id, rows=[], created_by_id=world.moderator_a.id)
    db.session.add(batch)
    round_ = prioritisation.open_round(process, title="Runde", method=Method.DOTS, measures=[proposal],
                                       points_per_voter=3, by=world.steering)
    closed_round = prioritisation.open_round(process, title="Zu", method=Method.DOTS, measures=[proposal],
                                             points_per_voter=3, by=world.steering)
    prioritisation.close_round(closed_round, by=world.steering)
    published = plan.freeze(process, "Beschluss", by=world.steering)
    plan.submit(published, by=world.steering)
    plan.approve(published, by=world.steering)
    version = plan.freeze(process, "Entwurf", by=world.steering)
    plan.submit(version, by=world.steering)
    comment = ReviewComment(plan_version=version, section_key=version.content["sections"][0]["key"],
                            text="Bitte kürzen", author=world.steering)
    db.session.add(comment)
    membership = next(m for m in world.hub_a.memberships if m.organization_id == world.org_a.id)
    company_a_token = tokens.create_token(world.company_a, "matrix")
    mail = OutboxMail(kind=MailKind.INVITATION, dedup_key="matrix", to_address="a@example.org", subject="Einladung",
                      body_text="Hallo", body_html="<p>Hallo</p>", status=MailStatus.FAILED)
    db.session.add(mail)
    db.session.commit()
    charts = version.content.get("charts") or [{"key": "none"}]
    return {
        "process": process.id, "hub_a": world.hub_a.id, "hub_b": world.hub_b.id,
        "org_a": world.org_a.id, "org_b": world.org_b.id,
        "session_a": world.session_a.id, "session_b": world.session_b.id, "kickoff": kickoff.id,
        "measure_a": world.measure_a.id, "measure_b": world.measure_b.id, "adopted": adopted.id, "goal": goal.id,
        "attendance": attendance.id, "action_item": item.id, "milestone": milestone.id, "indicator": indicator.id,
        "import_batch": batch.id, "round": round_.id, "closed_round": closed_round.id, "version": version.id,
        "published": published.id,
        "review_comment": comment.id, "membership_a": membership.id, "company_a_person": world.company_a.person.id,
        "company_b_user": world.company_b.id, "company_b_person": world.company_b.person.id,
        "company_a_token": db.session.scalar(db.select(tokens.ApiToken.id).where(
            tokens.ApiToken.user_id == world.company_a.id)),
        "set_password_token": set_password_token(world.company_b), "feed_token": ical.feed_token(world.company_a),
        "chart_key": charts[0]["key"], "mail": mail.id, "answer_token": mail_services.answer_token(attendance),
        "unsubscribe_token": mail_services.unsubscribe_token(world.company_a.person, MailKind.ACTION_DIGEST),
        "_company_a_bearer": company_a_token,
    }


def _url(app, endpoint: str, args: dict, objects: dict) -> str:
    values = {name: objects.get(value, value) if isinstance(value, str) else value for name, value in args.items()}
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint.split("@")[0], **values)


def _allowed(response, role: str) -> bool:
    if response.status_code in (401, 403, 404):
        return False
    return not (response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""))


def test_every_endpoint_is_in_the_table(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - {key.split("@")[0] for key in TABLE})
    assert missing == [], f"add these endpoints to the authorization matrix: {missing}"
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        assert methods <= set(TABLE[rule.endpoint][1]), (rule.endpoint, methods)


@pytest.mark.parametrize("key", sorted(TABLE))
def test_authorization_matrix(app, world, objects, key):
    args, methods = TABLE[key]
    url = _url(app, key, args, objects)
    headers_for = {}
    for role in ROLES:
        if role != "anonymous":
            token = objects["_company_a_bearer"] if role == "company_a" else tokens.create_token(getattr(world, role),
                                                                                                "matrix")
            headers_for[role] = {"Authorization": f"Bearer {token}"}
    db.session.commit()
    is_api = key.startswith("api.")
    for method, allowed in methods.items():
        for role in ROLES:
            client = app.test_client()
            if role != "anonymous" and not is_api:
                user = getattr(world, role)
                assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}
                                   ).status_code == 302
            headers = headers_for.get(role, {}) if is_api else {}
            response = client.open(url, method=method, headers=headers,
                                   **({"json": {}} if is_api and method != "GET" else {}))
            allowed_here = _allowed(response, role)
            response.close()
            assert allowed_here == (role in allowed), \
                f"{method} {url} as {role}: {response.status_code} {response.headers.get('Location', '')}"
