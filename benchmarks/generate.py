"""Deterministic synthetic data for benchmarks and query-budget tests, inserted in bulk.

    python -m benchmarks.generate --scale 1   # one Oberhausen-size process
    python -m benchmarks.generate --scale 10  # one process ten times that size
    python -m benchmarks.generate --scale 100 # one installation with 100 processes of 1x

Uses DATABASE_URL like the app. The database must be empty (run `flask db upgrade` first).
"""

from __future__ import annotations

import argparse
import random
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, text

from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub, HubMembership, hub_lead, hub_moderator, membership_delegate
from tracker.measures.models import Horizon, Measure, MeasureStatus, MeasureTransition, measure_responsible
from tracker.organizations.models import Organization, OrganizationType, Person, name_key
from tracker.processes.models import Phase, Process, process_partner, process_steering
from tracker.sessions.models import Attendance, AttendanceStatus, Session, SessionKind, SessionStatus

BENCH_PASSWORD = "Bench-Passwort-1"


@dataclass(frozen=True)
class Shape:
    """The size of one process."""

    hubs: int = 5
    organizations_per_hub: int = 30  # 150 organisations
    people_per_organization: float = 1.67  # ~250 people
    sessions_per_hub: int = 12  # 60 sessions
    ideas_per_hub: int = 30  # 150 ideas
    adopted_per_hub: int = 8  # ~42 adopted measures
    attendance_rate: float = 0.7


ONE_X = Shape()
TEN_X = Shape(hubs=50, organizations_per_hub=30, sessions_per_hub=12, ideas_per_hub=30, adopted_per_hub=8)
SCALES = {1: (1, ONE_X), 10: (1, TEN_X), 100: (100, ONE_X)}

STATUS_MIX = [MeasureStatus.IDEA, MeasureStatus.IN_REVIEW, MeasureStatus.PROPOSAL, MeasureStatus.MERGED,
              MeasureStatus.REJECTED, MeasureStatus.WITHDRAWN]
WORDS = ["Digitalisierung", "Fachkräfte", "Innenstadt", "Gründung", "Wasserstoff", "Flächen", "Ausbildung",
         "Mobilität", "Netzwerk", "Glasfaser", "Handwerk", "Logistik", "Klimaschutz", "Marketing", "Transfer"]


