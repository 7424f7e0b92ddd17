"""The plan in the app: live draft, free texts, versions, review, comparison, exports, public plan."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker import caching
from tracker.errors import Conflict, Invalid, NotAllowed, NotFound, StaleVersion
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.labels import field_label, field_value
from tracker.permissions import load
from tracker.plan import exports, generator, jobs, labels, render, review, texts, updates, versions  # noqa: F401 - labels
from tracker.plan.compare import MARKDOWN_FIELDS
from tracker.plan.compare import compare as compare_versions
from tracker.plan.forms import ActionForm, CommentForm, ForewordForm, FreezeForm, GoalTextsForm, UpdateProcessForm
from tracker.plan.models import PlanStatus, PlanVersion, ReviewComment
from tracker.plan.permissions import can_edit_version, can_read_plan, can_read_published, can_read_version
from tracker.processes.models import Process
from tracker.text import without_control_in

bp = Blueprint("plan", __name__)
DRAFT_AREAS = (caching.MEASURES, caching.SESSIONS, caching.PLAN, caching.PEOPLE)  # the draft shows them all
PUBLIC_FORMATS = ("pdf", "md", "docx", "html")  # the published plan's downloads (no CSV of the measures)


def _send(data: bytes, fmt: str, name: str) -> Response:
    media_type = exports.media_type(fmt)
    response = Response(data, mimetype=media_type.split(";")[0], content_type=media_type)
    disposition = "inline" if fmt == "html" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


def _format(allowed=exports.FORMATS) -> str | None:
    fmt = request.args.get("format")
    if fmt is not None and fmt not in allowed:
        abort(404)
    return fmt


# --- the live draft and the interim report ----------------------------------------------------------

@bp.get("/processes/<int:process_id>/plan")
@login_required
def draft(process_id: int):
    """The plan as it would read if frozen now."""
    return _live(load(Process, process_id, can_read_plan), generator.PLAN)


@bp.get("/processes/<int:process_id>/interim-report")
@login_required
def interim(process_id: int):
    """The interim report (Zwischenbericht): figures, hubs, sessions and ideas so far."""
    return _live(load(Process, process_id, can_read_plan), generator.INTERIM)


def _live(process: Process, kind: str, freeze_form: FreezeForm | None = None):
    fmt = _format()
    if fmt is not None and freeze_form is None:
        data = exports.export_draft(process, fmt, kind)
        return _send(data, fmt, exports.filename({"title": {"process": process.name}, "kind": kind}, fmt))
    editable = kind == generator.PLAN and versions.freeze.allowed(current_user, process)
    # The document and its rendering are the same for every internal reader until the records change.
    keyed = {"process_id": process.id, "areas": DRAFT_AREAS, "visibility": caching.INTERNAL,
             "vary": (date.today(),)}
    def build() -> dict:
        return caching.cached(f"plan-doc-{kind}", lambda: generator.build(process, kind), **keyed)

    # A hit costs two cache reads: the rendered document and the little the page around it needs.
    document = caching.fragment(f"plan-document-{kind}", lambda: render_template(
        "plan/_document.html", process=process, kind=kind,
        **render.html_context(build(), marked=kind == generator.PLAN, interactive=True)), **keyed)
    page = caching.cached(f"plan-page-{kind}", lambda: _page_facts(build()), **keyed)
    return render_template("plan/draft.html", process=process, kind=kind, editable=editable, document=document,
                           freeze_form=(freeze_form or FreezeForm()) if editable else None, tx=texts, **page)


def _page_facts(doc: dict) -> dict:
    """What the draft page shows around the document: its title, the chapters to edit, whether it has charts."""
    shown = without_control_in({"kind": doc["kind"], "chapters": [
        {key: chapter.get(key) for key in ("goal_id", "number", "title")} for chapter in doc.get("chapters", [])]})
    return {"doc_title": texts.document_title(shown), "doc": shown, "chart_figures": bool(doc.get("charts"))}


# --- free texts -----------------------------------------------------------------------------------

@bp.route("/processes/<int:process_id>/plan/foreword", methods=["GET", "POST"])
@login_required
def edit_foreword(process_id: int):
    process = load(Process, process_id, versions.save_text.allowed)
    title = _("Foreword")
    form = ForewordForm(obj=process) if request.method == "GET" else ForewordForm()
    if request.method == "GET":
        return render_template("plan/edit_text.html", process=process, form=form, title=title)
    if not form.validate_on_submit():
        return render_template("plan/edit_text.html", process=process, form=form, title=title), 400
    try:
        versions.save_text(process, expected_version=form.version.data, by=current_user,
                           foreword=form.foreword.data or "")
    except StaleVersion:
        db.session.rollback()
        process = db.session.get(Process, process_id)
        form.version.data = process.version
        return render_template("plan/conflict.html", process=process, form=form, title=title,
                               conflicts=[(title, process.foreword or "", form.foreword.data)]), 409
    db.session.commit()
    flash(_("The foreword is saved."), "success")
    return redirect(url_for(".draft", process_id=process.id, _anchor="foreword"))


@bp.route("/plan/goals/<int:goal_id>", methods=["GET", "POST"])
@login_required
def edit_goal(goal_id: int):
    goal = load(GuidingGoal, goal_id, versions.save_text.allowed)
    process = goal.process
    title = _("Guiding goal %(number)s: %(title)s", number=goal.number, title=goal.title)
    form = GoalTextsForm(obj=goal) if request.method == "GET" else GoalTextsForm()
    if request.method == "GET":
        return render_template("plan/edit_text.html", process=process, form=form, title=title, goal=goal)
    if not form.validate_on_submit():
        return render_template("plan/edit_text.html", process=process, form=form, title=title, goal=goal), 400
    try:
        versions.save_text(goal, expected_version=form.version.data, by=current_user,
                           introduction=form.introduction.data or "", objective=form.objective.data or "")
    except StaleVersion:
        db.session.rollback()
        goal = db.session.get(GuidingGoal, goal_id)
        form.version.data = goal.version
        return render_template(
            "plan/conflict.html", process=process, form=form, title=title, goal=goal,
            conflicts=[(_("Introduction"), goal.introduction or "", form.introduction.data),
                       (_("Our goal"), goal.objective or "", form.objective.data)]), 409
    db.session.commit()
    flash(_("The texts of the guiding goal are saved."), "success")
    return redirect(url_for(".draft", process_id=process.id, _anchor=f"goal-{goal.number}"))


# --- versions -------------------------------------------------------------------------------------

@bp.post("/processes/<int:process_id>/plan/versions")
@login_required
def freeze(process_id: int):
    process = load(Process, process_id, versions.freeze.allowed)
    form = FreezeForm()
    if form.validate_on_submit():
        try:
            version = versions.freeze(process, form.label.data, by=current_user)
        except Invalid as problem:
            db.session.rollback()
            form.label.errors = [*form.label.errors, str(problem)]
        else:
            db.session.commit()
            flash(_("The plan is frozen as version “%(label)s”.", label=version.label), "success")
            return redirect(url_for(".version", version_id=version.id))
    return _live(process, generator.PLAN, freeze_form=form), 400


@bp.get("/processes/<int:process_id>/plan/versions", endpoint="versions")
@login_required
def version_list(process_id: int):
    process = load(Process, process_id, can_read_plan)
    return render_template("plan/versions.html", process=process, versions=versions.versions(process))


@bp.get("/plan/versions/<int:version_id>")
@login_required
def version(version_id: int):
    version = load(PlanVersion, version_id, can_read_version)
    process = version.process
    fmt = _format()
    if fmt is not None:
        return _export_version(version, fmt, url_for(".version", version_id=version.id, format=fmt))
    editable = can_edit_version(current_user, version)
    review_context = None
    if version.status == PlanStatus.IN_REVIEW or version.comments:
        review_context = {"threads": review.comment_threads(version), "version": version, "form": CommentForm(),
                          "can_comment": (version.status == PlanStatus.IN_REVIEW
                                          and review.add_comment.allowed(current_user, version))}
    image_urls = {key: url_for(".chart_image", version_id=version.id, key=key)
                  for key in versions.chart_images(version)}
    return render_template(
        "plan/version.html", process=process, version=version, editable=editable, action_form=ActionForm(),
        may_approve=versions.may_approve(current_user, version),
        open_comments=versions.open_comments(version) if version.status == PlanStatus.IN_REVIEW else 0,
        approvals_needed=versions.approvals_needed(version),
        update_form=UpdateProcessForm(name=f"{process.name} – Update") if editable else None,
        other_versions=[v for v in versions.versions(process) if v.id != version.id],
        **render.html_context(version.content, marked=version.is_draft_marked, image_urls=image_urls,
                              comment_counts=review.open_comment_counts(version), review=review_context,
                              interactive=True))


def _export_version(version: PlanVersion, fmt: str, url: str):
    """Send the export; a long one is rendered in the background while a page says so and polls."""
    if fmt in exports.CACHED_FORMATS and exports.kept_export(version, fmt) is None \
            and jobs.needs_background(version.content):
        jobs.start(version.id, fmt)
        status_url = url_for(".export_status", version_id=version.id, fmt=fmt)
        return render_template("plan/preparing.html", process=version.process, version=version, url=url,
                               status_url=status_url), 202
    return _send(exports.export_version(version, fmt), fmt, exports.filename(version.content, fmt, version.label))


@bp.get("/plan/versions/<int:version_id>/exports/<fmt>/status")
def export_status(version_id: int, fmt: str):
    """Whether a background export is ready (polled by static/js/poll.js); public for approved versions."""
    version = load(PlanVersion, version_id, can_read_published)
    if fmt not in exports.CACHED_FORMATS:
        raise NotFound()
    ready = exports.kept_export(version, fmt) is not None
    job = jobs.status(version.id, fmt)
    return {"ready": ready, "running": job is not None and job.active,
            "failed": not ready and job is not None and job.state == "failed",
            "progress": 1.0 if ready else round(job.fraction, 2) if job is not None else 0.0}


@bp.get("/plan/versions/<int:version_id>/charts/<key>.png")
@login_required
def chart_image(version_id: int, key: str):
    return _chart(load(PlanVersion, version_id, can_read_version), key)


def _chart(version: PlanVersion, key: str) -> Response:
    kept = versions.chart_file(version, key)
    if kept is None:
        raise NotFound()
    response = Response(kept.data, mimetype="image/png")
    response.cache_control.max_age = current_app.config["PLAN_CHART_MAX_AGE"]
    return response


def _transition(version_id: int, action, message, **inputs):
    """Run one step on a version; `message` is the flash text, or a function of the version giving it;
    `inputs` are read (each a function of the request) only after the right is checked."""
    target = load(PlanVersion, version_id, action.allowed)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(target, by=current_user, **{name: read() for name, read in inputs.items()})
    except (Conflict, NotAllowed) as problem:  # the version's page again, saying why
        db.session.rollback()
        flash(str(problem), "error")
        return version(version_id), problem.status
    db.session.commit()
    flash(message(target) if callable(message) else message, "success")
    return redirect(url_for(".version", version_id=target.id))


def _approved_message(version: PlanVersion) -> str:
    if version.status == PlanStatus.APPROVED:
        return _("The version is approved and published.")
    return _("Your approval is recorded: %(given)d of %(needed)d approvals.", given=len(version.approvals),
             needed=versions.approvals_needed(version))


@bp.post("/plan/versions/<int:version_id>/submit")
@login_required
def submit(version_id: int):
    return _transition(version_id, versions.submit, _("The version is now under review."))


@bp.post("/plan/versions/<int:version_id>/approve")
@login_required
def approve(version_id: int):
    """Open review comments are resolved first, or overridden with a reason given with the approval."""
    return _transition(version_id, versions.approve, _approved_message,
                       override_reason=lambda: request.form.get("override_reason", ""))


@bp.post("/plan/versions/<int:version_id>/comments")
@login_required
def comment(version_id: int):
    version = load(PlanVersion, version_id, review.add_comment.allowed)
    form = CommentForm()
    back = url_for(".version", version_id=version.id, _anchor=form.section_key.data or "")
    if not form.validate_on_submit():
        flash(_("Please write a comment."), "error")
        return redirect(back), 400
    try:
        created = review.add_comment(version, form.section_key.data, form.text.data, by=current_user,
                                     measure_id=form.measure_id.data, parent_id=form.parent_id.data)
    except (Conflict, Invalid) as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(back), problem.status
    db.session.commit()
    flash(_("Your comment is saved."), "success")
    return redirect(url_for(".version", version_id=version.id, _anchor=f"comment-{created.id}"))


@bp.post("/plan/comments/<int:comment_id>/resolve")
@login_required
def resolve(comment_id: int):
    comment = load(ReviewComment, comment_id, review.resolve_comment.allowed)
    if not ActionForm().validate_on_submit():
        abort(400)
    review.resolve_comment(comment, by=current_user, resolved=request.form.get("reopen") is None)
    db.session.commit()
    return redirect(url_for(".version", version_id=comment.plan_version_id, _anchor=f"comment-{comment.id}"))


@bp.get("/processes/<int:process_id>/plan/compare")
@login_required
def compare(process_id: int):
    process = load(Process, process_id, can_read_plan)
    old = load(PlanVersion, request.args.get("a", type=int) or 0)
    new = load(PlanVersion, request.args.get("b", type=int) or 0)
    # Versions of the process, or of the process it updates (a plan and its update compare too).
    allowed = {process.id, process.parent_id}
    if old.process_id not in allowed or new.process_id not in allowed:
        raise NotFound()
    return render_template("plan/compare.html", process=process, old=old, new=new,
                           comparison=compare_versions(old, new), field_label=field_label, field_value=field_value,
                           markdown_fields=MARKDOWN_FIELDS)


@bp.post("/plan/versions/<int:version_id>/update-process")
@login_required
def start_update(version_id: int):
    version = load(PlanVersion, version_id, updates.start_update.allowed)
    form = UpdateProcessForm()
    if not form.validate_on_submit():
        flash(_("Please name the update process."), "error")
        return redirect(url_for(".version", version_id=version.id)), 400
    try:
        new = updates.start_update(version, form.name.data, by=current_user)
    except Conflict as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".version", version_id=version.id)), 409
    db.session.commit()
    flash(_("The update process is started with the guiding goals and measures of the plan."), "success")
    return redirect(url_for(".draft", process_id=new.id))


# --- the published plan ---------------------------------------------------------------------------

@bp.get("/p/<int:process_id>/plan")
def public(process_id: int):
    """The approved version, without login and without anything personal."""
    process = load(Process, process_id)
    version = versions.approved_version(process)
    if version is None:
        return render_template("plan/public_none.html", process=process), 404
    fmt = _format(PUBLIC_FORMATS)
    if fmt is not None:
        return _export_version(version, fmt, url_for(".public", process_id=process.id, format=fmt))
    image_urls = {key: url_for(".public_chart", process_id=process.id, key=key)
                  for key in versions.chart_images(version)}
    return render_template("plan/public.html", process=process, version=version,
                           **render.html_context(version.content, marked=False, image_urls=image_urls,
                                                interactive=True))


@bp.get("/p/<int:process_id>/plan/charts/<key>.png")
def public_chart(process_id: int, key: str):
    version = versions.approved_version(load(Process, process_id))
    if version is None:
        raise NotFound()
    return _chart(version, key)
