"""API endpoints over the plan: the live draft, frozen versions, review comments, approval."""

from __future__ import annotations

from flask import Response, request
from flask_login import current_user

from tracker.api.core import endpoint, parse_body
from tracker.api.schemas import ApprovalOut, ApproveIn, CommentIn, CommentOut, VersionIn, VersionOut
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.plan import exports, generator, review, versions
from tracker.plan.models import PlanVersion, ReviewComment
from tracker.plan.permissions import can_edit_version, can_read_plan, can_read_published, can_read_version
from tracker.processes.models import Process

JSON = "json"
MEDIA = tuple(sorted({"application/json", *(exports.media_type(fmt).split(";")[0] for fmt in exports.FORMATS)}))
FORMAT_QUERY = {"format": {"schema": {"type": "string", "enum": [*exports.FORMATS, JSON]},
                           "description": "json (default for versions), md (default for the draft), html, pdf, docx"}}
DOCUMENT = {"description": "The document in the requested format (JSON, Markdown, HTML, PDF or DOCX)"}


def _format(default: str) -> str:
    fmt = request.args.get("format", default)
    if fmt not in (*exports.FORMATS, JSON):
        raise Invalid(f"Unknown format: one of {', '.join(exports.FORMATS)}, {JSON}.", "format")
    return fmt


def _document(data: bytes, fmt: str) -> Response:
    return Response(data, content_type=exports.media_type(fmt))


def version_json(version: PlanVersion) -> dict:
    """The version; who approved it only for those who read the review (the public plan names nobody)."""
    review = {}
    if can_read_version(current_user, version):
        review = {"approvals_needed": versions.approvals_needed(version),
                  "approvals": [ApprovalOut(user_id=a.user_id, name=a.user.name, approved_at=a.created_at)
                                for a in version.approvals]}
    out = VersionOut(id=version.id, process_id=version.process_id, label=version.label, status=version.status.value,
                     created_at=version.created_at, approved_at=version.approved_at,
                     content_hash=version.content_hash, **review)
    return out.model_dump(mode="json", exclude=set() if review else {"approvals_needed", "approvals"})


@endpoint("/processes/{process_id}/plan/draft", "GET", "The live draft of the plan", query=FORMAT_QUERY,
          load=(Process, "process_id"), check=can_read_plan, response={"type": "object"}, tag="plan",
          media_types=MEDIA)
def plan_draft(process: Process):
    fmt = _format("md")
    if fmt == JSON:
        return generator.build(process)
    return _document(exports.export_draft(process, fmt), fmt)


@endpoint("/processes/{process_id}/plan/versions", "POST", "Freeze the draft into a version (steering)",
          load=(Process, "process_id"), check=versions.freeze, body=VersionIn, response=VersionOut, tag="plan",
          status=201)
def freeze_version(process: Process, data: VersionIn):
    version = versions.freeze(process, data.label, by=current_user)
    db.session.commit()
    return version_json(version)


@endpoint("/plan/versions/{version_id}", "GET", "A frozen version (approved ones for every user)",
          query=FORMAT_QUERY, load=(PlanVersion, "version_id"), check=can_read_published,
          response={"type": "object"}, tag="plan", media_types=MEDIA)
def get_version(version: PlanVersion):
    fmt = _format(JSON)
    if fmt == JSON:
        return version_json(version) | {"content": version.content}
    return _document(exports.export_version(version, fmt), fmt)


@endpoint("/plan/versions/{version_id}/submit", "POST", "Submit a draft version for review (steering)",
          load=(PlanVersion, "version_id"), check=versions.submit, response=VersionOut, errors=(409,), tag="plan")
def submit_version(version: PlanVersion):
    versions.submit(version, by=current_user)
    db.session.commit()
    return version_json(version)


@endpoint("/plan/versions/{version_id}/approve", "POST",
          "Approve a version under review (steering, not its submitter, once each); approved with enough approvals",
          load=(PlanVersion, "version_id"), check=versions.approve, response=VersionOut, errors=(400, 409), tag="plan")
def approve_version(version: PlanVersion):
    """Open review comments are overridden with {"override_reason": "…"} in the body (the body is optional)."""
    data = parse_body(ApproveIn) if request.get_data() else ApproveIn()
    versions.approve(version, by=current_user, override_reason=data.override_reason)
    db.session.commit()
    return version_json(version)


def comment_json(comment: ReviewComment) -> dict:
    return CommentOut(id=comment.id, version_id=comment.plan_version_id, section=comment.section_key,
                      measure_id=comment.measure_id, text=comment.text, resolved=comment.resolved,
                      author_id=comment.author_id, created_at=comment.created_at).model_dump(mode="json")


@endpoint("/plan/versions/{version_id}/comments", "GET", "Review comments of a version (steering)",
          load=(PlanVersion, "version_id"), check=can_edit_version,
          response={"type": "object", "properties": {"items": {"type": "array",
                                                                "items": {"$ref": "#/components/schemas/CommentOut"}}}},
          tag="plan")
def list_comments(version: PlanVersion):
    return {"items": [comment_json(c) for c in review.comments(version)]}


@endpoint("/plan/versions/{version_id}/comments", "POST", "Comment on a section or measure (steering)",
          load=(PlanVersion, "version_id"), check=review.add_comment, body=CommentIn, response=CommentOut,
          errors=(409,), tag="plan", status=201)
def add_comment(version: PlanVersion, data: CommentIn):
    comment = review.add_comment(version, data.section, data.text, by=current_user, measure_id=data.measure_id)
    if data.resolved:
        review.resolve_comment(comment, by=current_user)
    db.session.commit()
    return comment_json(comment)
