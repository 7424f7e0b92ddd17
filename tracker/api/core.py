"""The API's plumbing: bearer-token auth, JSON errors, body validation, pagination, the spec registry.

Each endpoint is declared once with `@endpoint(...)`; the same declaration validates the request
and describes the operation in the OpenAPI document, so the spec cannot drift from the code.
It also declares the object the endpoint works on and the right it needs on it:
`@endpoint(..., load=(Session, "session_id"), check=sessions.update)` loads the session (404),
checks the right (403), and only then parses the body (400) — whatever the body, a caller without
the right gets 403. The view receives the loaded object as its first argument.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import AnonymousUserMixin, current_user
from pydantic import BaseModel, RootModel, ValidationError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from tracker.api.tokens import user_for_token
from tracker.arguments import whole_number
from tracker.errors import AppError, Invalid, NotAllowed, Unauthorized, error_json
from tracker.extensions import csrf, db, limiter
from tracker.pagination import MAX_PAGE, page_size
from tracker.permissions import MAX_ID, find, load

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # tokens travel in a header a browser never adds by itself; cookies are not accepted here


@bp.errorhandler(AppError)
def _refused(error: AppError):
    db.session.rollback()
    return error_json(error.status, error.code, error.message, error.fields)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_")
    return error_json(error.code or 500, code, error.description or error.name)


@bp.before_request
def _authenticate():
    """Only a bearer token authenticates an API call; a browser session cookie does not."""
    g._login_user = AnonymousUserMixin()  # Flask-Login's per-request user slot
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        user = user_for_token(token.strip())
        if user is not None:
            g._login_user = user


@dataclass
class Operation:
    """One endpoint as the OpenAPI document describes it."""

    path: str
    method: str
    summary: str
    body: type[BaseModel] | None = None
    response: Any = None
    query: dict[str, dict] = field(default_factory=dict)
    auth: bool = True
    errors: tuple[int, ...] = ()
    tag: str = ""
    status: int = 200
    media_types: tuple[str, ...] = ("application/json",)


OPERATIONS: list[Operation] = []


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def token_key() -> str:
    """Rate limits of API writes count per token (a whole office may share one address)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "api-token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return "api-address:" + (request.remote_addr or "")


def _write_limit() -> str:
    return current_app.config["API_WRITE_LIMIT"]


def _predicate(check) -> Callable[[Any, Any], bool] | None:
    """A predicate, or a guarded service action whose declared right is used."""
    return getattr(check, "allowed", check)


def endpoint(path: str, method: str, summary: str, *, load: tuple[type, str] | None = None, check=None,
             body: type[BaseModel] | None = None, response: Any = None, query: dict[str, dict] | None = None,
             auth: bool = True, errors: tuple[int, ...] = (), tag: str = "", status: int = 200,
             media_types: tuple[str, ...] = ("application/json",)) -> Callable:
    """Register a route on the API blueprint and in the spec.

    In this order: authenticate (401), load the object named by `load` (404) and check `check` on it
    (403), validate the JSON body into `data` (400), call the view with the object first. A route
    without an object (creating in a collection) declares `check=` as a predicate on the user alone.
    A view returns a dict (sent as JSON with `status`) or a full Flask response.
    """
    statuses = tuple(sorted({*errors, *((404,) if load else ()), *((403,) if check else ()),
                             *((400,) if body is not None else ())}))
    operation = Operation(path, method.upper(), summary, body, response, query or {}, auth, statuses, tag, status,
                          media_types)
    OPERATIONS.append(operation)
    flask_path = path.replace("{", "<int:").replace("}", ">")
    predicate = _predicate(check)
    refusal = getattr(check, "message", None)

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if auth and not current_user.is_authenticated:
                raise Unauthorized("A valid token is required: Authorization: Bearer <token>.")
            if load is not None:
                model, argument = load
                obj = _load_object(model, kwargs.pop(argument), predicate, refusal)
                args = (obj, *args)
            elif predicate is not None and not predicate(current_user):
                raise NotAllowed(refusal or "You may not do this.")
            if body is not None:
                kwargs["data"] = parse_body(body)
            result = view(*args, **kwargs)
            return (jsonify(result), operation.status) if isinstance(result, dict) else result

        view_func = wrapper
        if operation.method in WRITE_METHODS:
            view_func = limiter.limit(_write_limit, key_func=token_key)(wrapper)
        bp.add_url_rule(flask_path, endpoint=view.__name__, view_func=view_func, methods=[operation.method])
        return wrapper

    return decorate


def _load_object(model, object_id: int, predicate, refusal):
    obj = load(model, object_id, message=f"{model.__name__} {object_id} does not exist.")
    if predicate is not None and not predicate(current_user, obj):
        raise NotAllowed(refusal or "You may not do this.")
    return obj


def parse_body(model: type[BaseModel]) -> BaseModel:
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # JSON nested deeper than the parser follows
        payload = None
    wants_list = issubclass(model, RootModel)
    if not isinstance(payload, list if wants_list else dict):
        raise Invalid(f"The body must be a JSON {'array' if wants_list else 'object'}.", "body", code="invalid_body")
    try:
        return model.model_validate(payload)
    except (ValidationError, RecursionError) as error:
        fields = {}
        for problem in error.errors() if isinstance(error, ValidationError) else [{"loc": (), "msg": "too deep"}]:
            name = ".".join(str(part) for part in problem["loc"]) or "body"
            fields.setdefault(name, problem["msg"])
        raise Invalid("Some fields are not valid.", fields=fields) from None


def referenced(model, object_id: int | None, field_name: str, what: str | None = None):
    """An object named by id in the request body: unknown is a field error (400), not a missing page."""
    if object_id is None:
        return None
    obj = find(model, object_id)
    if obj is None:
        raise Invalid(f"{what or model.__name__} {object_id} does not exist.", field_name)
    return obj


def referenced_all(model, ids: list[int] | None, field_name: str) -> list:
    """The objects named by a list of ids in the body, in the given order; unknown ids are a field error."""
    if not ids:
        return []
    wanted = [i for i in dict.fromkeys(ids)]
    found = {o.id: o for o in db.session.scalars(select(model).where(model.id.in_(
        [i for i in wanted if 0 < i <= MAX_ID])))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise Invalid(f"Unknown ids: {missing}.", field_name)
    return [found[i] for i in wanted]


MAX_PER_PAGE = 200


def page_args() -> tuple[int, int]:
    def number(name: str, default: int, upper: int) -> int:
        number = whole_number(request.args.get(name, str(default)), low=1, high=upper)
        if number is None:
            raise Invalid(f"{name} must be a whole number from 1 to {upper}.", name)
        return number

    return number("page", 1, MAX_PAGE), number("per_page", page_size(), MAX_PER_PAGE)


def paginated(statement, serialise: Callable[..., dict], prepare: Callable[[list], dict] | None = None):
    """One page of the statement's rows as JSON. prepare(items) may look up per-item extras for the
    whole page in one query; serialise then gets (item, extras.get(item.id))."""
    page, per_page = page_args()
    result = db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)
    if prepare is None:
        items = [serialise(item) for item in result.items]
    else:
        extras = prepare(result.items)
        items = [serialise(item, extras.get(item.id)) for item in result.items]
    return jsonify(items=items, page=page, per_page=per_page, total=result.total)


PAGE_QUERY = {
    "page": {"schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "description": "page number"},
    "per_page": {"schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "description": "page size"},
}

