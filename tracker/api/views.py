"""The API blueprint (with its spec and docs) and the token pages in the profile."""

from __future__ import annotations

import click
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.accounts.services import user_by_email

# Importing the resource modules registers their endpoints on the blueprint.
from tracker.api import (  # noqa: F401
    resources,
    resources_measures,
    resources_plan,
    resources_registration,
    resources_room,
    resources_rounds,
    resources_sessions,
    resources_setup,
    tokens,
)
from tracker.api.core import bp, endpoint
from tracker.api.models import ApiToken
from tracker.api.openapi import build_spec
from tracker.extensions import db
from tracker.permissions import load
from tracker.text import single_line

web = Blueprint("api_tokens", __name__)


@endpoint("/openapi.json", "GET", "This OpenAPI document", auth=False, response={"type": "object"}, tag="meta")
def openapi():
    return build_spec(request.host_url)


@web.get("/api/v1/docs")
def docs():
    """A readable page of every endpoint, rendered from the same spec (no external assets)."""
    return render_template("api/docs.html", spec=build_spec(request.host_url))


@web.route("/profile/tokens", methods=["GET", "POST"])
@login_required
def token_list():
    new_token = None
    if request.method == "POST":
        name = single_line(request.form.get("name"))
        if not name:
            flash(_("Please give the token a name, e.g. the script that uses it."), "error")
        else:
            new_token = tokens.create_token(current_user, name)
            db.session.commit()
    own = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                             .order_by(ApiToken.created_at.desc())).all()
    return render_template("api/tokens.html", tokens=own, new_token=new_token)


@web.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    api_token = load(ApiToken, token_id, tokens.revoke.allowed)
    tokens.revoke(api_token, by=current_user)
    db.session.commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for(".token_list"))


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="script", show_default=True)
@with_appcontext
def create_token_command(email: str, name: str) -> None:
    """Print a new API token for the user with this email (acts with the user's roles)."""
    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email}.")
    token = tokens.create_token(user, name)
    db.session.commit()
    click.echo(token)


__all__ = ["bp", "create_token_command", "web"]
