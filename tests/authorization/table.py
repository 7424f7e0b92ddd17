"""Who may do what, per URL: the truth table of the authorization matrix.

The expected sets come from the design (/work/shared/DESIGN.md, "Who uses it" and the workflow table)
and issue 15 item 1 — not from what the code happens to do:

- admin: everything (always at least what steering may);
- steering: decides on measures (adopt, reject, focus flag, responsible and partner organisations),
  opens and closes rounds, runs hub-less sessions, shapes the plan;
- a hub's moderator: manages their hub — sessions, minutes, attendance, action items, ideas raised in
  sessions (any member organisation of the hub as proposer), responsible and partner organisations of
  their hub's measures, consolidation of their hub's ideas — and nothing of another hub;
- a company representative: joins one hub per process for their organisation, proposes in it (always
  for their own organisation), edits their own idea, comments, supports, votes; reports progress where
  their organisation is responsible; never sets responsible/partner organisations or the focus flag;
- anonymous: public pages, registration, token links.

Each row names its URL arguments (names of the stage's objects, tests/authorization/stage.py, or
literals) and, for a write, a VALID body: one the allowed roles succeed with. `allowed` is the exact set
of roles that succeed with that body. `access` (default: `allowed`) is who passes the check on the
route's object, made before the body is read: every other role gets 403 (401 without login) even for an
empty body. Roles in `access` but not in `allowed` are refused because of what the body names (an
organisation, a hub, a field only others may set): `body_refusal` says with which status (403 by
default; 400 where the body is invalid for everyone).

Row keys are "endpoint" or "endpoint@variant"; "@B" rows act on hub B's objects.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.factories import PASSWORD

A, CA, CB, MA, MB, S, AD = "anonymous", "company_a", "company_b", "moderator_a", "moderator_b", "steering", "admin"
ALL = frozenset({A, CA, CB, MA, MB, S, AD})
USERS = ALL - {A}
STEER = frozenset({S, AD})
ADMIN = frozenset({AD})
INTERNAL = frozenset({MA, MB, S, AD})  # partners who see the whole process
HUB_A = frozenset({MA, S, AD})  # who manages hub A (its moderator, steering, admin)
HUB_B = frozenset({MB, S, AD})
OF_A = frozenset({CA}) | HUB_A  # hub A's company representative too
OF_B = frozenset({CB}) | HUB_B
NOBODY: frozenset[str] = frozenset()
# A web form offers only the hubs one may use: another hub's id is not a valid choice (400) — or refused (403).
CHOICES = frozenset({400, 403})

Body = Callable[[Any], Any] | None


@dataclass(frozen=True)
class Row:
    key: str
    method: str
    args: dict[str, Any]
    allowed: frozenset[str]
    body: Body = None
    access: frozenset[str] | None = None
    body_refusal: frozenset[int] = frozenset({403})
    refusal: frozenset[int] = frozenset({403})  # for roles outside `access` (404 where an object is hidden)
    note: str = ""

    @property
    def endpoint(self) -> str:
        return self.key.split("@")[0]

    @property
    def is_api(self) -> bool:
        return self.endpoint.startswith("api.")

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    @property
    def may_pass_access(self) -> frozenset[str]:
        return self.allowed if self.access is None else self.access

    @property
    def id(self) -> str:
        return f"{self.key}:{self.method}"


ROWS: list[Row] = []


def row(key: str, method: str, args: dict, allowed, body: Body = None, **options) -> None:
    ROWS.append(Row(key, method, args, frozenset(allowed), body,
                    **{k: frozenset(v) if k in {"access", "body_refusal", "refusal"} else v
                       for k, v in options.items()}))


def get(key: str, args: dict, allowed, **options) -> None:
    row(key, "GET", args, allowed, **options)


P = {"process_id": "process"}
SA, SB = {"session_id": "session_a"}, {"session_id": "session_b"}
MEA, MEB = {"measure_id": "measure_a"}, {"measure_id": "measure_b"}
CSV_SESSION = b"Name;E-Mail\nWilma Liste;wilma.liste@example.org\n"
CSV_HUB = b"Name;E-Mail;Organisation\nHanna Hub;hanna.hub@example.org;Gamma GmbH\n"


def csv(data: bytes):
    return lambda o: {"file": (io.BytesIO(data), "liste.csv")}


# --- public, accounts, admin -----------------------------------------------------------------------
get("static", {"filename": "css/app.css"}, ALL)
get("public.home", {}, ALL)
get("public.landing", P, ALL)
get("public.ideas", P, ALL, note="issue 17 item 6: what became of the ideas, counts only")
get("accounts.login", {}, ALL)
row("accounts.login", "POST", {}, ALL, lambda o: {"email": o.visitor_email, "password": PASSWORD})
row("accounts.logout", "POST", {}, USERS, lambda o: {})
row("accounts.logout_everywhere", "POST", {}, USERS, lambda o: {})
row("accounts.language", "POST", {}, ALL, lambda o: {"locale": "en", "next": "/"})
get("accounts.profile", {}, USERS)
row("accounts.profile", "POST", {}, USERS, lambda o: {"name": "Neuer Name", "locale": "de"})
row("accounts.change_password", "POST", {}, USERS,
    lambda o: {"pw-current_password": PASSWORD, "pw-password": "Neues-Passwort-456",
               "pw-confirm": "Neues-Passwort-456"})
get("accounts.forgot_password", {}, ALL)
row("accounts.forgot_password", "POST", {}, ALL, lambda o: {"email": o.visitor_email},
    note="the same neutral answer for every address; a mail only for an active account")
get("accounts.set_password", {"token": "set_password_token"}, ALL)
row("accounts.set_password", "POST", {"token": "set_password_token"}, ALL,
    lambda o: {"password": "Neues-Passwort-456", "confirm": "Neues-Passwort-456"})
get("admin.users", {}, ADMIN)
get("admin.new_user", {}, ADMIN)
row("admin.new_user", "POST", {}, ADMIN,
    lambda o: {"name": "Nina Neu", "email": "nina.neu@example.org", "organization_id": 0, "role": "company",
               "is_active": "y"})
get("admin.edit_user", {"user_id": "visitor"}, ADMIN)
row("admin.edit_user", "POST", {"user_id": "visitor"}, ADMIN,
    lambda o: {"name": "Vera Visitor", "email": o.visitor_email, "organization_id": o.org_c, "role": "company",
               "is_active": "y"})
row("admin.set_password_link", "POST", {"user_id": "visitor"}, ADMIN, lambda o: {})
get("admin.audit", {}, ADMIN)
get("privacy.my_data", {}, USERS)
get("privacy.person_data", {"person_id": "person_x"}, ADMIN)
get("privacy.people", {}, ADMIN)
get("privacy.person", {"person_id": "person_x"}, ADMIN)
get("privacy.confirm_anonymise", {"person_id": "person_x"}, ADMIN)
row("privacy.anonymise", "POST", {"person_id": "person_x"}, ADMIN, lambda o: {"confirm": "y"})
get("registration.event", {"session_id": "kickoff"}, ALL)
get("registration.event@B", {"session_id": "session_b"}, NOBODY, note="workshops are no public events")
get("registration.register", P, ALL)
row("registration.register", "POST", P, ALL,
    lambda o: {"name": "Rita Registrant", "email": "rita@example.org", "organization_name": "Registrant GmbH",
               "organization_type": "company", "hub_id": o.hub_a, "consent_contact": "y"})
get("registration.pending", {}, ADMIN)
get("registration.decided", {}, ADMIN)
REGISTRATION = {"request_id": "registration"}
get("registration.show", REGISTRATION, ADMIN)
row("registration.decide", "POST", REGISTRATION | {"decision": "approve"}, ADMIN,
    lambda o: {"organization_id": "new", "consents_to_be_named": ""},
    note="issue 16 finding 1: a registration changes nothing until an administrator approves it")
row("registration.decide@reject", "POST", REGISTRATION | {"decision": "reject"}, ADMIN,
    lambda o: {"reason": "Kein Unternehmen aus der Stadt"})
get("registration.pending@approved", {"status": "approved"}, ADMIN)
row("registration.invite_delegate", "POST", {"delegate_id": "registration_delegate"}, ADMIN, lambda o: {},
    note="issue 17: further delegates of an approved registration get an account only when an admin invites them")

# --- processes, organisations, hubs, goals -----------------------------------------------------------
get("processes.overview", P, USERS)
row("processes.set_phase", "POST", P, STEER, lambda o: {"phase": "consolidation"})
get("processes.new", {}, ADMIN)
row("processes.new", "POST", {}, ADMIN,
    lambda o: {"name": "Masterplan Essen", "city": "Essen", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
               "plan_language": "de"},
    note="design: admins manage processes")
get("processes.edit", P, STEER)
row("processes.edit", "POST", P, STEER,
    lambda o: {"name": "Masterplan neu", "city": "Oberhausen", "starts_on": "2018-09-01", "ends_on": "2019-12-31",
               "contact_name": "Petra Prozess", "plan_language": "en", "partner_ids": [o.partner],
               "version": o.process_version},
    note="issue 17 item 1: the process's steering group edits its set-up")
row("processes.set_approvals_needed", "POST", P, ADMIN, lambda o: {"approvals_needed": "3"},
    note="four eyes binds the steering group; administrators set it")
get("processes.steering", P, STEER)
row("processes.steering", "POST", P, STEER, lambda o: {"user_ids": [o.steering_user, o.steering_user_2]},
    note="issue 17 item 2: administrators and the process's own steering group choose its steering group")
row("processes.choose", "POST", {}, USERS, lambda o: {"process_id": o.process},
    note="the process switcher: a preference of the browser session, for a process one holds a role in")
get("organizations.index", {}, USERS)
get("organizations.show", {"organization_id": "org_a"}, USERS)
get("organizations.new", {}, INTERNAL)
row("organizations.new", "POST", {}, INTERNAL, lambda o: {"name": "Delta GmbH", "type": "company", "size_class": ""})
ORG_A, ORG_B = {"organization_id": "org_a"}, {"organization_id": "org_b"}


def _org(name):
    return lambda o: {"name": name, "type": "company", "size_class": "", "sector": "Handel"}


get("organizations.edit", ORG_A, {CA} | STEER)
row("organizations.edit", "POST", ORG_A, {CA} | STEER, _org("Alpha GmbH"))
get("organizations.edit@B", ORG_B, {CB} | STEER)
row("organizations.edit@B", "POST", ORG_B, {CB} | STEER, _org("Beta GmbH"))
get("hubs.show", {"hub_id": "hub_a"}, USERS)
get("hubs.new", P, STEER)
row("hubs.new", "POST", P, STEER, lambda o: {"name": "Hub Neu", "short_name": "N", "colour": "#3b6ea5", "position": 4})
get("hubs.edit", {"hub_id": "hub_a"}, STEER)
row("hubs.edit", "POST", {"hub_id": "hub_a"}, STEER,
    lambda o: {"name": "Hub A", "short_name": "A", "colour": "#3b6ea5", "position": 1, "version": o.hub_a_version})
# Joining a hub is the company representative's step for their own organisation (admins may do anything).
get("hubs.choose", P, {CA, CB, AD})
row("hubs.choose", "POST", P, {CA, CB, AD}, lambda o: {"hub_id": o.hub_c},
    note="design: a company representative joins one hub for their organisation; partners are no hub members")


def _member(o):
    return {"organization_id": o.org_c, "new_organization_type": "company"}


get("hubs.add_member", {"hub_id": "hub_a"}, HUB_A)
row("hubs.add_member", "POST", {"hub_id": "hub_a"}, HUB_A, _member)
get("hubs.add_member@B", {"hub_id": "hub_b"}, HUB_B)
row("hubs.add_member@B", "POST", {"hub_id": "hub_b"}, HUB_B, _member)
row("hubs.remove_delegate", "POST", {"hub_id": "hub_a", "membership_id": "membership_a",
                                     "person_id": "company_a_person"}, HUB_A, lambda o: {})
row("hubs.remove_delegate@B", "POST", {"hub_id": "hub_b", "membership_id": "membership_b",
                                       "person_id": "company_b_person"}, HUB_B, lambda o: {})
get("goals.index", P, USERS)
row("goals.index", "POST", P, STEER, lambda o: {"title": "Neues Leitziel"})
get("goals.show", {"goal_id": "goal"}, USERS)
get("goals.edit", {"goal_id": "goal"}, STEER)
row("goals.edit", "POST", {"goal_id": "goal"}, STEER, lambda o: {"title": "Leitziel", "version": o.goal_version})
row("goals.move", "POST", {"goal_id": "goal"}, STEER, lambda o: {"direction": "down"})

# --- sessions, minutes, action items, ideas ------------------------------------------------------------
get("sessions.year", P, USERS)
get("sessions.show", SA, {CA} | INTERNAL)
get("sessions.show@B", SB, {CB} | INTERNAL)
get("sessions.new", P, INTERNAL)


def _new_session(hub_key, kind="workshop"):
    return lambda o: {"kind": kind, "hub_id": o[hub_key] if hub_key else 0, "title": "Neue Sitzung",
                      "starts_at": "2018-11-20T16:00", "ends_at": "2018-11-20T18:00", "confirm_warnings": "y"}


row("sessions.new", "POST", P, HUB_A, _new_session("hub_a"), access=INTERNAL, body_refusal=CHOICES)
row("sessions.new@B", "POST", P, HUB_B, _new_session("hub_b"), access=INTERNAL, body_refusal=CHOICES)
row("sessions.new@plenary", "POST", P, STEER, _new_session(None, "plenary"), access=INTERNAL, body_refusal=CHOICES,
    note="design: hub-less sessions (plenary, prioritisation) are run by steering")


def _edit_session(letter):
    return lambda o: {"kind": "workshop", "hub_id": o[f"hub_{letter}"], "title": f"Workshop {letter.upper()}1",
                      "starts_at": "2018-10-17T16:30", "ends_at": "2018-10-17T18:30",
                      "version": o[f"session_{letter}_version"], "confirm_warnings": "y"}


for letter, args, managers in (("a", SA, HUB_A), ("b", SB, HUB_B)):
    suffix = "" if letter == "a" else "@B"
    get(f"sessions.edit{suffix}", args, managers)
    row(f"sessions.edit{suffix}", "POST", args, managers, _edit_session(letter))
    row(f"sessions.set_status{suffix}", "POST", args, managers, lambda o: {"status": "cancelled"})
    get(f"sessions.minutes{suffix}", args, managers)
    row(f"sessions.minutes{suffix}", "POST", args, managers,
        lambda o, letter=letter: {"text": "Protokoll", "version": o[f"session_{letter}_version"], "save": "1"})
    row(f"sessions.approve_minutes{suffix}", "POST", args, managers, lambda o: {})
    get(f"sessions.revisions{suffix}", args, managers)
    row(f"sessions.add_action_item{suffix}", "POST", args, managers,
        lambda o: {"item-text": "Nachfassen", "item-owner_id": 0})
    row(f"sessions.capture_idea{suffix}", "POST", args, managers,
        lambda o, letter=letter: {"idea-title": "Idee aus dem Raum", "idea-organization_id": o[f"org_{letter}"]},
        note="moderators record ideas for any member organisation of their hub")
    get(f"attendance.roll_call{suffix}", args, managers)
    row(f"attendance.save_roll_call{suffix}", "POST", args, managers,
        lambda o, letter=letter: {f"status-{o[f'attendance_{letter}']}": "attended"})
    row(f"attendance.set_status{suffix}", "POST", {**args, "attendance_id": f"attendance_{letter}"}, managers,
        lambda o: {"status": "attended"})
    row(f"attendance.invite{suffix}", "POST", args, managers, lambda o: {})
    row(f"attendance.walk_in{suffix}", "POST", args, managers,
        lambda o: {"name": "Walter Walk-in", "email": "walter@example.org", "organization_id": "",
                   "new_organization": "", "new_organization_type": "company"})
    get(f"attendance.sign_in_sheet{suffix}", args, managers)
    get(f"attendance.export_session{suffix}", {**args, "fmt": "csv"}, managers)
    get(f"attendance.import_for_session{suffix}", args, managers)
    row(f"attendance.import_for_session{suffix}", "POST", args, managers, csv(CSV_SESSION))
    get(f"attendance.import_for_hub{suffix}", {"hub_id": f"hub_{letter}"}, managers)
    row(f"attendance.import_for_hub{suffix}", "POST", {"hub_id": f"hub_{letter}"}, managers, csv(CSV_HUB))

row("sessions.toggle_action_item", "POST", {"item_id": "action_item_a"}, {CA} | HUB_A, lambda o: {"done": "1"},
    note="the action item's owner, and who manages the session")
row("sessions.toggle_action_item@B", "POST", {"item_id": "action_item_b"}, {CB} | HUB_B, lambda o: {"done": "1"})
get("sessions.my_action_items", {}, USERS)
get("sessions.public_feed", P, ALL)
get("sessions.process_feed", {"process_id": "process", "token": "feed_token"}, ALL)
get("sessions.hub_feed", {"hub_id": "hub_a", "token": "feed_token"}, ALL)
get("attendance.export_process", {"process_id": "process", "fmt": "csv"}, INTERNAL)
get("attendance.process_figures", P, INTERNAL)
get("attendance.hub_figures", {"hub_id": "hub_a"}, INTERNAL)
get("attendance.preview_import", {"batch_id": "import_batch"}, {MA}, note="only the uploader sees a batch")
get("attendance.import_status", {"batch_id": "import_batch"}, {MA}, note="only the uploader follows its import")
row("attendance.confirm_import", "POST", {"batch_id": "import_batch"}, {MA}, lambda o: {}, refusal={403, 404},
    note="only the uploader; to others the batch does not exist (404)")

# --- measures ----------------------------------------------------------------------------------------------
get("measures.index", P, USERS)
get("measures.export", {"process_id": "process", "fmt": "csv"}, USERS)
get("measures.new", P, USERS)


def _new_measure(hub_key, **extra):
    return lambda o: {"hub_id": o[hub_key], "title": "Neue Idee", "primary_goal_id": 0, "horizon": "",
                      **{k: v(o) if callable(v) else v for k, v in extra.items()}}


row("measures.new", "POST", P, OF_A, _new_measure("hub_a"), access=USERS, body_refusal=CHOICES,
    note="proposals in the organisation's own hub (companies) or the hubs one runs")
row("measures.new@B", "POST", P, OF_B, _new_measure("hub_b"), access=USERS, body_refusal=CHOICES)
row("measures.new@responsible", "POST", P, HUB_A,
    _new_measure("hub_a", responsible_organization_ids=lambda o: [o.org_a]), access=USERS, body_refusal=CHOICES,
    note="issue 15: responsible/partner organisations are set by steering and the hub's moderators, never a company")
row("measures.new@focus", "POST", P, STEER, _new_measure("hub_a", is_focus_project="y"), access=USERS,
    body_refusal=CHOICES,
    note="design: only steering sets the focus-project flag")
get("measures.show", MEA, USERS)


def _edit_measure(letter, **extra):
    return lambda o: {"hub_id": o[f"hub_{letter}"], "title": f"Idee aus {letter.upper()}",
                      "version": o[f"measure_{letter}_version"], "primary_goal_id": 0, "horizon": "",
                      **{k: v(o) if callable(v) else v for k, v in extra.items()}}


get("measures.edit", MEA, OF_A)
row("measures.edit", "POST", MEA, OF_A, _edit_measure("a"), note="the proposing organisation edits its own idea")
get("measures.edit@B", MEB, OF_B)
row("measures.edit@B", "POST", MEB, OF_B, _edit_measure("b"))
row("measures.edit@responsible", "POST", MEA, HUB_A,
    _edit_measure("a", responsible_organization_ids=lambda o: [o.org_a]), access=OF_A, note="issue 15: never a company")
row("measures.edit@partners", "POST", MEA, HUB_A, _edit_measure("a", partner_organization_ids=lambda o: [o.org_b]),
    access=OF_A, note="issue 15: never a company")
row("measures.edit@focus", "POST", MEA, STEER, _edit_measure("a", is_focus_project="y"), access=OF_A)
row("measures.transition", "POST", MEA, HUB_A, lambda o: {"to": "in_review"}, access=OF_A,
    note="idea -> in_review: moderator, steering; the proposer may only withdraw")
row("measures.transition@withdraw", "POST", MEA, OF_A, lambda o: {"to": "withdrawn"})
row("measures.transition@B", "POST", MEB, HUB_B, lambda o: {"to": "in_review"}, access=OF_B)
row("measures.transition@start", "POST", {"measure_id": "adopted_a"}, {CA} | STEER, lambda o: {"to": "in_progress"},
    note="adopted -> in_progress: steering and the responsible organisation (org A)")
row("measures.focus", "POST", MEA, STEER, lambda o: {"flag": "1"})
row("measures.comment", "POST", MEA, USERS, lambda o: {"text": "Guter Punkt"})
row("measures.support", "POST", MEA, USERS, lambda o: {})
row("measures.merge", "POST", P, HUB_A, lambda o: {"source_ids": [o.measure_a, o.idea_a2], "new_title": "Zusammen"},
    access=INTERNAL, note="moderators consolidate their own hub's ideas; steering across hubs")
row("measures.merge@B", "POST", P, HUB_B, lambda o: {"source_ids": [o.measure_b, o.idea_b2], "new_title": "Zusammen"},
    access=INTERNAL)
row("measures.merge@cross", "POST", P, STEER,
    lambda o: {"source_ids": [o.measure_a, o.measure_b], "new_title": "Zusammen"}, access=INTERNAL)
row("measures.unmerge", "POST", {"measure_id": "merge_source_a"}, HUB_A, lambda o: {})
get("measures.lineage", MEA, USERS)
get("measures.duplicates", P, INTERNAL)

# --- implementation -------------------------------------------------------------------------------------
REPORTERS_A, REPORTERS_B = {CA} | STEER, {CB} | STEER  # steering and the responsible organisation
ADOPTED_A, ADOPTED_B = {"measure_id": "adopted_a"}, {"measure_id": "adopted_b"}
get("implementation.overview", P, USERS)


def _progress(o):
    return {"progress-on": "2020-03-01", "progress-percent": "20", "progress-light": "green"}


row("implementation.report", "POST", ADOPTED_A, REPORTERS_A, _progress)
row("implementation.report@B", "POST", ADOPTED_B, REPORTERS_B, _progress)
row("implementation.add_milestone", "POST", ADOPTED_A, REPORTERS_A, lambda o: {"milestone-title": "Erste Börse"})
row("implementation.milestone_done", "POST", {"milestone_id": "milestone_a"}, REPORTERS_A, lambda o: {"done": "1"})
row("implementation.milestone_owner", "POST", {"milestone_id": "milestone_a"}, REPORTERS_A,
    lambda o: {f"owner{o.milestone_a}-owner_organization_id": str(o.org_a),
               f"owner{o.milestone_a}-owner_person_id": str(o.company_a_person)},
    note="issue 17 item 3: who reports on the measure names the milestone's owner")
row("implementation.add_indicator", "POST", ADOPTED_A, REPORTERS_A,
    lambda o: {"indicator-name": "Betriebe", "indicator-target": "10"})
row("implementation.add_process_indicator", "POST", P, STEER,
    lambda o: {"indicator-name": "Arbeitsplätze gesamt", "indicator-target": "100"})
row("implementation.add_value", "POST", {"indicator_id": "indicator"}, STEER,
    lambda o: {"value-on": "2020-01-01", "value-value": "5"})
row("implementation.add_value@measure", "POST", {"indicator_id": "indicator_a"}, REPORTERS_A,
    lambda o: {"value-on": "2020-01-01", "value-value": "5"})

# --- prioritisation ---------------------------------------------------------------------------------------
ROUND, CLOSED = {"round_id": "round"}, {"round_id": "closed_round"}
get("prioritisation.index", P, USERS)
row("prioritisation.index", "POST", P, STEER,
    lambda o: {"title": "Runde 2", "method": "dots", "measure_ids": [o.proposal], "points_per_voter": "3",
               "importance_weight": "1.0", "urgency_weight": "1.0"})
get("prioritisation.show", ROUND, USERS)
row("prioritisation.show", "POST", ROUND, USERS, lambda o: {f"m{o.proposal}": "2"})
row("prioritisation.close", "POST", ROUND, STEER, lambda o: {})
row("prioritisation.prioritise", "POST", CLOSED, STEER, lambda o: {"measure_ids": [o.proposal]})
get("prioritisation.export", {"round_id": "closed_round", "fmt": "csv"}, USERS)
ROOM_ROUND = {"round_id": "room_round"}
get("prioritisation.tallies", ROOM_ROUND, STEER, note="issue 18: who runs the round's session (hub-less: steering)")
row("prioritisation.tallies", "POST", ROOM_ROUND, STEER, lambda o: {"voters": "10", f"m{o.proposal}": "12"})
row("prioritisation.remove_tally", "POST", {"tally_id": "tally"}, STEER, lambda o: {})

# --- room mode (issue 18 item 1) ---------------------------------------------------------------------------
# The phones' short link: anyone (no login needed) while the room runs; nobody once it has ended.
get("room.phone", {"code": "room_code"}, ALL, note="design: people in a running session's room, without login")
get("room.phone@A", {"code": "room_code_a"}, ALL)
get("room.phone@ended", {"code": "ended_room_code"}, NOBODY, note="the link works only while the room runs")
row("room.hand_in", "POST", {"code": "room_code"}, ALL, lambda o: {"title": "Idee vom Handy", "consent_named": ""})
row("room.ballot", "POST", {"code": "room_code"}, ALL, lambda o: {f"m{o.proposal}": "2"},
    note="one ballot per phone in the round held in the session")
ROOM_A, ROOM_W = {"session_id": "room_hub_a"}, {"session_id": "room_workshop"}
for suffix, args, runners in (("", ROOM_A, HUB_A), ("@plenary", ROOM_W, STEER)):
    get(f"room.manage{suffix}", args, runners, note="design: room mode of the sessions one runs")
    get(f"room.projector{suffix}", args, runners)
    get(f"room.live{suffix}", args, runners)
    row(f"room.start{suffix}", "POST", args, runners, lambda o: {"people": "25"})
    row(f"room.stop{suffix}", "POST", args, runners, lambda o: {})
for suffix, card, runners in (("", "card_a", HUB_A), ("@plenary", "card_w", STEER)):
    row(f"room.accept_card{suffix}", "POST", {"card_id": card}, runners, lambda o: {})
    row(f"room.discard_card{suffix}", "POST", {"card_id": card}, runners, lambda o: {})

# --- charts, mail ------------------------------------------------------------------------------------------
get("charts.start", {}, USERS)
get("charts.process_dashboard", P, INTERNAL)
get("charts.hub_dashboard", {"hub_id": "hub_a"}, OF_A)
get("charts.hub_dashboard@B", {"hub_id": "hub_b"}, OF_B)
get("charts.public_progress", P, ALL)
get("charts.chart_data", {"process_id": "process", "key": "traffic-lights"}, ALL)
get("charts.chart_data@internal", {"process_id": "process", "key": "working-hours"}, INTERNAL)
get("mail.answer", {"token": "answer_token", "answer": "excused"}, ALL)
row("mail.answer", "POST", {"token": "answer_token", "answer": "excused"}, ALL, lambda o: {})
get("mail.unsubscribe", {"token": "unsubscribe_token"}, ALL)
row("mail.unsubscribe", "POST", {"token": "unsubscribe_token"}, ALL, lambda o: {})
get("mail.preferences", {}, USERS)
row("mail.preferences", "POST", {}, USERS, lambda o: {"invitation": "1"})
get("mail.outbox", {}, ADMIN)
get("mail.show_mail", {"mail_id": "mail"}, ADMIN)
row("mail.retry", "POST", {"mail_id": "mail"}, ADMIN, lambda o: {})
get("jobs.index", {}, ADMIN)

# --- the plan ------------------------------------------------------------------------------------------------
VERSION = {"version_id": "review"}
get("plan.draft", P, INTERNAL)
get("plan.interim", P, INTERNAL)
get("plan.edit_foreword", P, STEER)
row("plan.edit_foreword", "POST", P, STEER, lambda o: {"foreword": "Vorwort", "version": o.process_version})
get("plan.edit_goal", {"goal_id": "goal"}, STEER)
row("plan.edit_goal", "POST", {"goal_id": "goal"}, STEER,
    lambda o: {"introduction": "Einleitung", "objective": "Ziel", "version": o.goal_version})
row("plan.freeze", "POST", P, STEER, lambda o: {"label": "Neue Fassung"})
get("plan.versions", P, INTERNAL)
get("plan.version", VERSION, INTERNAL)
get("plan.export_status", {"version_id": "review", "fmt": "pdf"}, INTERNAL)
get("plan.chart_image", {"version_id": "review", "key": "chart_key"}, INTERNAL)
row("plan.submit", "POST", {"version_id": "draft"}, STEER, lambda o: {})
row("plan.approve", "POST", VERSION, STEER, lambda o: {"override_reason": "Der offene Kommentar wartet"},
    note="submitted by another steering member (four eyes); one approval of the two the process asks for")
row("plan.comment", "POST", VERSION, STEER, lambda o: {"section_key": o.section_key, "text": "Bitte kürzen"})
row("plan.resolve", "POST", {"comment_id": "review_comment"}, STEER, lambda o: {})
get("plan.compare", {"process_id": "process", "a": "published", "b": "review"}, INTERNAL)
row("plan.start_update", "POST", {"version_id": "published"}, STEER, lambda o: {"name": "Update 2025"})
get("plan.public", P, ALL)
get("plan.public_chart", {"process_id": "process", "key": "chart_key"}, ALL)

# --- API tokens (web) ---------------------------------------------------------------------------------------
get("api_tokens.docs", {}, ALL)
get("api_tokens.token_list", {}, USERS)
row("api_tokens.token_list", "POST", {}, USERS, lambda o: {"name": "Skript"})
row("api_tokens.revoke_token", "POST", {"token_id": "company_a_token_id"}, {CA}, lambda o: {})

# --- the JSON API: anonymous sends no token, every other role its own bearer token ---------------------
get("api.openapi", {}, ALL)
get("api.list_processes", {}, USERS)
row("api.create_process", "POST", {}, ADMIN,
    lambda o: {"name": "Neuer Prozess", "city": "Essen", "starts_on": "2025-01-01", "ends_on": "2025-12-31"},
    note="design: admins manage processes; no route object, yet the role is known before the body")
get("api.get_process", P, USERS)
row("api.patch_process", "PATCH", P, STEER, lambda o: {"version": o.process_version, "contact_name": "Petra Prozess"})
get("api.get_steering", P, INTERNAL)
row("api.put_steering", "PUT", P, STEER, lambda o: {"user_ids": [o.steering_user, o.steering_user_2]},
    note="issue 17 item 2: the same service as the page")
get("api.process_stats", P, USERS)
get("api.list_hubs", P, USERS)
row("api.create_hub", "POST", P, STEER, lambda o: {"name": "Hub API", "short_name": "API"})
row("api.add_member", "POST", {"hub_id": "hub_a"}, HUB_A,
    lambda o: {"organization_id": o.org_c, "delegate_ids": [o.person_c]})
row("api.add_member@B", "POST", {"hub_id": "hub_b"}, HUB_B,
    lambda o: {"organization_id": o.org_c, "delegate_ids": [o.person_c]})
row("api.add_member@foreign_delegate", "POST", {"hub_id": "hub_a"}, NOBODY,
    lambda o: {"organization_id": o.org_c, "delegate_ids": [o.company_b_person]}, access=HUB_A,
    body_refusal={400, 403}, note="issue 15: a membership's delegates are people of that organisation")
row("api.move_organization", "POST", {"organization_id": "org_a"}, {CA} | STEER, lambda o: {"hub_id": o.hub_c})
row("api.move_organization@B", "POST", {"organization_id": "org_b"}, {CB} | STEER, lambda o: {"hub_id": o.hub_c})
get("api.list_organizations", {}, USERS)
row("api.create_organization", "POST", {}, INTERNAL, lambda o: {"name": "Epsilon GmbH"})
get("api.list_people", {}, USERS)
get("api.my_mail_preferences", {}, USERS)
row("api.set_my_mail_preferences", "PUT", {}, USERS, lambda o: {"preferences": {"supported": True}},
    note="every account holder their own settings")
row("api.create_person", "POST", {}, {CA} | INTERNAL,
    lambda o: {"name": "Paul Person", "email": "paul@example.org", "organization_id": o.org_a}, access=USERS,
    note="partners, or representatives of the organisation named in the body")
row("api.request_registration", "POST", P, ALL,
    lambda o: {"name": "Rita Registrant", "email": "rita@example.org", "organization_name": "Registrant GmbH",
               "hub_id": o.hub_c, "consent_contact": True,
               "delegates": [{"name": "Dirk Delegiert", "email": "dirk@example.org"}], "consent_delegates": True},
    note="the public form as JSON: no token needed")
get("api.list_registrations", {}, ADMIN)
get("api.registration_counts", {}, ADMIN)
get("api.get_registration", REGISTRATION, ADMIN)
row("api.approve_registration", "POST", REGISTRATION, ADMIN, lambda o: {"create_new": True})
row("api.reject_registration", "POST", REGISTRATION, ADMIN, lambda o: {"reason": "Kein Unternehmen aus der Stadt"})
row("api.invite_delegate", "POST", {"delegate_id": "registration_delegate"}, ADMIN, lambda o: {})
row("api.patch_hub", "PATCH", {"hub_id": "hub_a"}, STEER,
    lambda o: {"version": o.hub_a_version, "description": "Per API", "moderator_ids": [o.moderator_a]},
    note="issue 17: every set-up step has an API equivalent with the page's rights")
row("api.patch_goal", "PATCH", {"goal_id": "goal"}, STEER, lambda o: {"version": o.goal_version, "title": "Leitziel"})
row("api.move_goal", "POST", {"goal_id": "goal"}, STEER, lambda o: {"direction": 1})
row("api.patch_organization", "PATCH", ORG_A, {CA} | STEER,
    lambda o: {"version": o.org_a_version, "type": "company", "consents_to_be_named": True})
row("api.patch_organization@B", "PATCH", ORG_B, {CB} | STEER,
    lambda o: {"version": o.org_b_version, "consents_to_be_named": True})
row("api.create_user", "POST", {}, ADMIN,
    lambda o: {"name": "Mia Moderatorin", "email": "mia@example.org", "role": "moderator",
               "moderated_hub_ids": [o.hub_c]})
row("api.set_password_link", "POST", {"user_id": "visitor"}, ADMIN, lambda o: {})
get("api.list_goals", P, USERS)
row("api.create_goal", "POST", P, STEER, lambda o: {"title": "Leitziel aus der API"})
get("api.list_sessions", P, USERS)
get("api.year", P, USERS)


def _api_session(hub_key, kind="workshop"):
    return lambda o: {"kind": kind, **({"hub_id": o[hub_key]} if hub_key else {}), "title": "API Sitzung",
                      "starts_at": "2018-11-21T16:00:00+01:00", "ends_at": "2018-11-21T18:00:00+01:00"}


row("api.create_session", "POST", P, HUB_A, _api_session("hub_a"), access=INTERNAL)
row("api.create_session@B", "POST", P, HUB_B, _api_session("hub_b"), access=INTERNAL)
row("api.create_session@plenary", "POST", P, STEER, _api_session(None, "plenary"), access=INTERNAL)
get("api.get_session", SA, {CA} | INTERNAL)
get("api.get_session@B", SB, {CB} | INTERNAL)
row("api.patch_session", "PATCH", SA, HUB_A, lambda o: {"version": o.session_a_version, "title": "Workshop A1 neu"})
row("api.patch_session@B", "PATCH", SB, HUB_B, lambda o: {"version": o.session_b_version, "title": "Workshop B1 neu"})
get("api.get_attendance", SA, HUB_A)
get("api.get_attendance@B", SB, HUB_B)
row("api.put_attendance", "PUT", SA, HUB_A, lambda o: [{"person_id": o.company_a_person, "status": "attended"}])
row("api.put_attendance@B", "PUT", SB, HUB_B, lambda o: [{"person_id": o.company_b_person, "status": "attended"}])
get("api.list_measures", P, USERS)


def _api_measure(hub_key="hub_a", **extra):
    return lambda o: {"title": "Idee aus der API", "hub_id": o[hub_key],
                      **{k: v(o) if callable(v) else v for k, v in extra.items()}}


row("api.create_measure", "POST", P, OF_A, _api_measure(), access=USERS)
row("api.create_measure@B", "POST", P, OF_B, _api_measure("hub_b"), access=USERS)
row("api.create_measure@proposer_own", "POST", P, OF_A, _api_measure(proposer_organization_id=lambda o: o.org_a),
    access=USERS, note="org A: the company's own, a member of the moderator's hub")
row("api.create_measure@proposer_other", "POST", P, STEER, _api_measure(proposer_organization_id=lambda o: o.org_b),
    access=USERS, note="issue 15: a company proposes for itself; moderators for members of their hub; steering any")
row("api.create_measure@responsible", "POST", P, HUB_A,
    _api_measure(responsible_organization_ids=lambda o: [o.org_a]), access=USERS, note="issue 15: never a company")
row("api.create_measure@focus", "POST", P, STEER, _api_measure(is_focus_project=True), access=USERS)
row("api.create_measure@session_own", "POST", P, OF_A, _api_measure(session_id=lambda o: o.session_a), access=USERS)
row("api.create_measure@session_plenary", "POST", P, OF_A, _api_measure(session_id=lambda o: o.kickoff),
    access=USERS, note="a hub-less session of the same process is fine")
row("api.create_measure@session_other_hub", "POST", P, NOBODY, _api_measure(session_id=lambda o: o.session_b),
    access=USERS, body_refusal={400, 403}, note="issue 15: an idea's session is one of its hub (or hub-less)")
get("api.get_measure", MEA, USERS)
row("api.patch_measure", "PATCH", MEA, OF_A, lambda o: {"version": o.measure_a_version, "title": "Idee aus A (neu)"})
row("api.patch_measure@B", "PATCH", MEB, OF_B, lambda o: {"version": o.measure_b_version, "title": "Idee aus B (neu)"})
row("api.patch_measure@responsible", "PATCH", MEA, HUB_A,
    lambda o: {"version": o.measure_a_version, "responsible_organization_ids": [o.org_a]}, access=OF_A,
    note="issue 15: never a company (after adoption they gain workflow rights)")
row("api.patch_measure@focus", "PATCH", MEA, STEER, lambda o: {"version": o.measure_a_version,
                                                               "is_focus_project": True}, access=OF_A)
row("api.transition_measure", "POST", MEA, HUB_A, lambda o: {"to": "in_review"}, access=OF_A)
row("api.transition_measure@withdraw", "POST", MEA, OF_A, lambda o: {"to": "withdrawn"})
row("api.transition_measure@B", "POST", MEB, HUB_B, lambda o: {"to": "in_review"}, access=OF_B)
row("api.transition_measure@start", "POST", ADOPTED_A, REPORTERS_A, lambda o: {"to": "in_progress"})
row("api.merge_measures", "POST", {}, HUB_A,
    lambda o: {"source_ids": [o.measure_a, o.idea_a2], "target": {"title": "Zusammen"}}, access=INTERNAL,
    note="no route object: who may merge at all is checked first, the sources in the body right after parsing "
         "(probe 6: a company got 400, its body read)")
row("api.merge_measures@B", "POST", {}, HUB_B,
    lambda o: {"source_ids": [o.measure_b, o.idea_b2], "target": {"title": "Zusammen"}}, access=INTERNAL)
row("api.merge_measures@cross", "POST", {}, STEER,
    lambda o: {"source_ids": [o.measure_a, o.measure_b], "target": {"title": "Zusammen"}}, access=INTERNAL)
row("api.unmerge_measure", "POST", {"measure_id": "merge_source_a"}, HUB_A, lambda o: {})
row("api.report_progress", "POST", ADOPTED_A, REPORTERS_A,
    lambda o: {"date": "2020-03-01", "percent": 20, "light": "green"})
row("api.report_progress@B", "POST", ADOPTED_B, REPORTERS_B,
    lambda o: {"date": "2020-03-01", "percent": 20, "light": "green"})
get("api.list_milestones", ADOPTED_A, USERS)
row("api.add_milestone", "POST", ADOPTED_A, REPORTERS_A,
    lambda o: {"title": "Erste Börse", "due_on": "2020-05-01", "owner_organization_id": o.org_a,
               "owner_person_id": o.company_a_person})
row("api.set_milestone_owner", "PUT", {"milestone_id": "milestone_a"}, REPORTERS_A,
    lambda o: {"owner_organization_id": o.org_a, "owner_person_id": o.company_a_person})
get("api.list_rounds", P, USERS)
row("api.create_round", "POST", P, STEER,
    lambda o: {"title": "API Runde", "method": "dots", "measure_ids": [o.proposal], "points_per_voter": 3})
row("api.vote", "POST", ROUND, USERS, lambda o: {"votes": [{"measure_id": o.proposal, "points": 2}]})
row("api.close", "POST", ROUND, STEER, lambda o: {})
get("api.round_results", {"round_id": "closed_round"}, USERS)
get("api.list_tallies", ROOM_ROUND, STEER)
row("api.create_tally", "POST", ROOM_ROUND, STEER,
    lambda o: {"voters": 10, "entries": [{"measure_id": o.proposal, "dots": 12}]})
row("api.delete_tally", "DELETE", {"tally_id": "tally"}, STEER, lambda o: {})
for suffix, args, runners in (("", ROOM_A, HUB_A), ("@plenary", ROOM_W, STEER)):
    get(f"api.get_room{suffix}", args, runners)
    get(f"api.list_room_cards{suffix}", args, runners)
    row(f"api.start_room{suffix}", "POST", args, runners, lambda o: {"people": 25})
    row(f"api.stop_room{suffix}", "POST", args, runners, lambda o: {})
for suffix, card, runners in (("", "card_a", HUB_A), ("@plenary", "card_w", STEER)):
    row(f"api.accept_room_card{suffix}", "POST", {"card_id": card}, runners, lambda o: {})
    row(f"api.discard_room_card{suffix}", "POST", {"card_id": card}, runners, lambda o: {})
row("api.prioritise", "POST", {"round_id": "closed_round"}, STEER, lambda o: {"top": 1},
    note="issue 18: the API marks a closed round's proposals prioritised as the page does")
get("api.plan_draft", P, INTERNAL)
row("api.freeze_version", "POST", P, STEER, lambda o: {"label": "API Fassung"})
get("api.get_version", VERSION, INTERNAL)
row("api.submit_version", "POST", {"version_id": "draft"}, STEER, lambda o: {})
row("api.approve_version", "POST", VERSION, STEER, lambda o: {"override_reason": "Der offene Kommentar wartet"},
    note="submitted by another steering member; the stage leaves a review comment open")
get("api.list_comments", VERSION, STEER)
row("api.add_comment", "POST", VERSION, STEER, lambda o: {"section": o.section_key, "text": "Aus der API"})

TABLE = {r.id: r for r in ROWS}
assert len(TABLE) == len(ROWS), "a row key appears twice for the same method"
WRITES = [r for r in ROWS if r.is_write]
READS = [r for r in ROWS if not r.is_write]
