"""Issue 18: decisions people notice — rounds, merges, supporters — through a real SMTP server."""

from tests import factories
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.mail import services
from tracker.mail.models import MailKind
from tracker.measures.models import MeasureStatus
from tracker.prioritisation import services as rounds
from tracker.prioritisation.models import Method


def _recipients(smtp) -> dict[str, object]:
    return {rcpt[0]: message for rcpt, message in smtp.messages}


def _proposals(world, n=2):
    measures = [factories.measure(world.process, world.hub_a, title=f"Vorschlag {i}", status=MeasureStatus.PROPOSAL)
                for i in range(n)]
    db.session.commit()
    return measures


def test_participants_hear_when_a_round_opens_and_when_its_results_are_out(app, world, smtp):
    outsider = factories.user(Role.COMPANY, organization=factories.organization(), name="Olga Outside")
    world.company_b.locale = "en"
    services.set_preference(world.moderator_b.person, MailKind.ROUND, False)
    db.session.commit()
    a, b = _proposals(world)
    round_ = rounds.open_round(world.process, title="Frühjahr", method=Method.DOTS, measures=[a, b],
                               points_per_voter=3, by=world.steering)
    db.session.commit()
    services.send_due()
    opened = _recipients(smtp)
    # company representatives of hub members, moderators and steering; not an organisation outside the hubs,
    # not who switched these mails off
    assert {world.company_a.email, world.company_b.email, world.moderator_a.email,
            world.steering.email} <= set(opened)
    assert outsider.email not in opened and world.moderator_b.email not in opened
    assert opened[world.company_a.email]["Subject"] == "Priorisierungsrunde geöffnet: „Frühjahr“"
    assert opened[world.company_b.email]["Subject"] == "Prioritisation round open: “Frühjahr”"
    assert f"/rounds/{round_.id}" in opened[world.company_a.email].get_body(("plain",)).get_content()

    smtp.messages.clear()
    rounds.vote(round_, {b.id: 3}, by=world.company_a)
    rounds.close_round(round_, by=world.steering)
    db.session.commit()
    services.send_due()
    published = _recipients(smtp)
    assert published[world.company_b.email]["Subject"] == "Results of the prioritisation round “Frühjahr”"
    assert "1. Vorschlag 1" in published[world.company_b.email].get_body(("plain",)).get_content()


def test_open_rounds_are_in_the_navigation_and_on_the_start_page(client, world, login):
    a, b = _proposals(world)
    round_ = rounds.open_round(world.process, title="Offene Runde", method=Method.DOTS, measures=[a, b],
                               points_per_voter=3, by=world.steering)
    db.session.commit()
    login(world.company_a)
    start = client.get("/start").get_data(as_text=True)
    assert 'id="open-rounds"' in start and "Offene Runde" in start
    assert f'href="/rounds/{round_.id}" class="nav-rounds"' in start
    rounds.close_round(round_, by=world.steering)
    db.session.commit()
    start = client.get("/start").get_data(as_text=True)
    assert 'id="open-rounds"' not in start and "nav-rounds" not in start


def test_proposers_hear_of_a_merge_and_see_it_on_their_start_page(app, client, login, world, smtp):
    from tracker.measures import services as measures
    target = factories.measure(world.process, world.hub_a, title="Gemeinsame Maßnahme")
    db.session.commit()
    measures.merge(target, [world.measure_a], by=world.moderator_a)
    db.session.commit()
    services.send_due()
    mail = _recipients(smtp)[world.company_a.email]
    assert mail["Subject"] == "„Idee aus A“ wurde in „Gemeinsame Maßnahme“ zusammengeführt"
    assert f"/measures/{target.id}" in mail.get_body(("plain",)).get_content()
    login(world.company_a)
    activity = client.get("/start").get_data(as_text=True).split('id="my-ideas-activity"')[1]
    assert "Idee aus A" in activity and "Zusammengeführt" in activity
    assert f'href="/measures/{target.id}">Gemeinsame Maßnahme</a>' in activity


def test_supporters_who_opt_in_hear_of_adoption_and_rejection(app, world, smtp):
    from tracker.measures import services as measures
    goal = factories.goal(world.process)
    adopted = factories.measure(world.process, world.hub_a, title="Wird beschlossen", status=MeasureStatus.PROPOSAL,
                                primary_goal=goal)
    rejected = factories.measure(world.process, world.hub_a, title="Wird abgelehnt", status=MeasureStatus.PROPOSAL)
    other = factories.user(Role.COMPANY, organization=world.org_b, name="Bea Beta")
    db.session.commit()
    for measure in (adopted, rejected):
        measures.toggle_support(measure, by=world.company_b)
    services.set_preference(world.company_b.person, MailKind.SUPPORTED_MEASURE, True)
    world.company_b.locale = "en"
    db.session.commit()
    measures.transition(adopted, MeasureStatus.ADOPTED, by=world.steering)
    measures.transition(rejected, MeasureStatus.REJECTED, by=world.steering, reason="Zu teuer")
    db.session.commit()
    services.send_due()
    subjects = sorted(message["Subject"] for rcpt, message in smtp.messages if rcpt == [world.company_b.email])
    assert subjects == ["A measure you support is now “Adopted”: “Wird beschlossen”",
                        "A measure you support is now “Rejected”: “Wird abgelehnt”"]
    # the same organisation's colleague did not ask for these mails
    assert all(rcpt != [other.email] for rcpt, _message in smtp.messages)


def test_reviewers_of_a_submitted_plan_version_are_mailed_over_smtp(app, world, smtp):
    from tracker.plan import versions
    second = factories.make_steering(world.process, organization=world.partner, name="Sina Steering-2",
                                     email="sina@example.org")
    db.session.commit()
    version = versions.freeze(world.process, "Masterplan 2019", by=world.steering)
    versions.submit(version, by=world.steering)
    db.session.commit()
    services.send_due()
    mails = _recipients(smtp)
    assert second.email in mails and world.steering.email not in mails  # not the submitter
    assert f"/plan/versions/{version.id}" in mails[second.email].get_body(("plain",)).get_content()


def test_supporters_opt_in_through_the_api_too(client, world, bearer):
    headers = bearer(world.company_b)
    before = client.get("/api/v1/me/mail-preferences", headers=headers).get_json()["preferences"]
    assert before["supported"] is False and before["measure_status"] is True and "account" not in before
    answer = client.put("/api/v1/me/mail-preferences", headers=headers, json={"preferences": {"supported": True}})
    assert answer.status_code == 200 and answer.get_json()["preferences"]["supported"] is True
    assert services.wants(world.company_b.person, MailKind.SUPPORTED_MEASURE)
    refused = client.put("/api/v1/me/mail-preferences", headers=headers, json={"preferences": {"account": False}})
    assert refused.status_code == 400
