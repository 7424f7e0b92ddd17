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
