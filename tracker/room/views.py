"""Room mode in the browser: the moderator's page and projector, and the phones' page behind the short link.

The phones' URLs (/r/<code>) are the only pages where people without a login write; they answer 404
unless the room is open (services.is_open). Rate limits count per phone token, not per address.
"""

from __future__ import annotations

import segno
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeSerializer

from tracker.errors import Conflict, Invalid, NotAllowed, NotFound
from tracker.extensions import db, limiter
from tracker.permissions import load
from tracker.prioritisation import services as prioritisation
from tracker.prioritisation.ballot_form import ballot_values
from tracker.prioritisation.models import PrioritisationRound
from tracker.room import services
from tracker.room.forms import CardForm, StartForm
from tracker.room.models import CardStatus, Room, RoomCard, RoomToken
from tracker.sessions.models import Session

bp = Blueprint("room", __name__)
COOKIE = "room_phone"
COOKIE_AGE = 2 * 24 * 3600


# --- the phone's token -------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="room-phone")


def _cookie_secret(code: str) -> str | None:
    """The secret in the phone's signed cookie, if it is for this room."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        value = _serializer().loads(raw)
    except BadSignature:
        return None
    return value.get("s") if isinstance(value, dict) and value.get("c") == code else None


def _phone_key() -> str:
    """Rate limits count per phone: its token's secret, or (before it has one) per room."""
    code = (request.view_args or {}).get("code", "")
    secret = _cookie_secret(code)
    return f"room-phone:{services._hash(secret)[:32]}" if secret else f"room-join:{code[:16]}"


def _phone_limit() -> str:
    code = (request.view_args or {}).get("code", "")
    return current_app.config["ROOM_PHONE_LIMIT" if _cookie_secret(code) else "ROOM_JOIN_LIMIT"]


phone_limit = limiter.limit(_phone_limit, key_func=_phone_key)


def _open_room(code: str) -> Room:
    """The room of the link, only while it is open (404 otherwise, for everyone)."""
    room = services.by_code(code)
    if room is None or not services.is_open(room):
        raise NotFound(services.NOT_OPEN)
    return room


class Phone:
    """The phone's token for this request: found from its cookie, or handed out (and the cookie set)."""

    def __init__(self, room: Room):
        self.room = room
        self.secret = _cookie_secret(room.code)
        self.token: RoomToken | None = services.token_for(room, self.secret)
        self.new = False

    def token_or_new(self) -> RoomToken:
        """Committed at once, so that a refused card or ballot does not take the new token with it."""
        if self.token is None:
            self.token, self.secret = services.issue_token(self.room, by=current_user)
            self.new = True
            db.session.commit()
        return self.token

    def keep(self, response):
        if self.new:
            response.set_cookie(COOKIE, _serializer().dumps({"c": self.room.code, "s": self.secret}),
                                max_age=COOKIE_AGE, path=url_for(".phone", code=self.room.code), httponly=True,
                                samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        return response


def _full(room: Room, problem: NotAllowed):
    db.session.rollback()
    return render_template("room/full.html", room=room, message=str(problem)), 403


def _phone_page(phone: Phone, form: CardForm | None = None, status: int = 200, posted=None):
    session = phone.room.session
    round_ = services.open_round_of(session)
    voted = round_ is not None and prioritisation.room_has_voted(round_, phone.token)
    response = current_app.make_response((render_template(
        "room/phone.html", room=phone.room, session=session, form=form or CardForm(), round=round_, voted=voted,
        posted=posted), status))
    return phone.keep(response)


@bp.get("/r/<code>")
@phone_limit
def phone(code: str):
    """What a phone sees: the card form and, in a prioritisation session, the open round's dots."""
    room = _open_room(code)
    phone = Phone(room)
    try:
        phone.token_or_new()
    except NotAllowed as problem:
        return _full(room, problem)
    return _phone_page(phone)


@bp.post("/r/<code>/cards")
@phone_limit
def hand_in(code: str):
    room = _open_room(code)
    phone = Phone(room)
    try:
        token = phone.token_or_new()
    except NotAllowed as problem:
        return _full(room, problem)
    form = CardForm()
    if form.validate_on_submit():
        try:
            services.hand_in(room, by=token, title=form.title.data, text=form.text.data or "",
                             name=form.name.data or "", organization_name=form.organization_name.data or "",
                             consent_named=bool(form.consent_named.data))
        except (Invalid, Conflict) as problem:
            db.session.rollback()
            form.title.errors = [*form.title.errors, str(problem)]
        else:
            db.session.commit()
            flash(_("Thank you! Your card is on its way to the moderator."), "success")
            return phone.keep(redirect(url_for(".phone", code=room.code)))
    return _phone_page(phone, form, 400)


def _parse_room_ballot(round_: PrioritisationRound) -> dict:
    return ballot_values(request.form, round_.method, low=0)


@bp.post("/r/<code>/ballot")
@phone_limit
def ballot(code: str):
    """The phone's dots (or scores) in the session's open round: once per phone and round."""
    room = _open_room(code)
    phone = Phone(room)
    try:
        token = phone.token_or_new()
    except NotAllowed as problem:
        return _full(room, problem)
    round_ = services.open_round_of(room.session)
    if round_ is None:
        flash(_("No round is open in this session."), "error")
        return _phone_page(phone, status=409)
    try:
        prioritisation.cast_room_ballot(round_, _parse_room_ballot(round_), by=token)
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return _phone_page(phone, status=problem.status, posted=request.form)
    db.session.commit()
    flash(_("Thank you! Your dots are counted."), "success")
    return phone.keep(redirect(url_for(".phone", code=room.code)))


# --- the moderator -----------------------------------------------------------------------------

def _link(room: Room | None) -> str:
    return url_for(".phone", code=room.code, _external=True) if room is not None else ""


def _qr(link: str) -> str:
    """The short link as an inline SVG QR code (made here: no outside service)."""
    return segno.make(link, error="m").svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff")


@bp.get("/sessions/<int:session_id>/room")
@login_required
def manage(session_id: int):
    session = load(Session, session_id, services.start.allowed)
    room = services.room_of(session)
    form = StartForm(people=room.people if room is not None and room.people else None)
    return render_template("room/manage.html", session=session, room=room, form=form, link=_link(room),
                           open=services.is_open(room), on_day=services.on_session_day(session),
                           phones=services.token_count(room) if room is not None else 0,
                           new_cards=services.cards_of(room, CardStatus.NEW),
                           decided=[c for c in services.cards_of(room) if c.status != CardStatus.NEW],
                           round=services.open_round_of(session))


@bp.post("/sessions/<int:session_id>/room/start")
@login_required
def start(session_id: int):
    """Start room mode, or change the room count while it runs."""
    session = load(Session, session_id, services.start.allowed)
    form = StartForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".manage", session_id=session.id)), 303
    try:
        services.start(session, people=form.people.data, by=current_user)
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".manage", session_id=session.id)), 303
    db.session.commit()
    flash(_("Room mode is running for %(n)d people.", n=form.people.data), "success")
    return redirect(url_for(".manage", session_id=session.id))


