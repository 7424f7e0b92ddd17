"""The OpenAPI 3.1 document, built from the endpoint registry and the pydantic schemas."""

from __future__ import annotations

import re

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from tracker.api.core import OPERATIONS, Operation

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message", "fields"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "fields": {"type": "object", "additionalProperties": {"type": "string"}}},
    }},
}
DESCRIPTIONS = {400: "Invalid input (per field)", 401: "No valid token", 403: "Not allowed for this user",
                404: "Not found", 409: "Conflict (stale version, illegal transition, duplicate)",
                422: "Not processable"}


def _models() -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}
    for operation in OPERATIONS:
        for model in (operation.body, operation.response):
            if isinstance(model, type) and issubclass(model, BaseModel):
                seen[model.__name__] = model
    return list(seen.values())


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _response_schema(operation: Operation) -> dict:
    if operation.response is None:
        return {"type": "object"}
    if isinstance(operation.response, dict):
        return operation.response
    item = _ref(operation.response)
    if "page" in operation.query:
        return {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
            "items": {"type": "array", "items": item}, "page": {"type": "integer"},
            "per_page": {"type": "integer"}, "total": {"type": "integer"}}}
    return item


def build_spec(server_url: str = "/") -> dict:
    _, definitions = models_json_schema([(m, "validation") for m in _models()] +
                                        [(m, "serialization") for m in _models()],
                                        ref_template="#/components/schemas/{model}")
    schemas = definitions.get("$defs", {})
    schemas["Error"] = ERROR_SCHEMA
    paths: dict[str, dict] = {}
    for operation in OPERATIONS:
        parameters = [{"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647}}
                      for name in re.findall(r"{(\w+)}", operation.path)]
        parameters += [{"name": name, "in": "query", "required": False, **spec}
                       for name, spec in operation.query.items()]
        success = str(operation.status)
        content = {"application/json": {"schema": _response_schema(operation)}}
        content.update({media: {"schema": {}} for media in operation.media_types if media != "application/json"})
        responses = {success: {"description": "Success", "content": content}}
        implied = {401} if operation.auth else set()
        if operation.body is not None or operation.query:
            implied.add(400)  # invalid body or query parameters
        if "{" in operation.path:
            implied.add(404)  # an unknown id in the path
        for status in sorted({*operation.errors, *implied}):
            error_body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            responses[str(status)] = {"description": DESCRIPTIONS.get(status, "Error"), "content": error_body}
        entry = {"summary": operation.summary, "operationId": f"{operation.method.lower()}_{_slug(operation.path)}",
                 "parameters": parameters, "responses": responses, "tags": [operation.tag] if operation.tag else []}
        if operation.body is not None:
            entry["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": _ref(operation.body)}}}
        if operation.auth:
            entry["security"] = [{"bearer": []}]
        else:
            entry["security"] = []
        paths.setdefault(operation.path, {})[operation.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "Masterplan Tracker API", "version": "1.0.0",
                 "description": "Processes, hubs, sessions, attendance, measures, prioritisation and the plan. "
                                "Authenticate with a personal token: `Authorization: Bearer <token>`."},
        "servers": [{"url": server_url.rstrip("/") + "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_")
