"""Login, logout, profile and the set-password link."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from tracker.accounts import logins, services, throttle
from tracker.accounts.forms import ForgotPasswordForm, LoginForm, PasswordChangeForm, ProfileForm, SetPasswordForm
from tracker.audit.services import record
from tracker.errors import Invalid
from tracker.extensions import db, limiter
from tracker.urls import local_path

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never send a freshly logged-in user to another host."""
    return local_path(target) or url_for("public.home")


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Log in by email and password; the failure message never says which of the two was wrong."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(form.next.data))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, address=request.remote_addr)
        except throttle.TooManyAttempts as refused:
            flash(_("Too many failed logins. Please wait a while and try again."), "error")
            response = current_app.make_response((render_template("accounts/login.html", form=form), 429))
            response.headers["Retry-After"] = str(refused.retry_after)
            return response
        if user is None:
            flash(_("Email or password is not correct."), "error")
            return render_template("accounts/login.html", form=form), 401
        locale = session.get("locale")
        session.clear()  # a fresh session at login: nothing from before survives
        if locale:
            session["locale"] = locale
        logins.start(user, remember=form.remember.data)
        record("login", user, by=user)
        db.session.commit()
        return redirect(_safe_next(form.next.data))
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


def _reset_limit() -> str:
    return current_app.config["RATELIMIT_PASSWORD_RESET"]


def _reset_email_limit() -> str:
    return current_app.config["RATELIMIT_PASSWORD_RESET_EMAIL"]


def _reset_email_key() -> str:
    """Requests for one email count together from whatever address they come (hashed: no emails in Redis)."""
    email = services.normalise_email(request.form.get("email", ""))[:254]
    return "password-reset:" + hashlib.sha256(email.encode()).hexdigest()[:32]


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_email_limit, methods=["POST"], key_func=_reset_email_key)
def forgot_password():
    """Ask for a set-password link by mail; the answer is the same whether the email has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/forgot_password_sent.html",
                               hours=max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600))
    return render_template("accounts/forgot_password.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    """End this device's login on the server: a copied session or remember-me cookie stops working."""
    logins.end(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("public.home"))


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    """End every login of the user, on every device (this one included)."""
    user = current_user._get_current_object()
    logins.end_all(user)
    record("logout_everywhere", user, by=user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    person = current_user.person
    form = ProfileForm(obj=person, locale=current_user.locale or current_app.config["BABEL_DEFAULT_LOCALE"])
    password_form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        person.name = form.name.data.strip()
        person.function = (form.function.data or "").strip() or None
        current_user.locale = form.locale.data
        session["locale"] = form.locale.data
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for(".profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form), \
        400 if form.errors else 200


@bp.post("/profile/password")
@login_required
def change_password():
    """A new password logs out every other session of the user (their session token changes)."""
    form = PasswordChangeForm(prefix="pw")
    profile_form = ProfileForm(obj=current_user.person, locale=current_user.locale)
    if form.validate_on_submit():
        if not services.check_password(current_user, form.current_password.data):
            form.current_password.errors.append(_("The current password is not correct."))
        else:
            try:
                services.set_password(current_user, form.password.data)
            except Invalid as error:
                form.password.errors.append(str(error))
            else:
                record("password_changed", current_user, by=current_user)
                logins.start(current_user._get_current_object())  # stay logged in here, with a new login
                db.session.commit()
                flash(_("Your password is changed. Other devices have been logged out."), "success")
                return redirect(url_for(".profile"))
    return render_template("accounts/profile.html", form=profile_form, password_form=form), 400


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """The link from an invitation or an admin: choose a password without knowing an old one."""
    user = services.user_for_set_password_token(token)
    if user is None:
        return render_template("accounts/set_password_invalid.html"), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data)
        except Invalid as error:
            form.password.errors.append(str(error))
        else:
            record("password_set", user, by=user)
            db.session.commit()
            flash(_("Your password is set. Please log in."), "success")
            return redirect(url_for(".login"))
    return render_template("accounts/set_password.html", form=form, user=user), 400 if form.errors else 200


@bp.post("/language")
def language():
    """Switch the UI language; remembered in the session and, for users, in the profile."""
    chosen = request.form.get("locale")
    if chosen in current_app.config["LANGUAGES"]:
        session["locale"] = chosen
        if current_user.is_authenticated:
            current_user.locale = chosen
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))
