"""Demo records for implementation tracking: milestones and progress reports of adopted demo measures and
one process indicator with values (jobs created).

The demo process is in its adoption phase (its measures were adopted in June 2019, the plan waits for the
steering group's approval): every report and value lies between the adoption and the end of the process
(31 Dec 2019); later milestones are still open."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from tracker.extensions import db
from tracker.implementation.models import Indicator, IndicatorValue, Light, Milestone, ProgressUpdate
from tracker.measures.models import Measure, MeasureStatus

# (milestones: title, due, done on), (progress reports: date, percent, light, note) for the first adopted measures.
PLANS = [
    ([("Projektgruppe eingesetzt", date(2019, 9, 30), date(2019, 9, 20)),
      ("Konzept im Lenkungskreis vorgestellt", date(2020, 3, 31), None),
      ("Umsetzung in allen Gewerbegebieten", date(2021, 6, 30), None)],
     [(date(2019, 8, 15), 5, Light.GREEN, "Auftrag im Lenkungskreis erteilt."),
      (date(2019, 10, 15), 10, Light.GREEN, "Projektgruppe hat die Arbeit aufgenommen."),
      (date(2019, 12, 10), 20, Light.YELLOW, "Konzeptentwurf steht; Finanzierung noch offen.")]),
    ([("Bedarfe der Unternehmen erhoben", date(2019, 11, 15), date(2019, 11, 10)),
      ("Pilotphase abgeschlossen", date(2020, 9, 30), None)],
     [(date(2019, 9, 20), 10, Light.GREEN, "Fragebogen an 40 Unternehmen verschickt."),
      (date(2019, 11, 25), 20, Light.RED, "Umfrage ausgewertet; Pilotpartner fehlen noch.")]),
]


def load(process, users: dict) -> None:
    steering = users.get("steering")
    adopted = db.session.scalars(select(Measure).where(Measure.process_id == process.id,
                                                       Measure.status == MeasureStatus.ADOPTED)
                                 .order_by(Measure.id).limit(len(PLANS))).all()
    for measure, (milestones, reports) in zip(adopted, PLANS, strict=False):
        for title, due, done_on in milestones:
            db.session.add(Milestone(measure=measure, title=title, due_on=due, done=done_on is not None,
                                     done_on=done_on))
        for on, percent, light, note in reports:
            db.session.add(ProgressUpdate(measure=measure, date=on, percent=percent, light=light, note=note,
                                          by=steering, created_at=datetime(on.year, on.month, on.day, 12, 0)))
    jobs = Indicator(process_id=process.id, name="Neu geschaffene Arbeitsplätze", unit="Stellen",
                     baseline=Decimal(0), target=Decimal(500))
    jobs.values = [IndicatorValue(date=date(2019, 9, 30), value=Decimal(20), note="Meldung der Partner"),
                   IndicatorValue(date=date(2019, 12, 31), value=Decimal(60), note="Meldung der Partner")]
    db.session.add(jobs)