class Generator:
    def __init__(self, seed: int = 42) -> None:
        self.random = random.Random(seed)
        self.seed = seed
        self.serial = 0

    def _next(self) -> str:
        """A name suffix unique within the database as long as each run uses its own seed."""
        self.serial += 1
        return f"{self.seed}.{self.serial}"

    def _ids(self, model, count: int, rows: list[dict]) -> list[int]:
        """Insert rows in bulk and return their ids (ordered like the rows)."""
        if not rows:
            return []
        result = db.session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
        return [row[0] for row in result]

    def process(self, shape: Shape, index: int = 0) -> int:
        r = self.random
        [process_id] = self._ids(Process, 1, [dict(
            name=f"Masterplan Benchmark {index + 1}", city=f"Stadt {index + 1}", starts_on=date(2018, 9, 1),
            ends_on=date(2019, 12, 31), phase=Phase.IMPLEMENTATION, purpose="Benchmark", foreword="Vorwort",
            version=1)])
        partners = self._ids(Organization, 8, [dict(
            name=f"Partner {index}-{i} {self._next()}", name_key=f"partner {index}-{i} {self.seed}.{self.serial}",
            type=OrganizationType.AGENCY, consents_to_be_named=True) for i in range(8)])
        db.session.execute(insert(process_partner), [dict(process_id=process_id, organization_id=o) for o in partners])
        goals = self._ids(GuidingGoal, 7, [dict(process_id=process_id, number=i + 1, title=f"Leitziel {i + 1}",
                                                introduction="Einleitung", objective="Ziel", version=1)
                                           for i in range(7)])
        hubs = self._ids(Hub, shape.hubs, [dict(
            process_id=process_id, name=f"Hub {h + 1}", short_name=f"H{h + 1}", colour="#1f5f99",
            description="Beschreibung", position=h, version=1) for h in range(shape.hubs)])
        db.session.execute(insert(hub_lead), [dict(hub_id=h, organization_id=partners[i % 8])
                                              for i, h in enumerate(hubs)])
        steering_person = self._ids(Person, 1, [dict(name="Lenkung", email=f"lenkung{self._next()}@bench.example",
                                                     organization_id=partners[0])])[0]
        moderator_people = self._ids(Person, len(hubs), [dict(
            name=f"Moderation {h}", email=f"moderation{self._next()}@bench.example", organization_id=partners[1])
            for h in hubs])
        self._users([(steering_person, Role.STEERING)] + [(p, Role.MODERATOR) for p in moderator_people])
        moderator_users = db.session.scalars(select(User.id).where(User.person_id.in_(moderator_people))
                                             .order_by(User.person_id)).all()
        db.session.execute(insert(hub_moderator), [dict(hub_id=h, user_id=u) for h, u in zip(hubs, moderator_users,
                                                                                              strict=True)])
        steering_user = db.session.scalar(select(User.id).where(User.person_id == steering_person))
        db.session.execute(insert(process_steering), [dict(process_id=process_id, user_id=steering_user)])

        for h, hub_id in enumerate(hubs):
            organizations = self._ids(Organization, shape.organizations_per_hub, [dict(
                name=f"Firma {self._next()} GmbH", name_key=name_key(f"Firma {self.seed}.{self.serial} GmbH"),
                type=OrganizationType.COMPANY, sector=r.choice(WORDS), consents_to_be_named=r.random() < 0.8)
                for _ in range(shape.organizations_per_hub)])
            people_rows, owner = [], []
            for organization_id in organizations:
                count = 2 if r.random() < shape.people_per_organization - 1 else 1
                for _ in range(count):
                    n = self._next()
                    people_rows.append(dict(name=f"Person {n}", email=f"p{n}@bench.example",
                                            organization_id=organization_id))
                    owner.append(organization_id)
            people = self._ids(Person, len(people_rows), people_rows)
            memberships = self._ids(HubMembership, len(organizations), [dict(
                process_id=process_id, hub_id=hub_id, organization_id=o, joined_at=datetime(2018, 9, 26))
                for o in organizations])
            membership_of = dict(zip(organizations, memberships, strict=True))
            db.session.execute(insert(membership_delegate), [dict(membership_id=membership_of[o], person_id=p)
                                                             for p, o in zip(people, owner, strict=True)])
            if h == 0:
                self._users([(people[0], Role.COMPANY)])
            session_rows = []
            for s in range(shape.sessions_per_hub):
                starts = datetime(2018, 10, 1, 16, 30) + timedelta(days=30 * s + h)
                session_rows.append(dict(
                    process_id=process_id, hub_id=hub_id, kind=SessionKind.WORKSHOP, number=s + 1,
                    status=SessionStatus.HELD if s < shape.sessions_per_hub - 2 else SessionStatus.PLANNED,
                    title=f"Workshop {s + 1}", starts_at=starts, ends_at=starts + timedelta(hours=2, minutes=30),
                    duration_minutes=150, location="Rathaus", agenda="1. Begrüßung\n2. Arbeit",
                    minutes="Ergebnisse", version=1))
            sessions = self._ids(Session, len(session_rows), session_rows)
            attendance = [dict(session_id=s, person_id=p, status=AttendanceStatus.ATTENDED
                               if r.random() < shape.attendance_rate else AttendanceStatus.EXCUSED)
                          for s in sessions for p in people]
            db.session.execute(insert(Attendance), attendance)

            measure_rows = []
            for i in range(shape.ideas_per_hub):
                adopted = i < shape.adopted_per_hub
                status = MeasureStatus.ADOPTED if adopted else r.choice(STATUS_MIX)
                measure_rows.append(dict(
                    process_id=process_id, hub_id=hub_id, session_id=sessions[i % len(sessions)],
                    title=f"{r.choice(WORDS)} {r.choice(WORDS)} {self._next()}",
                    description="Das machen wir. " * 5, approach="So machen wir das. " * 5,
                    expected_effect="Wirkung", proposer_organization_id=organizations[i % len(organizations)],
                    primary_goal_id=goals[(h + i) % 7] if adopted else None,
                    horizon=r.choice(list(Horizon)) if adopted else None, is_focus_project=adopted and i == 0,
                    status=status if status != MeasureStatus.MERGED else MeasureStatus.IDEA, version=1))
            measures = self._ids(Measure, len(measure_rows), measure_rows)
            transitions = []
            for measure_id, row in zip(measures, measure_rows, strict=True):
                transitions.append(dict(measure_id=measure_id, from_status=None, to_status=MeasureStatus.IDEA))
                if row["status"] != MeasureStatus.IDEA:
                    transitions.append(dict(measure_id=measure_id, from_status=MeasureStatus.IDEA,
                                            to_status=row["status"], reason="Benchmark"))
            db.session.execute(insert(MeasureTransition), transitions)
            db.session.execute(insert(measure_responsible), [
                dict(measure_id=m, organization_id=partners[h % 8]) for m, row in zip(measures, measure_rows,
                                                                                      strict=True)
                if row["status"] == MeasureStatus.ADOPTED])
        return process_id

    def _users(self, people_roles: list[tuple[int, Role]]) -> None:
        from tracker.accounts.services import hash_password

        password_hash = hash_password(BENCH_PASSWORD)
        db.session.execute(insert(User), [dict(person_id=p, role=role, password_hash=password_hash,
                                               session_token=secrets.token_hex(16), is_active_account=True)
                                          for p, role in people_roles])


def generate(scale: int = 1, *, shape: Shape | None = None, processes: int | None = None, seed: int = 42) -> list[int]:
    """Fill the database; returns the ids of the generated processes."""
    count, default_shape = SCALES.get(scale, (1, ONE_X))
    generator = Generator(seed)
    ids = [generator.process(shape or default_shape, i) for i in range(processes or count)]
    db.session.commit()
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, choices=sorted(SCALES), default=1)
    args = parser.parse_args()
    from tracker import create_app

    app = create_app()
    with app.app_context():
        started = time.perf_counter()
        ids = generate(args.scale)
        # Fresh planner statistics, as autovacuum would gather them after a bulk load: without them
        # PostgreSQL guesses a few rows per table and scans all attendances for one process's figures.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"Generated {len(ids)} process(es) at {args.scale}x in {time.perf_counter() - started:.1f} s "
              f"(first process id {ids[0]}; benchmark logins use the password {BENCH_PASSWORD}).")


if __name__ == "__main__":
    main()
