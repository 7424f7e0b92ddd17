"""Demo records for implementation tracking: milestones and progress reports of adopted demo measures and
one process indicator with values (jobs created)."""

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
      ("Konzept im Lenkungskreis vorgestellt", date(2020, 3, 31), date(2020, 4, 15)),
      ("Umsetzung in allen Gewerbegebieten", date(2021, 6, 30), None)],
     [(date(2019, 10, 15), 10, Light.GREEN, "Projektgruppe hat die Arbeit aufgenommen."),
      (date(2020, 4, 20), 35, Light.YELLOW, "Konzept steht; Finanzierung noch offen."),
      (date(2020, 11, 10), 50, Light.GREEN, "Fördermittel bewilligt.")]),
    ([("Bedarfe der Unternehmen erhoben", date(2019, 12, 15), date(2019, 12, 10)),
      ("Pilotphase abgeschlossen", date(2020, 9, 30), None)],
     [(date(2020, 1, 20), 20, Light.GREEN, "Umfrage unter 40 Unternehmen ausgewertet."),
      (date(2020, 10, 5), 30, Light.RED, "Pilot verzögert sich; Partner gesucht.")]),
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
    jobs.values = [IndicatorValue(date=date(2019, 12, 31), value=Decimal(60), note="Meldung der Partner"),
                   IndicatorValue(date=date(2020, 12, 31), value=Decimal(145), note="Meldung der Partner")]
    db.session.add(jobs)
