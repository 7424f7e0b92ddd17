"""Login, logout, profile, passwords and user administration."""

import pytest
from sqlalchemy import select

from tests import factories
from tracker.accounts import services
from tracker.accounts.models import Role, User
from tracker.accounts.signals import set_password_link_created
from tracker.audit.models import AuditEvent
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.permissions import SYSTEM


def test_login_and_logout(client, world, login):
    response = login(world.company_a)
    assert response.headers["Location"] == "/"
    assert client.get("/profile").status_code == 200
    client.post("/logout")
    assert client.get("/profile").status_code == 302


@pytest.mark.parametrize("email", ["carla@wrong.example", None])
def test_wrong_password_or_unknown_email_gets_the_same_message(client, world, email):
    response = client.post("/login", data={"email": email or world.company_a.email, "password": "falsch-123456"})
    assert response.status_code == 401
    assert "E-Mail oder Passwort ist nicht korrekt" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login_failed")) is not None


def test_login_keeps_the_typed_email_on_error(client, world):
    response = client.post("/login", data={"email": "someone@example.org", "password": "x"})
    assert 'value="someone@example.org"' in response.get_data(as_text=True)


def test_deactivated_account_cannot_log_in(client, world):
    world.company_a.is_active_account = False
    db.session.commit()
    response = client.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD})
    assert response.status_code == 401


def test_login_refuses_a_foreign_redirect(client, world):
    response = client.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD,
                                           "next": "//evil.example/steal"})
    assert response.headers["Location"] == "/"


def test_login_renews_the_session(client, world):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_password_change_logs_out_other_devices(app, world, login, client):
    other_device = app.test_client()
    other_device.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD})
    assert other_device.get("/profile").status_code == 200
    login(world.company_a)
    response = client.post("/profile/password", data={
        "pw-current_password": factories.PASSWORD, "pw-password": "Neues-Passwort-456",
        "pw-confirm": "Neues-Passwort-456"})
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200  # this device stays in
    assert other_device.get("/profile").status_code == 302  # the other one is out


def test_weak_password_is_refused_with_a_reason(client, world, login):
    login(world.company_a)
    response = client.post("/profile/password", data={
        "pw-current_password": factories.PASSWORD, "pw-password": "kurz", "pw-confirm": "kurz"})
    assert response.status_code == 400
    assert "mindestens 10 Zeichen" in response.get_data(as_text=True)