@bp.post("/sessions/<int:session_id>/room/stop")
@login_required
def stop(session_id: int):
    session = load(Session, session_id, services.stop.allowed)
    services.stop(session, by=current_user)
    db.session.commit()
    flash(_("Room mode has ended; the link no longer works."), "success")
    return redirect(url_for(".manage", session_id=session.id))


@bp.get("/sessions/<int:session_id>/room/projector")
@login_required
def projector(session_id: int):
    """For the projector: the QR code and short link, and the cards and tally arriving (static/js/room.js)."""
    session = load(Session, session_id, services.start.allowed)
    room = services.room_of(session)
    link = _link(room)
    return render_template("room/projector.html", session=session, room=room, link=link,
                           qr=_qr(link) if link else "", open=services.is_open(room))


@bp.get("/sessions/<int:session_id>/room/live")
@login_required
def live(session_id: int):
    """What the projector shows, as JSON: cards handed in, phones joined, and the open round's tally."""
    session = load(Session, session_id, services.start.allowed)
    room = services.room_of(session)
    round_ = services.open_round_of(session)
    data = {"open": services.is_open(room), "people": room.people if room else 0,
            "phones": services.token_count(room) if room else 0,
            "cards": [{"id": c.id, "title": c.title, "text": c.text[:500], "name": c.shown_name,
                       "status": c.status.value} for c in services.cards_of(room, limit=200)
                      if c.status != CardStatus.DISCARDED],
            "round": None}
    if round_ is not None:
        sources = prioritisation.voter_sources(round_)
        by_measure = {r.measure_id: r for r in prioritisation.compute_results(round_)}
        data["round"] = {"title": round_.title, "method": round_.method.value, "voters": sources,
                         "total_voters": sum(sources.values()),
                         "measures": [{"id": m.id, "title": m.title, "score": float(by_measure[m.id].score)}
                                      for m in round_.measures]}
    return jsonify(data)


def _card(card_id: int, check) -> RoomCard:
    return load(RoomCard, card_id, check)


@bp.post("/room-cards/<int:card_id>/accept")
@login_required
def accept_card(card_id: int):
    card = _card(card_id, services.accept_card.allowed)
    try:
        measure = services.accept_card(card, by=current_user)
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".manage", session_id=card.room.session_id)), 303
    db.session.commit()
    flash(_("The card is now the idea “%(title)s”.", title=measure.title), "success")
    return redirect(url_for(".manage", session_id=card.room.session_id))


@bp.post("/room-cards/<int:card_id>/discard")
@login_required
def discard_card(card_id: int):
    card = _card(card_id, services.discard_card.allowed)
    try:
        services.discard_card(card, by=current_user)
    except Conflict as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".manage", session_id=card.room.session_id)), 303
    db.session.commit()
    flash(_("The card is set aside."), "success")
    return redirect(url_for(".manage", session_id=card.room.session_id))
