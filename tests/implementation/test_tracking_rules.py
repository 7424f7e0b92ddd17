"""Implementation tracking as people meet it: the arithmetic of the roll-ups, when a measure counts as stale,
who may record what (per object), and forms that keep the input when something is wrong."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.accounts.models import Role
from tracker.audit.models import AuditEvent
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.implementation import services
from tracker.implementation.models import Indicator, IndicatorValue, Light, Milestone, ProgressUpdate
from tracker.measures.models import MeasureStatus


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (ProgressUpdate, Milestone, Indicator, IndicatorValue, AuditEvent))


def test_a_goal_with_measures_at_20_and_60_percent_stands_at_40(world):
    goal = factories.goal(world.process, number=2, title="Oberhausen ist innovativ")
    other = factories.goal(world.process, number=3, title="Anderes Ziel")
    a, b = (factories.measure(world.process, world.hub_a, status=MeasureStatus.ADOPTED, primary_goal=goal)
            for _ in range(2))
    c = factories.measure(world.process, world.hub_b, status=MeasureStatus.IN_PROGRESS, primary_goal=other)
    secondary_only = factories.measure(world.process, world.hub_b, status=MeasureStatus.ADOPTED, primary_goal=other)
    secondary_only.goals = [goal]  # a secondary goal does not count for the roll-up
    factories.measure(world.process, world.hub_a, status=MeasureStatus.PROPOSAL, primary_goal=goal)  # not in plan
    by = world.steering
    services.report_progress(a, on=date(2020, 1, 1), percent=80, light=Light.GREEN, by=by)  # earlier: ignored
    services.report_progress(a, on=date(2020, 5, 1), percent=20, light=Light.RED, by=by)
    services.report_progress(b, on=date(2020, 5, 1), percent=10, light=Light.GREEN, by=by)
    services.report_progress(b, on=date(2020, 5, 1), percent=60, light=Light.YELLOW, by=by)  # same day, later
    services.report_progress(c, on=date(2020, 5, 1), percent=100, light=Light.GREEN, by=by)
    services.report_progress(secondary_only, on=date(2020, 5, 1), percent=0, light=Light.RED, by=by)
    db.session.commit()

    by_goal = services.progress_by_goal(world.process)
    assert (by_goal[goal.id].measures, by_goal[goal.id].percent) == (2, 40.0)
    assert (by_goal[goal.id].red, by_goal[goal.id].yellow, by_goal[goal.id].green) == (1, 1, 0)
    assert by_goal[other.id].percent == 50.0
    by_hub = services.progress_by_hub(world.process)
    assert (by_hub[world.hub_a.id].percent, by_hub[world.hub_b.id].percent) == (40.0, 50.0)
    total = services.process_progress(world.process)
    assert (total.measures, total.percent) == (4, 45.0)
    assert services.light_counts(world.process) == {"green": 1, "yellow": 1, "red": 2, "unreported": 0}


def test_roll_ups_take_a_fixed_number_of_queries(world, app):
    goal = factories.goal(world.process, number=1, title="Z")
    for i in range(30):
        measure = factories.measure(world.process, world.hub_a, status=MeasureStatus.ADOPTED, primary_goal=goal)
        services.report_progress(measure, on=date(2020, 1, 1 + i % 28), percent=i, light=Light.GREEN,
                                 by=world.steering)
    db.session.commit()
    from sqlalchemy import event

    statements = []
    process = db.session.get(type(world.process), world.process.id)  # loaded before counting
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        services.progress_by_goal(process)
        services.progress_by_hub(process)
        services.process_progress(process)
        services.stale_measures(process, 90, date(2021, 1, 1))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 4  # one each, 30 measures


@pytest.mark.parametrize("age,stale", [(89, False), (90, False), (91, True)])
def test_a_measure_is_stale_only_after_more_than_the_given_days(world, plan, age, stale):
    _goal, (m0, _m1, _m2), _rep = plan
    today = date(2021, 3, 1)
    services.report_progress(m0, on=today - timedelta(days=age), percent=10, light=Light.GREEN, by=world.steering)
    db.session.commit()
    titles = [m.title for m, _last in services.stale_measures(world.process, 90, today)]
    assert ("M0" in titles) is stale
    assert "M1" in titles  # never reported: always on the list


def test_an_older_report_does_not_hide_a_newer_one_for_staleness(world, plan):
    _goal, (m0, _m1, _m2), _rep = plan
    today = date(2021, 3, 1)
    services.report_progress(m0, on=today - timedelta(days=5), percent=30, light=Light.GREEN, by=world.steering)
    services.report_progress(m0, on=today - timedelta(days=400), percent=5, light=Light.GREEN, by=world.steering)
    db.session.commit()
    assert "M0" not in [m.title for m, _last in services.stale_measures(world.process, 90, today)]


def test_the_stale_list_follows_the_configuration_and_the_url(app, client, world, plan, login):
    _goal, (m0, m1, m2), _rep = plan
    today = date.today()
    for measure, age in ((m0, 20), (m1, 45), (m2, 100)):
        services.report_progress(measure, on=today - timedelta(days=age), percent=10, light=Light.GREEN,
                                 by=world.steering)
    db.session.commit()
    login(world.company_a)

    def stale_titles(url):
        page = client.get(url).get_data(as_text=True)
        stale_part = page.split('id="stale"')[1].split("</ul>")[0]
        return {t for t in ("M0", "M1", "M2") if f">{t}<" in stale_part}

    url = f"/processes/{world.process.id}/implementation"
    assert stale_titles(url) == {"M2"}  # default 90 days
    app.config["STALE_PROGRESS_DAYS"] = 30
    assert stale_titles(url) == {"M1", "M2"}
    assert stale_titles(url + "?days=10") == {"M0", "M1", "M2"}
    assert stale_titles(url + "?days=abc") == {"M1", "M2"}  # nonsense falls back to the configuration


def test_overdue_milestones_leave_out_done_and_future_ones(world, plan):
    _goal, (m0, m1, _m2), _rep = plan
    today = date(2021, 3, 1)
    late = services.add_milestone(m0, title="Zu spät", due_on=today - timedelta(days=30), by=world.steering)
    services.add_milestone(m1, title="Knapp", due_on=today - timedelta(days=1), by=world.steering)
    done = services.add_milestone(m1, title="Erledigt", due_on=today - timedelta(days=60), by=world.steering)
    services.set_milestone_done(done, True, on=today, by=world.steering)
    services.add_milestone(m0, title="Heute fällig", due_on=today, by=world.steering)
    services.add_milestone(m0, title="Ohne Datum", due_on=None, by=world.steering)
    db.session.commit()
    assert [m.title for m in services.overdue_milestones(world.process, today)] == ["Zu spät", "Knapp"]
    assert late.measure_id == m0.id


def test_indicator_series_is_in_date_order(world):
    indicator = services.add_indicator(world.process, name="Investitionen", unit="€",
                                       baseline=Decimal(0), target=Decimal(1_000_000), by=world.steering)
    services.add_value(indicator, on=date(2020, 12, 31), value=Decimal(400_000), by=world.steering)
    services.add_value(indicator, on=date(2019, 12, 31), value=Decimal(150_000), by=world.steering)
    db.session.commit()
    assert services.indicator_series(indicator) == [(date(2019, 12, 31), Decimal("150000.00")),
                                                    (date(2020, 12, 31), Decimal("400000.00"))]


# Who may record -----------------------------------------------------------------------------------

def _actor(world, plan, who):
    if who == "rep":
        return plan[2]
    if who == "rep_other_org":
        return factories.user(Role.COMPANY, organization=factories.organization(name="Fremd GmbH"))
    return getattr(world, who)


POSTS = {
    "progress": lambda m, ind, ms: (f"/measures/{m.id}/progress",
                                    {"progress-on": "2020-06-01", "progress-percent": 40, "progress-light": "yellow"}),
    "milestone": lambda m, ind, ms: (f"/measures/{m.id}/milestones",
                                     {"milestone-title": "Start", "milestone-due_on": "2020-09-01"}),
    "done": lambda m, ind, ms: (f"/milestones/{ms.id}/done", {"done": "1"}),
    "indicator": lambda m, ind, ms: (f"/measures/{m.id}/indicators", {"indicator-name": "Stellen"}),
    "value": lambda m, ind, ms: (f"/indicators/{ind.id}/values", {"value-on": "2020-06-01", "value-value": "3"}),
}


def _post(client, url_and_data):
    url, data = url_and_data
    return client.post(url, data=data)


@pytest.fixture
def objects(world, plan):
    """The first plan measure with a milestone and an indicator of its own."""
    m0 = plan[1][0]
    milestone = services.add_milestone(m0, title="Vorhanden", due_on=None, by=world.steering)
    indicator = services.add_indicator(m0, name="Kunden", unit="", baseline=None,
                                       target=Decimal(10), by=world.steering)
    db.session.commit()
    return m0, indicator, milestone


@pytest.mark.parametrize("action", sorted(POSTS))
@pytest.mark.parametrize("who,allowed", [("steering", True), ("admin", True), ("rep", True),
                                         ("rep_other_org", False), ("moderator_a", False),
                                         ("moderator_b", False), ("company_a", False)])
def test_who_records_on_a_measure(client, world, plan, objects, login, action, who, allowed):
    m0, indicator, milestone = objects
    login(_actor(world, plan, who))
    before = _counts()
    url, data = POSTS[action](m0, indicator, milestone)
    response = client.post(url, data=data)
    assert response.status_code == (302 if allowed else 403)
    db.session.expire_all()
    if not allowed:
        assert _counts() == before
        assert db.session.get(Milestone, milestone.id).done is False


def test_the_representative_reports_only_on_the_measure_their_organisation_is_responsible_for(client, world, plan,
                                                                                              login):
    _goal, (_m0, m1, _m2), rep = plan
    login(rep)
    before = _counts()
    assert _post(client, POSTS["progress"](m1, None, None)).status_code == 403
    assert _counts() == before


def test_the_responsible_moderator_reports_as_a_representative_of_the_partner(client, world, plan, login):
    _goal, (_m0, m1, _m2), _rep = plan
    m1.responsible_organizations = [world.partner]  # the moderators of the world act for the partner
    db.session.commit()
    login(world.moderator_b)
    assert _post(client, POSTS["progress"](m1, None, None)).status_code == 302


@pytest.mark.parametrize("status,allowed", [(MeasureStatus.ADOPTED, True), (MeasureStatus.IN_PROGRESS, True),
                                            (MeasureStatus.ON_HOLD, True), (MeasureStatus.COMPLETED, False),
                                            (MeasureStatus.PROPOSAL, False), (MeasureStatus.REJECTED, False)])
def test_progress_is_recorded_while_a_measure_is_being_implemented(client, world, login, status, allowed):
    measure = factories.measure(world.process, world.hub_a, status=status)
    db.session.commit()
    login(world.steering)
    before = _counts()
    response = _post(client, POSTS["progress"](measure, None, None))
    assert response.status_code == (302 if allowed else 409)  # a question of the state, not of the right
    if not allowed:
        assert _counts() == before


@pytest.mark.parametrize("who", ["moderator_a", "company_a"])
def test_only_steering_keeps_the_process_indicators(client, world, login, who):
    indicator = services.add_indicator(world.process, name="Arbeitsplätze", unit="Stellen",
                                       baseline=None, target=None, by=world.steering)
    db.session.commit()
    login(getattr(world, who))
    before = _counts()
    assert client.post(f"/processes/{world.process.id}/indicators",
                       data={"indicator-name": "Investitionen"}).status_code == 403
    assert client.post(f"/indicators/{indicator.id}/values",
                       data={"value-on": "2020-01-01", "value-value": "5"}).status_code == 403
    assert _counts() == before
    page = client.get(f"/processes/{world.process.id}/implementation").get_data(as_text=True)
    assert "Arbeitsplätze" in page and f"/indicators/{indicator.id}/values" not in page


SERVICE_CALLS = {
    "progress": lambda m, ind, ms, by: services.report_progress(m, on=date(2020, 6, 1), percent=40,
                                                                light=Light.YELLOW, by=by),
    "milestone": lambda m, ind, ms, by: services.add_milestone(m, title="Start", due_on=None, by=by),
    "done": lambda m, ind, ms, by: services.set_milestone_done(ms, True, on=date(2020, 6, 1), by=by),
    "indicator": lambda m, ind, ms, by: services.add_indicator(m, name="Stellen", by=by),
    "value": lambda m, ind, ms, by: services.add_value(ind, on=date(2020, 6, 1), value=Decimal(3), by=by),
}


@pytest.mark.parametrize("action", sorted(SERVICE_CALLS))
@pytest.mark.parametrize("who", ["rep_other_org", "moderator_a", "company_a"])
def test_the_services_themselves_refuse_who_may_not_record(world, plan, objects, action, who):
    """As the CLI or an importer would meet the rule: without a page or an endpoint in front."""
    m0, indicator, milestone = objects
    before = _counts()
    with pytest.raises(NotAllowed):
        SERVICE_CALLS[action](m0, indicator, milestone, _actor(world, plan, who))
    assert _counts() == before and milestone.done is False


def test_a_company_reports_no_progress_on_a_measure_it_is_not_responsible_for(world, plan):
    _goal, (m0, m1, _m2), rep = plan
    with pytest.raises(NotAllowed):
        services.report_progress(m1, on=date(2020, 6, 1), percent=40, light=Light.GREEN, by=rep)
    with pytest.raises(NotAllowed):
        services.report_progress(m0, on=date(2020, 6, 1), percent=40, light=Light.GREEN, by=world.company_a)
    services.report_progress(m0, on=date(2020, 6, 1), percent=40, light=Light.GREEN, by=rep)  # its own measure


def test_the_process_indicators_are_the_steering_groups_in_the_service_too(world):
    with pytest.raises(NotAllowed):
        services.add_indicator(world.process, name="Arbeitsplätze", by=world.moderator_a)
    indicator = services.add_indicator(world.process, name="Arbeitsplätze", by=world.steering)
    with pytest.raises(NotAllowed):
        services.add_value(indicator, on=date(2020, 6, 1), value=Decimal(5), by=world.company_a)


def test_the_service_refuses_progress_once_a_measure_is_completed(world):
    measure = factories.measure(world.process, world.hub_a, status=MeasureStatus.COMPLETED)
    with pytest.raises(Conflict):
        services.report_progress(measure, on=date(2020, 6, 1), percent=100, light=Light.GREEN, by=world.steering)


@pytest.mark.parametrize("percent", [-1, 101])
def test_the_service_keeps_the_percentage_between_0_and_100(world, plan, percent):
    with pytest.raises(Invalid) as refused:
        services.report_progress(plan[1][0], on=date(2020, 6, 1), percent=percent, light=Light.GREEN,
                                 by=world.steering)
    assert refused.value.field == "percent"


def test_a_milestone_and_an_indicator_need_a_name(world, plan):
    m0 = plan[1][0]
    with pytest.raises(Invalid):
        services.add_milestone(m0, title="  ", due_on=None, by=world.steering)
    with pytest.raises(Invalid):
        services.add_indicator(m0, name="", by=world.steering)


# Pages ----------------------------------------------------------------------------------------------

def test_readers_see_the_section_without_forms_and_reporters_with_them(client, world, plan, objects, login):
    m0, _indicator, _milestone = objects
    services.report_progress(m0, on=date(2020, 6, 1), percent=45, light=Light.YELLOW, note="Ausschreibung läuft",
                             by=world.steering)
    db.session.commit()
    login(world.company_a)
    page = client.get(f"/measures/{m0.id}").get_data(as_text=True)
    assert 'id="implementation"' in page and "Ausschreibung läuft" in page and "Vorhanden" in page
    assert f"/measures/{m0.id}/progress" not in page
    client.post("/logout")
    login(plan[2])
    page = client.get(f"/measures/{m0.id}").get_data(as_text=True)
    assert f"/measures/{m0.id}/progress" in page and f"/measures/{m0.id}/milestones" in page


def test_a_wrong_progress_form_comes_back_with_the_input_and_saves_nothing(client, world, plan, login):
    m0 = plan[1][0]
    login(world.steering)
    before = _counts()
    response = client.post(f"/measures/{m0.id}/progress", data={"progress-on": "2020-06-01",
                                                                "progress-percent": "140", "progress-light": "red",
                                                                "progress-note": "Mein Bericht"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="140"' in page and "Mein Bericht" in page and 'class="error"' in page
    assert _counts() == before


def test_an_indicator_value_that_is_no_number_is_refused_next_to_the_field(client, world, plan, objects, login):
    _m0, indicator, _milestone = objects
    login(world.steering)
    before = _counts()
    response = client.post(f"/indicators/{indicator.id}/values", data={"value-on": "2020-06-01",
                                                                       "value-value": "viele"})
    assert response.status_code == 400 and 'value="viele"' in response.get_data(as_text=True)
    assert _counts() == before
    ok = client.post(f"/indicators/{indicator.id}/values", data={"value-on": "2020-06-01", "value-value": "1.250,5"})
    assert ok.status_code == 302
    assert services.indicator_series(indicator) == [(date(2020, 6, 1), Decimal("1250.50"))]


def test_the_overview_shows_goals_hubs_stale_and_overdue(client, world, plan, login):
    _goal, (m0, m1, _m2), _rep = plan
    today = date.today()
    services.report_progress(m0, on=today, percent=20, light=Light.GREEN, by=world.steering)
    services.report_progress(m1, on=today, percent=60, light=Light.RED, by=world.steering)
    services.add_milestone(m1, title="Förderantrag stellen", due_on=today - timedelta(days=3), by=world.steering)
    db.session.commit()
    login(world.moderator_b)
    response = client.get(f"/processes/{world.process.id}/implementation")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1. Digital" in page and world.hub_a.name in page
    assert "26,7\u00a0%" in page  # (20 + 60 + 0) / 3, German number format
    assert "Förderantrag stellen" in page
