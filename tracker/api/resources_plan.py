"""API endpoints over the plan: the live draft, frozen versions, review comments, approval."""

from __future__ import annotations

from flask import Response, request
from flask_login import current_user
from sqlalchemy import select

from tracker.api.core import ApiError, endpoint, get_or_404, require_api
from tracker.api.schemas import CommentIn, CommentOut, VersionIn, VersionOut
from tracker.extensions import db
from tracker.permissions import is_steering
from tracker.plan import services as plan
from tracker.plan.models import PlanStatus, PlanVersion, ReviewComment
from tracker.plan.permissions import can_read_plan
from tracker.processes.models import Process

FORMATS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8", "pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "csv": "text/csv; charset=utf-8"}
MEDIA = tuple(sorted({"application/json", *(m.split(";")[0] for m in FORMATS.values())}))
FORMAT_QUERY = {"format": {"schema": {"type": "string", "enum": [*FORMATS, "json"]},
                           "description": "json (default for versions), md (default for the draft), html, pdf, docx"}}
DOCUMENT = {"description": "The document in the requested format (JSON, Markdown, HTML, PDF or DOCX)"}


def _format(default: str) -> str:
    fmt = request.args.get("format", default)
    if fmt not in (*FORMATS, "json"):
        raise ApiError(400, "validation_error", "Unknown format.", {"format": f"one of {', '.join(FORMATS)}, json"})
    return fmt


def version_json(version: PlanVersion) -> dict:
    return VersionOut(id=version.id, process_id=version.process_id, label=version.label, status=version.status.value,
                      created_at=version.created_at, approved_at=version.approved_at,
                      content_hash=version.content_hash).model_dump(mode="json")


@endpoint("/processes/{process_id}/plan/draft", "GET", "The live draft of the plan", query=FORMAT_QUERY,
          response={"type": "object"}, errors=(403,), tag="plan", media_types=MEDIA)
def plan_draft(process_id: int):
    process = get_or_404(Process, process_id, "Process")
    require_api(can_read_plan(current_user, process))
    fmt = _format("md")
    if fmt == "json":
        return plan.draft(process)
    return Response(plan.export_draft(process, fmt), mimetype=FORMATS[fmt])


@endpoint("/processes/{process_id}/plan/versions", "POST", "Freeze the draft into a version (steering)",
          body=VersionIn, response=VersionOut, errors=(403,), tag="plan", status=201)
def freeze_version(process_id: int, data: VersionIn):
    process = get_or_404(Process, process_id, "Process")
    require_api(is_steering(current_user, process), "Only the steering group freezes versions.")
    version = plan.freeze(process, data.label, by=current_user)
    db.session.commit()
    return version_json(version)


@endpoint("/plan/versions/{version_id}", "GET", "A frozen version", query=FORMAT_QUERY, response={"type": "object"},
          errors=(403,), tag="plan", media_types=MEDIA)
def get_version(version_id: int):
    version = get_or_404(PlanVersion, version_id, "Plan version")
    published = version.status == PlanStatus.APPROVED
    require_api(published or can_read_plan(current_user, version.process))
    fmt = _format("json")
    if fmt == "json":
        return version_json(version) | {"content": version.content}
    return Response(plan.export_version(version, fmt), mimetype=FORMATS[fmt])


def _transition(version_id: int, action) -> dict:
    version = get_or_404(PlanVersion, version_id, "Plan version")
    require_api(is_steering(current_user, version.process), "Only the steering group does this.")
    try:
        action(version, by=current_user)
    except plan.PlanError as error:
        raise ApiError(409, "illegal_transition", f"Not possible while the version is {version.status.value}: "
                                                  f"{error}.") from None
    db.session.commit()
    return version_json(version)


@endpoint("/plan/versions/{version_id}/submit", "POST", "Submit a draft version for review (steering)",
          response=VersionOut, errors=(403, 409), tag="plan")
def submit_version(version_id: int):
    return _transition(version_id, plan.submit)


@endpoint("/plan/versions/{version_id}/approve", "POST", "Approve a version under review (steering)",
          response=VersionOut, errors=(403, 409), tag="plan")
def approve_version(version_id: int):
    return _transition(version_id, plan.approve)


def comment_json(comment: ReviewComment) -> dict:
    return CommentOut(id=comment.id, version_id=comment.plan_version_id, section=comment.section_key,
                      measure_id=comment.measure_id, text=comment.text, resolved=comment.resolved,
                      author_id=comment.author_id, created_at=comment.created_at).model_dump(mode="json")


@endpoint("/plan/versions/{version_id}/comments", "GET", "Review comments of a version", errors=(403,),
          response={"type": "object", "properties": {"items": {"type": "array",
                                                                "items": {"$ref": "#/components/schemas/CommentOut"}}}},
          tag="plan")
def list_comments(version_id: int):
    version = get_or_404(PlanVersion, version_id, "Plan version")
    require_api(is_steering(current_user, version.process), "Review comments are for the steering group.")
    comments = db.session.scalars(select(ReviewComment).where(ReviewComment.plan_version_id == version.id)
                                  .order_by(ReviewComment.id))
    return {"items": [comment_json(c) for c in comments]}


@endpoint("/plan/versions/{version_id}/comments", "POST", "Comment on a section or measure (steering)",
          body=CommentIn, response=CommentOut, errors=(403, 409), tag="plan", status=201)
def add_comment(version_id: int, data: CommentIn):
    version = get_or_404(PlanVersion, version_id, "Plan version")
    require_api(is_steering(current_user, version.process), "Only the steering group comments on versions.")
    try:
        comment = plan.add_comment(version, data.section, data.text, by=current_user, measure_id=data.measure_id)
    except plan.PlanError as error:
        if version.status != PlanStatus.IN_REVIEW:
            raise ApiError(409, "conflict", "Comments are taken while a version is under review.") from None
        field = str(error) if str(error) in {"section", "measure", "text"} else "body"
        raise ApiError(400, "validation_error", f"Invalid {field}.",
                       {"measure_id" if field == "measure" else field: "unknown or empty"}) from None
    if data.resolved:
        plan.resolve_comment(comment, by=current_user)
    db.session.commit()
    return comment_json(comment)