def test_set_password_link_works_once(client, world):
    pending = factories.user(Role.COMPANY, password=None)
    db.session.commit()
    token = services.set_password_token(pending)
    assert client.get(f"/set-password/{token}").status_code == 200
    response = client.post(f"/set-password/{token}", data={"password": "Mein-Passwort-1", "confirm": "Mein-Passwort-1"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": pending.email, "password": "Mein-Passwort-1"}).status_code == 302
    assert client.get(f"/set-password/{token}").status_code == 400


def test_tampered_set_password_link_is_refused(client, world):
    token = services.set_password_token(world.company_a)
    middle = len(token) - 10  # inside the signature, where every bit counts (the last characters carry padding)
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    assert client.get(f"/set-password/{tampered}").status_code == 400


def test_profile_language_switches_the_ui(client, world, login):
    login(world.company_a)
    assert "Abmelden" in client.get("/profile").get_data(as_text=True)
    client.post("/profile", data={"name": "Carla C.", "function": "", "locale": "en"})
    page = client.get("/profile").get_data(as_text=True)
    assert "Log out" in page and "Carla C." in page


def test_csrf_token_is_required(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_login_is_rate_limited(make_app, world):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    codes = [client.post("/login", data={"email": "x@example.org", "password": "nope"}).status_code
             for _ in range(12)]
    assert codes[-1] == 429


class TestUserAdministration:
    def test_only_admins_see_user_administration(self, client, world, login):
        login(world.steering)
        assert client.get("/admin/users").status_code == 403

    def test_admin_creates_a_moderator_for_a_hub(self, client, world, login):
        login(world.admin)
        response = client.post("/admin/users/new", data={
            "name": "Neue Moderatorin", "email": "Neu@Example.org", "function": "", "role": "moderator",
            "organization_id": world.partner.id, "hub_ids": [world.hub_b.id], "is_active": "y"})
        assert response.status_code == 302
        user = services.user_by_email("neu@example.org")
        assert user.role == Role.MODERATOR and [h.id for h in user.moderated_hubs] == [world.hub_b.id]
        assert user.password_hash is None
        link_page = client.post(f"/admin/users/{user.id}/set-password-link", follow_redirects=True)
        assert "/set-password/" in link_page.get_data(as_text=True)

    def test_duplicate_email_is_shown_next_to_the_field_and_input_kept(self, client, world, login):
        login(world.admin)
        response = client.post("/admin/users/new", data={
            "name": "Zweite Carla", "email": world.company_a.email, "role": "company", "organization_id": 0})
        page = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "Zweite Carla" in page and "Es gibt bereits ein Konto" in page
        assert db.session.scalar(select(User).join(User.person).where(User.person.has(name="Zweite Carla"))) is None

    def test_admin_changes_a_role(self, client, world, login):
        login(world.admin)
        user = world.company_b
        response = client.post(f"/admin/users/{user.id}", data={
            "name": user.name, "email": user.email, "role": "steering", "organization_id": world.org_b.id,
            "is_active": "y"})
        assert response.status_code == 302
        db.session.refresh(user)
        assert user.role == Role.STEERING

    def test_admin_cannot_demote_themselves(self, client, world, login):
        login(world.admin)
        response = client.post(f"/admin/users/{world.admin.id}", data={
            "name": world.admin.name, "email": world.admin.email, "role": "company",
            "organization_id": 0, "is_active": "y"})
        assert response.status_code == 400
        db.session.refresh(world.admin)
        assert world.admin.role == Role.ADMIN


def test_create_user_command(runner, world):
    result = runner.invoke(args=["create-user", "--email", "cli@example.org", "--name", "Cli User",
                                 "--role", "steering", "--password", "Cli-Passwort-1"])
    assert result.exit_code == 0, result.output
    assert services.user_by_email("cli@example.org").role == Role.STEERING
    again = runner.invoke(args=["create-user", "--email", "cli@example.org", "--name", "X",
                                "--password", "Abc-12345678"])
    assert again.exit_code != 0 and "bereits ein Konto" in again.output


class TestAccountRules:
    """The user-editing rules live in accounts.services; the admin pages and the CLI only call them."""

    def _fields(self, user, **overrides):
        fields = dict(name=user.name, email=user.email, function=None, organization=user.organization,
                      role=user.role, is_active=True, moderated_hubs=list(user.moderated_hubs))
        fields.update(overrides)
        return fields

    def test_only_administrators_create_and_edit_accounts(self, world):
        with pytest.raises(NotAllowed):
            services.create_user(by=world.steering, name="Neu", email="neu@example.org", role=Role.ADMIN)
        with pytest.raises(NotAllowed):
            services.update_user(world.company_a, by=world.steering, **self._fields(world.company_a, role=Role.ADMIN))
        with pytest.raises(NotAllowed):
            services.create_set_password_link(world.company_a, by=world.moderator_a)
        assert services.user_by_email("neu@example.org") is None and world.company_a.role == Role.COMPANY

    def test_an_admin_can_neither_demote_nor_deactivate_themselves(self, client, world, login):
        with pytest.raises(Invalid) as refused:
            services.update_user(world.admin, by=world.admin, **self._fields(world.admin, is_active=False))
        assert refused.value.field == "is_active"
        login(world.admin)
        response = client.post(f"/admin/users/{world.admin.id}", data={
            "name": world.admin.name, "email": world.admin.email, "role": "admin",
            "organization_id": world.partner.id})
        assert response.status_code == 400
        assert "Sie können Ihr eigenes Konto nicht deaktivieren." in response.get_data(as_text=True)
        db.session.refresh(world.admin)
        assert world.admin.is_active_account
        services.update_user(world.admin, by=SYSTEM, **self._fields(world.admin, role=Role.STEERING))
        assert world.admin.role == Role.STEERING  # another administrator (here the installation) may

    def test_emails_stay_unique_when_an_account_is_edited(self, client, world, login):
        with pytest.raises(Conflict) as refused:
            services.update_user(world.company_b, by=world.admin,
                                 **self._fields(world.company_b, email=world.company_a.email.upper()))
        assert refused.value.field == "email"
        login(world.admin)
        response = client.post(f"/admin/users/{world.company_b.id}", data={
            "name": "Carl Neu", "email": world.company_a.email, "role": "company", "organization_id": world.org_b.id,
            "is_active": "y"})
        assert response.status_code == 409 and "Carl Neu" in response.get_data(as_text=True)
        db.session.refresh(world.company_b.person)
        assert world.company_b.name == "Carl Company-B"

    def test_a_moderator_who_changes_role_leaves_their_hubs_with_an_audit_entry(self, world):
        services.update_user(world.moderator_a, by=world.admin, **self._fields(world.moderator_a, role=Role.STEERING))
        db.session.commit()
        assert world.moderator_a.moderated_hubs == [] and world.hub_a.moderators == []
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assign_moderators"))
        assert (event.object_id, event.user_id) == (world.hub_a.id, world.admin.id)

    def test_the_set_password_link_is_announced_once_by_the_service(self, client, world, login):
        announced = []

        def receiver(user, link, by):
            announced.append((user.id, link, by.id))

        set_password_link_created.connect(receiver)
        try:
            login(world.admin)
            client.post(f"/admin/users/{world.company_a.id}/set-password-link")
        finally:
            set_password_link_created.disconnect(receiver)
        assert len(announced) == 1 and announced[0][0] == world.company_a.id and announced[0][2] == world.admin.id
        assert "/set-password/" in announced[0][1]


def test_create_user_command_assigns_hubs_through_the_audited_service(runner, world):
    result = runner.invoke(args=["create-user", "--email", "mod@example.org", "--name", "Neue Moderation",
                                 "--role", "moderator", "--hub", str(world.hub_b.id), "--link"])
    assert result.exit_code == 0, result.output
    user = services.user_by_email("mod@example.org")
    assert [h.id for h in user.moderated_hubs] == [world.hub_b.id] and "/set-password/" in result.output
    events = db.session.execute(select(AuditEvent.action, AuditEvent.object_id, AuditEvent.user_id)
                                .where(AuditEvent.action.in_(["create", "assign_moderators", "set_password_link"]))
                                .order_by(AuditEvent.id)).all()
    assert ("assign_moderators", world.hub_b.id, None) in events  # done by the installation, not by a user
    unknown = runner.invoke(args=["create-user", "--email", "x@example.org", "--name", "X", "--role", "moderator",
                                  "--hub", "999", "--link"])
    assert unknown.exit_code != 0 and "999" in unknown.output and services.user_by_email("x@example.org") is None
