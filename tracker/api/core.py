"""The API's plumbing: bearer-token auth, JSON errors, body validation, pagination, the spec registry.

Each endpoint is declared once with `@endpoint(...)`; the same declaration validates the request
and describes the operation in the OpenAPI document, so the spec cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, g, jsonify, request
from flask_login import AnonymousUserMixin, current_user
from pydantic import BaseModel, RootModel, ValidationError
from werkzeug.exceptions import HTTPException

from tracker.api.tokens import user_for_token
from tracker.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # tokens travel in a header a browser never adds by itself; cookies are not accepted here


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    return jsonify(error={"code": code, "message": message, "fields": fields or {}}), status


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return error_response(error.status, error.code, error.message, error.fields)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    code = (error.name or "error").lower().replace(" ", "_")
    return error_response(error.code or 500, code, error.description or error.name)


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


def endpoint(path: str, method: str, summary: str, *, body: type[BaseModel] | None = None, response: Any = None,
             query: dict[str, dict] | None = None, auth: bool = True, errors: tuple[int, ...] = (),
             tag: str = "", status: int = 200, media_types: tuple[str, ...] = ("application/json",)) -> Callable:
    """Register a route on the API blueprint and in the spec; validate the JSON body into `body`.

    A view returns a dict (sent as JSON with `status`) or a full Flask response.
    """
    operation = Operation(path, method.upper(), summary, body, response, query or {}, auth, errors, tag, status,
                          media_types)
    OPERATIONS.append(operation)
    flask_path = path.replace("{", "<int:").replace("}", ">")

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if auth and not current_user.is_authenticated:
                raise ApiError(401, "unauthorized", "A valid token is required: Authorization: Bearer <token>.")
            if body is not None:
                kwargs["data"] = parse_body(body)
            result = view(*args, **kwargs)
            return (jsonify(result), operation.status) if isinstance(result, dict) else result

        bp.add_url_rule(flask_path, endpoint=view.__name__, view_func=wrapper, methods=[operation.method])
        return wrapper

    return decorate


def parse_body(model: type[BaseModel]) -> BaseModel:
    payload = request.get_json(silent=True)
    wants_list = issubclass(model, RootModel)
    if not isinstance(payload, list if wants_list else dict):
        raise ApiError(400, "invalid_body", f"The body must be a JSON {'array' if wants_list else 'object'}.")
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        fields = {}
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"]) or "body"
            fields.setdefault(name, problem["msg"])
        raise ApiError(400, "validation_error", "Some fields are not valid.", fields) from None


def require_api(allowed: bool, message: str = "You may not do this.") -> None:
    if not allowed:
        raise ApiError(403, "forbidden", message)


def get_or_404(model, object_id: int, what: str):
    # Ids beyond a 32-bit integer cannot exist (and would make PostgreSQL raise, not answer).
    obj = db.session.get(model, object_id) if 0 < object_id <= 2_147_483_647 else None
    if obj is None:
        raise ApiError(404, "not_found", f"{what} {object_id} does not exist.")
    return obj


def get_referenced(model, object_id: int, field_name: str, what: str):
    """An object named by id in the request body: unknown is a field error (400), not a missing page."""
    obj = db.session.get(model, object_id)
    if obj is None:
        raise ApiError(400, "validation_error", f"{what} {object_id} does not exist.", {field_name: "unknown id"})
    return obj


MAX_PER_PAGE = 200


def page_args() -> tuple[int, int]:
    def number(name: str, default: int, upper: int) -> int:
        raw = request.args.get(name, str(default))
        if not raw.isdigit() or not 1 <= int(raw) <= upper:
            raise ApiError(400, "validation_error", f"{name} must be a whole number from 1 to {upper}.",
                           {name: f"must be 1 to {upper}"})
        return int(raw)

    return number("page", 1, 100_000), number("per_page", 50, MAX_PER_PAGE)


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
    "page": {"schema": {"type": "integer", "minimum": 1, "maximum": 100000}, "description": "page number"},
    "per_page": {"schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "description": "page size"},
}
