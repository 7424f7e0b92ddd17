"""Implementation tracking feeds the plan: each measure's latest progress, milestones, the chapter's roll-up."""

from datetime import date

from tests import factories
from tracker.extensions import db
from tracker.implementation import services as implementation
from tracker.implementation.models import Light
from tracker.measures.models import Measure
from tracker.plan import generator, updates, versions


def test_measures_show_their_latest_progress_and_chapters_their_roll_up(client, login, world, plan):
    implementation.report_progress(plan.in_progress, on=date(2020, 3, 1), percent=20, light=Light.YELLOW,
                                   by=world.steering)
    implementation.report_progress(plan.in_progress, on=date(2020, 6, 1), percent=60, light=Light.GREEN,
                                   note="Erste Börse im Mai", by=world.steering)
    implementation.add_milestone(plan.in_progress, title="Erste Börse", due_on=date(2020, 5, 15), by=world.steering)
    db.session.commit()
    doc = generator.build(world.process)
    measure = generator.all_measures(doc)[plan.in_progress.id]
    assert measure["progress"] == {"percent": 60, "light": "green", "date": "2020-06-01",
                                   "note": "Erste Börse im Mai"}
    assert measure["milestones"][0]["title"] == "Erste Börse"
    chapter = next(c for c in doc["chapters"] if c["number"] == 2)
    rollup = implementation.progress_by_goal(world.process)[plan.goal_2.id]
    assert chapter["progress"]["average_percent"] == round(rollup.percent)
    assert chapter["progress"]["lights"] == {"green": 1, "unreported": 1}
    login(world.steering)
    text = client.get(f"/processes/{world.process.id}/plan?format=md").get_data(as_text=True)
    assert "60\u00a0%" in text and "Erste Börse im Mai" in text and "Meilensteine: Erste Börse (fällig am" in text


def test_an_update_process_starts_with_the_latest_progress_of_each_original(world, plan):
    implementation.report_progress(plan.in_progress, on=date(2020, 6, 1), percent=60, light=Light.GREEN,
                                   by=world.steering)
    version = versions.freeze(world.process, "Masterplan", by=world.steering)
    versions.submit(version, by=world.steering)
    factories.approve_plan_version(version)
    update = updates.start_update(version, "Update", by=world.steering)
    db.session.commit()
    copy = db.session.scalar(db.select(Measure).where(Measure.process_id == update.id,
                                                      Measure.origin_measure_id == plan.in_progress.id))
    assert implementation.latest_progress([copy.id])[copy.id].percent == 60
    measure = generator.all_measures(generator.build(update))[copy.id]
    assert measure["progress"]["percent"] == 60 and measure["update"] == "unchanged"
