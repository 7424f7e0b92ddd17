"""Load the demo process. Deterministic (fixed random seed) and idempotent."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from tracker.accounts.models import Role, User
from tracker.accounts.services import set_password
from tracker.demo import data
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub, HubMembership
from tracker.implementation import demo as implementation_demo
from tracker.measures.models import Horizon, Measure, MeasureStatus, MeasureTransition
from tracker.organizations.models import Consent, ConsentPurpose, Organization, OrganizationType, Person, SizeClass
from tracker.prioritisation import demo as prioritisation_demo
from tracker.processes.models import Phase, Process, ProcessPhase
from tracker.registration import services as registration
from tracker.sessions.models import Attendance, AttendanceStatus, MinutesStatus, Session, SessionKind, SessionStatus

PATHS = {
    MeasureStatus.IDEA: [],
    MeasureStatus.IN_REVIEW: [MeasureStatus.IN_REVIEW],
    MeasureStatus.PROPOSAL: [MeasureStatus.IN_REVIEW, MeasureStatus.PROPOSAL],
    MeasureStatus.ADOPTED: [MeasureStatus.IN_REVIEW, MeasureStatus.PROPOSAL, MeasureStatus.ADOPTED],
    MeasureStatus.REJECTED: [MeasureStatus.IN_REVIEW, MeasureStatus.REJECTED],
    MeasureStatus.WITHDRAWN: [MeasureStatus.WITHDRAWN],
}
REJECTION_REASON = "Liegt außerhalb des Einflusses der Partner des Masterplans."
# Primary guiding goal (index into data.GOALS) of the adopted demo measures, by title.
ADOPTED_GOALS = {"Wasserstoff-Modellregion": 5, "Schnellere Baugenehmigungen": 1}
FOCUS_PROJECTS = {"Standortmarke entwickeln", "Transferstelle Wissenschaft–Wirtschaft",
                  "Glasfaser für alle Gewerbegebiete"}


class DemoLoader:
    def __init__(self) -> None:
        self.random = random.Random(2018)
        self.used_names: set[str] = set()
        self.email_counter = 0

    # People ------------------------------------------------------------------------------
    def person(self, organization: Organization, function: str | None = None) -> Person:
        while True:
            name = f"{self.random.choice(data.FIRST_NAMES)} {self.random.choice(data.LAST_NAMES)}"
            if name not in self.used_names:
                break
        self.used_names.add(name)
        self.email_counter += 1
        person = Person(name=name, email=f"teilnehmer{self.email_counter:03d}@example.org",
                        organization=organization, function=function)
        person.consents.append(Consent(purpose=ConsentPurpose.CONTACT, text_version="2018-09",
                                       given_at=datetime(2018, 9, 26, 18, 0)))
        db.session.add(person)
        return person

    def login(self, email: str, name: str, role: Role, organization: Organization | None,
              password: str | None) -> User:
        person = Person(name=name, email=email, organization=organization)
        user = User(person=person, role=role, session_token=secrets.token_hex(16))
        if password:
            set_password(user, password)
        db.session.add(user)
        return user

    # The process -------------------------------------------------------------------------
    def load(self) -> Process:
        process = Process(phase=Phase(data.PHASE), **data.PROCESS)
        process.phase_dates = [ProcessPhase(phase=Phase(phase), starts_on=first, ends_on=last)
                               for phase, first, last in data.PHASES]
        db.session.add(process)

        partners = [Organization(name=n, type=OrganizationType(t), sector=s, consents_to_be_named=True)
                    for n, t, s in data.PARTNERS]
        process.partners = partners
        partner_people = {org.name: [self.person(org, "Mitglied im Lenkungskreis")] for org in partners}

        companies = []
        for index, (name, sector, size) in enumerate(data.COMPANIES):
            companies.append(Organization(
                name=name, type=OrganizationType.COMPANY, sector=sector, size_class=SizeClass(size),
                consents_to_be_named=index % 5 != 3,  # a few did not agree to be named
            ))
        db.session.add_all(partners + companies)

        hubs = []
        for position, (name, short, colour, description, leads) in enumerate(data.HUBS):
            hub = Hub(process=process, name=name, short_name=short, colour=colour, description=description,
                      position=position, lead_organizations=[partners[i] for i in leads])
            hubs.append(hub)
        db.session.add_all(hubs)

        goals = [GuidingGoal(process=process, number=i + 1, title=t, introduction=intro, objective=obj)
                 for i, (t, intro, obj) in enumerate(data.GOALS)]
        db.session.add_all(goals)

        # Logins: one per role (two for the steering group: four eyes), and a pending moderator account for
        # the hubs the demo moderator has not.
        users = {}
        for email, name, role, password, link in data.DEMO_USERS:
            organization = None
            if role == "steering":
                organization = partners[link]
            elif role == "company":
                organization = companies[0]
            elif role == "moderator":
                organization = partners[1]
            login = self.login(email, name, Role(role), organization, password)
            if role == "steering":  # the demo process's steering group (steering is per process)
                login.steering_processes = [process]
            users.setdefault(role, login)
        users["moderator"].moderated_hubs = [hubs[0]]
        for hub in hubs[1:]:
            lead = hub.lead_organizations[0]
            moderator = self.login(f"moderation.{hub.short_name.lower()}@example.org",
                                   f"Moderation {hub.short_name}", Role.MODERATOR, lead, None)
            moderator.moderated_hubs = [hub]

        delegates: dict[int, list[Person]] = {}
        for index, company in enumerate(companies):
            hub = hubs[index // 12]
            people = [self.person(company, "Geschäftsführung")]
            if index % 3 == 0:
                people.append(self.person(company, "Personalleitung"))
            if index == 0:
                people.insert(0, users["company"].person)
            delegates[index] = people
            db.session.add(HubMembership(process=process, hub=hub, organization=company, delegates=people,
                                         joined_at=datetime(2018, 9, 26, 18, 0)))
        db.session.flush()

        self.sessions(process, hubs, companies, delegates, partner_people, users)
        db.session.flush()
        self.ideas(process, hubs, goals, companies, users)
        db.session.flush()
        self.tracking(process, users)
        self.registrations(process, hubs)
        return process

    def registrations(self, process, hubs) -> None:
        """Requests from the public form, waiting for the administrator (they change nothing else)."""
        for name, email, function, organization, kind, sector, hub, named in data.REGISTRATIONS:
            registration.request_registration(
                process, hub=hubs[hub], name=name, email=email, function=function, organization_name=organization,
                organization_type=OrganizationType(kind), organization_sector=sector, consent_contact=True,
                consent_named=named)

    def tracking(self, process, users) -> None:
        """Progress of adopted measures and a closed prioritisation round (their features' demo records)."""
        implementation_demo.load(process, users)
        prioritisation_demo.load(process, users)

    def sessions(self, process, hubs, companies, delegates, partner_people, users) -> None:
        everyone = [p for people in delegates.values() for p in people]
        partners_flat = [p for people in partner_people.values() for p in people]
        kickoff = Session(process=process, kind=SessionKind.KICKOFF, status=SessionStatus.HELD,
                          minutes_status=MinutesStatus.APPROVED,
                          minutes="Rund 150 Gäste; alle fünf Hubs wurden vorgestellt und gewählt.", **data.KICKOFF)
        db.session.add(kickoff)
        for person in everyone + partners_flat:
            status = AttendanceStatus.ATTENDED if self.random.random() < 0.85 else AttendanceStatus.EXCUSED
            db.session.add(Attendance(session=kickoff, person=person, status=status))

        self.hub_sessions = {}
        for h, hub in enumerate(hubs):
            hub_people = [p for i, people in delegates.items() if i // 12 == h for p in people]
            self.hub_sessions[h] = []
            for number, (year, month, day) in enumerate(data.WORKSHOP_DATES[h], start=1):
                starts = datetime(year, month, day, 16, 30)
                session = Session(
                    process=process, hub=hub, kind=SessionKind.WORKSHOP, number=number,
                    status=SessionStatus.HELD, title=f"{hub.short_name}-Workshop {number}: "
                    f"{data.WORKSHOP_TOPICS[number - 1]}",
                    starts_at=starts, ends_at=starts + timedelta(hours=2, minutes=30),
                    location="Technologiezentrum Oberhausen, Essener Str. 3, 46047 Oberhausen",
                    agenda="1. Begrüßung\n2. Rückblick\n3. Arbeit in Gruppen\n4. Ergebnisse und nächste Schritte",
                    minutes=f"## Ergebnisse\n\nDer Hub hat im {number}. Workshop Ideen gesammelt und "
                            f"diskutiert.\n\n## Nächste Schritte\n\n- Ideen bis zum nächsten Treffen schärfen",
                    minutes_status=MinutesStatus.APPROVED, minutes_approved_by=users["moderator"]
                    if h == 0 else None, minutes_approved_at=starts + timedelta(days=3),
                )
                db.session.add(session)
                self.hub_sessions[h].append(session)
                for person in hub_people:
                    roll = self.random.random()
                    status = (AttendanceStatus.ATTENDED if roll < 0.7 else
                              AttendanceStatus.EXCUSED if roll < 0.85 else AttendanceStatus.ABSENT)
                    db.session.add(Attendance(session=session, person=person, status=status))
                for lead in hub.lead_organizations:
                    db.session.add(Attendance(session=session, person=partner_people[lead.name][0],
                                              status=AttendanceStatus.ATTENDED))

        for title, kind, when, hours in [
            ("Sitzung des Lenkungskreises", SessionKind.STEERING, datetime(2018, 9, 5, 10, 0), 2),
            ("Sitzung des Lenkungskreises", SessionKind.STEERING, datetime(2019, 4, 10, 10, 0), 2),
            ("Priorisierungsworkshop", SessionKind.PRIORITISATION, datetime(2019, 5, 22, 16, 0), 3),
        ]:
            session = Session(process=process, kind=kind, status=SessionStatus.HELD, title=title,
                              starts_at=when, ends_at=when + timedelta(hours=hours),
                              location="Rathaus Oberhausen, Schwartzstraße 72, 46045 Oberhausen")
            db.session.add(session)
            people = partners_flat if kind == SessionKind.STEERING else partners_flat + everyone[::3]
            for person in people:
                db.session.add(Attendance(session=session, person=person, status=AttendanceStatus.ATTENDED))

    def ideas(self, process, hubs, goals, companies, users) -> None:
        created = datetime(2018, 10, 17, 19, 0)
        for h, hub in enumerate(hubs):
            by_index: list[Measure] = []
            moderator = users["moderator"] if h == 0 else None
            for i, (title, description, fate) in enumerate(data.IDEAS[h]):
                session = self.hub_sessions[h][i % 3]
                proposer = companies[h * 12 + (i * 5) % 12]
                measure = Measure(process=process, hub=hub, session=session, title=title, description=description,
                                  proposer_organization=proposer, status=MeasureStatus.IDEA,
                                  created_at=session.ends_at, created_by=moderator)
                measure.transitions.append(MeasureTransition(to_status=MeasureStatus.IDEA, at=session.ends_at,
                                                             by=moderator))
                db.session.add(measure)
                by_index.append(measure)
                if fate.startswith("merged:"):
                    target = by_index[int(fate.split(":")[1])]
                    measure.status_before_merge = MeasureStatus.IDEA
                    measure.status = MeasureStatus.MERGED
                    measure.merged_into = target
                    measure.supporters = [proposer]
                    measure.transitions.append(MeasureTransition(
                        from_status=MeasureStatus.IDEA, to_status=MeasureStatus.MERGED, by=moderator,
                        at=created + timedelta(days=150), reason=f"Zusammengeführt mit „{target.title}“"))
                    continue
                status = MeasureStatus(fate)
                previous = MeasureStatus.IDEA
                for step, to in enumerate(PATHS[status], start=1):
                    by = users["steering"] if to in (MeasureStatus.ADOPTED, MeasureStatus.REJECTED) else moderator
                    measure.transitions.append(MeasureTransition(
                        from_status=previous, to_status=to, by=by, at=created + timedelta(days=150 + 20 * step),
                        reason=REJECTION_REASON if to == MeasureStatus.REJECTED else ""))
                    previous = to
                measure.status = status
                if status in (MeasureStatus.PROPOSAL, MeasureStatus.ADOPTED):
                    measure.approach = "Die Partner setzen die Maßnahme gemeinsam mit den Unternehmen des Hubs um."
                    measure.horizon = [Horizon.SHORT, Horizon.MEDIUM, Horizon.LONG][i % 3]
                if status == MeasureStatus.ADOPTED:
                    measure.primary_goal = goals[ADOPTED_GOALS.get(title, h)]
                    measure.goals = [goals[6]]
                    measure.is_focus_project = title in FOCUS_PROJECTS
                    measure.responsible_organizations = list(hub.lead_organizations[:1])
                    measure.expected_effect = "Mehr Unternehmen profitieren sichtbar vom Standort."
                    measure.cost_estimate = "ca. 50.000 € pro Jahr"


def seed_demo() -> tuple[Process, bool]:
    """Load the demo process unless it is there already; returns (process, created)."""
    existing = db.session.scalar(select(Process).where(Process.name == data.PROCESS["name"],
                                                       Process.city == data.PROCESS["city"]))
    if existing is not None:
        return existing, False
    clash = db.session.scalar(select(Person).where(Person.email.in_([u[0] for u in data.DEMO_USERS])))
    if clash is not None:
        raise RuntimeError(f"{clash.email} exists outside the demo process; not loading the demo over it.")
    process = DemoLoader().load()
    db.session.commit()
    return process, True
