"""Demo records for prioritisation: one closed dot-voting round over the demo proposals, with its ranking."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.measures.models import Measure, MeasureStatus
from tracker.prioritisation.models import Ballot, BallotEntry, Method, PrioritisationRound, RoundStatus
from tracker.prioritisation.services import compute_results

# Points per demo login, by position of the proposal in the round.
BALLOTS = {"steering": [3, 2, 0, 0, 0, 0], "moderator": [1, 3, 1, 0, 0, 0], "company": [0, 2, 3, 0, 0, 0],
           "admin": [2, 0, 0, 1, 1, 1]}


def load(process, users: dict) -> None:
    proposals = db.session.scalars(select(Measure).where(Measure.process_id == process.id,
                                                         Measure.status == MeasureStatus.PROPOSAL)
                                   .order_by(Measure.id)).all()
    if not proposals:
        return
    round_ = PrioritisationRound(process_id=process.id, title="Priorisierungsworkshop Mai 2019", method=Method.DOTS,
                                 status=RoundStatus.OPEN, points_per_voter=5, max_points_per_measure=3,
                                 created_by_id=users["steering"].id, opened_at=datetime(2019, 5, 22, 14, 0),
                                 measures=list(proposals))
    db.session.add(round_)
    db.session.flush()
    for role, points in BALLOTS.items():
        if role not in users:
            continue
        ballot = Ballot(round_id=round_.id, voter_id=users[role].id, updated_at=datetime(2019, 5, 22, 17, 0))
        ballot.entries = [BallotEntry(measure_id=m.id, value=p) for m, p in zip(proposals, points, strict=False) if p]
        db.session.add(ballot)
    db.session.flush()
    for result in compute_results(round_):
        result.round_id = round_.id
        db.session.add(result)
    round_.status = RoundStatus.CLOSED
    round_.closed_at = datetime(2019, 5, 22, 19, 0)
