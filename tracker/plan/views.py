"""The plan in the app: live draft, free texts, versions, review, comparison, exports, public plan."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.permissions import require
from tracker.plan import generator, jobs, labels, render, services  # noqa: F401 - labels registers enum labels
from tracker.plan.forms import ActionForm, CommentForm, ForewordForm, FreezeForm, GoalTextsForm, UpdateProcessForm
from tracker.plan.models import PlanStatus, PlanVersion, ReviewComment
from tracker.plan.permissions import can_edit_plan, can_read_plan
from tracker.processes.models import Process

bp = Blueprint("plan", __name__)


def _send(data: bytes, fmt: str, name: str) -> Response:
    media_type, _ext = services.FORMATS[fmt]
    response = Response(data, mimetype=media_type.split(";")[0], content_type=media_type)
    disposition = "inline" if fmt == "html" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


def _format() -> str | None:
    fmt = request.args.get("format")
    if fmt is not None and fmt not in services.FORMATS:
        abort(404)
    return fmt


# --- the live draft and the interim report ----------------------------------------------------------

@bp.get("/processes/<int:process_id>/plan")
@login_required
def draft(process_id: int):
    """The plan as it would read if frozen now."""
    process = db.get_or_404(Process, process_id)
    require(can_read_plan(current_user, process))
    return _live(process, generator.PLAN)


@bp.get("/processes/<int:process_id>/interim-report")
@login_required
def interim(process_id: int):
    """The interim report (Zwischenbericht): figures, hubs, sessions and ideas so far."""
    process = db.get_or_404(Process, process_id)
    require(can_read_plan(current_user, process))
    return _live(process, generator.INTERIM)


def _live(process: Process, kind: str):
    fmt = _format()
    if fmt is not None:
        data = services.export_draft(process, fmt, kind)
        return _send(data, fmt, services.filename({"title": {"process": process.name}, "kind": kind}, fmt))
    doc = services.draft(process, kind)
    editable = can_edit_plan(current_user, process) and kind == generator.PLAN
    return render_template("plan/draft.html", process=process, kind=kind, editable=editable,
                           freeze_form=FreezeForm() if editable else None,
                           **render.html_context(doc, marked=kind == generator.PLAN))


# --- free texts -----------------------------------------------------------------------------------

@bp.route("/processes/<int:process_id>/plan/foreword", methods=["GET", "POST"])
@login_required
def edit_foreword(process_id: int):
    process = db.get_or_404(Process, process_id)
    require(can_edit_plan(current_user, process))
    form = ForewordForm(obj=process) if request.method == "GET" else ForewordForm()
    if request.method == "GET":
        return render_template("plan/edit_text.html", process=process, form=form, title=_("Foreword"))
    if not form.validate_on_submit():
        return render_template("plan/edit_text.html", process=process, form=form, title=_("Foreword")), 400
    try:
        services.save_text(process, "foreword", form.foreword.data or "", expected_version=form.version.data,
                           by=current_user)
        db.session.commit()
    except services.StaleVersion as conflict:
        form.version.data = process.version
        return render_template("plan/conflict.html", process=process, form=form, title=_("Foreword"),
                               conflicts=[(_("Foreword"), conflict.current, form.foreword.data)]), 409
    flash(_("The foreword is saved."), "success")
    return redirect(url_for(".draft", process_id=process.id, _anchor="foreword"))


@bp.route("/plan/goals/<int:goal_id>", methods=["GET", "POST"])
@login_required
def edit_goal(goal_id: int):
    goal = db.get_or_404(GuidingGoal, goal_id)
    process = goal.process
    require(can_edit_plan(current_user, process))
    title = _("Guiding goal %(number)s: %(title)s", number=goal.number, title=goal.title)
    form = GoalTextsForm(obj=goal) if request.method == "GET" else GoalTextsForm()
    if request.method == "GET":
        return render_template("plan/edit_text.html", process=process, form=form, title=title, goal=goal)
    if not form.validate_on_submit():
        return render_template("plan/edit_text.html", process=process, form=form, title=title, goal=goal), 400
    theirs = (goal.introduction, goal.objective)
    try:
        if goal.version != form.version.data:
            raise services.StaleVersion("")
        services.save_text(goal, "introduction", form.introduction.data or "", expected_version=goal.version,
                           by=current_user)
        services.save_text(goal, "objective", form.objective.data or "", expected_version=goal.version,
                           by=current_user)
        db.session.commit()
    except services.StaleVersion:
        db.session.rollback()
        goal = db.session.get(GuidingGoal, goal_id)
        form.version.data = goal.version
        return render_template(
            "plan/conflict.html", process=process, form=form, title=title, goal=goal,
            conflicts=[(_("Introduction"), goal.introduction or theirs[0], form.introduction.data),
                       (_("Our goal"), goal.objective or theirs[1], form.objective.data)]), 409
    flash(_("The texts of the guiding goal are saved."), "success")
    return redirect(url_for(".draft", process_id=process.id, _anchor=f"goal-{goal.number}"))


# --- versions -------------------------------------------------------------------------------------

@bp.post("/processes/<int:process_id>/plan/versions")
@login_required
def freeze(process_id: int):
    process = db.get_or_404(Process, process_id)
    require(can_edit_plan(current_user, process))
    form = FreezeForm()
    if not form.validate_on_submit():
        doc = services.draft(process)
        return render_template("plan/draft.html", process=process, kind=generator.PLAN, editable=True,
                               freeze_form=form, **render.html_context(doc, marked=True)), 400
    version = services.freeze(process, form.label.data, by=current_user)
    db.session.commit()
    flash(_("The plan is frozen as version “%(label)s”.", label=version.label), "success")
    return redirect(url_for(".version", version_id=version.id))


@bp.get("/processes/<int:process_id>/plan/versions")
@login_required
def versions(process_id: int):
    process = db.get_or_404(Process, process_id)
    require(can_read_plan(current_user, process))
    return render_template("plan/versions.html", process=process, versions=services.versions(process))


@bp.get("/plan/versions/<int:version_id>")
@login_required
def version(version_id: int):
    version = db.get_or_404(PlanVersion, version_id)
    process = version.process
    require(can_read_plan(current_user, process))
    fmt = _format()
    if fmt is not None:
        return _export_version(version, fmt, url_for(".version", version_id=version.id, format=fmt))
    editable = can_edit_plan(current_user, process)
    review = None
    if version.status == PlanStatus.IN_REVIEW or version.comments:
        review = {"threads": services.comment_threads(version), "version": version,
                  "can_comment": editable and version.status == PlanStatus.IN_REVIEW, "form": CommentForm()}
    image_urls = {key: url_for(".chart_image", version_id=version.id, key=key)
                  for key in services.chart_images(version)}
    return render_template(
        "plan/version.html", process=process, version=version, editable=editable, action_form=ActionForm(),
        update_form=UpdateProcessForm(name=f"{process.name} – Update") if editable else None,
        other_versions=[v for v in services.versions(process) if v.id != version.id],
        **render.html_context(version.content, marked=version.is_draft_marked, image_urls=image_urls,
                              comment_counts=services.open_comment_counts(version), review=review))


def _export_version(version: PlanVersion, fmt: str, url: str):
    """Send the export; a long one is rendered in the background while a page says so and polls."""
    if fmt in services.CACHED_FORMATS and services.kept_export(version, fmt) is None \
            and jobs.needs_background(version.content):
        jobs.start(version.id, fmt)
        status_url = url_for(".export_status", version_id=version.id, fmt=fmt)
        return render_template("plan/preparing.html", process=version.process, version=version, url=url,
                               status_url=status_url), 202
    return _send(services.export_version(version, fmt), fmt, services.filename(version.content, fmt, version.label))


@bp.get("/plan/versions/<int:version_id>/exports/<fmt>/status")
def export_status(version_id: int, fmt: str):
    """Whether a background export is ready (polled by static/js/plan.js); public for approved versions."""
    version = db.get_or_404(PlanVersion, version_id)
    if version.status != PlanStatus.APPROVED:
        require(can_read_plan(current_user, version.process))
    if fmt not in services.CACHED_FORMATS:
        abort(404)
    ready = services.kept_export(version, fmt) is not None
    return {"ready": ready, "running": jobs.is_running(version.id, fmt)}


@bp.get("/plan/versions/<int:version_id>/charts/<key>.png")
@login_required
def chart_image(version_id: int, key: str):
    version = db.get_or_404(PlanVersion, version_id)
    require(can_read_plan(current_user, version.process))
    return _chart(version, key)


def _chart(version: PlanVersion, key: str) -> Response:
    kept = services.version_file(version, f"chart-{key}.png")
    if kept is None:
        abort(404)
    response = Response(kept.data, mimetype="image/png")
    response.cache_control.max_age = 86400
    return response


def _transition(version_id: int, action, message: str):
    version = db.get_or_404(PlanVersion, version_id)
    require(can_edit_plan(current_user, version.process))
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(version, by=current_user)
    except services.PlanError:
        db.session.rollback()
        flash(_("This step is not possible in the version's current status."), "error")
        return redirect(url_for(".version", version_id=version.id)), 409
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".version", version_id=version.id))


@bp.post("/plan/versions/<int:version_id>/submit")
@login_required
def submit(version_id: int):
    return _transition(version_id, services.submit, _("The version is now under review."))


@bp.post("/plan/versions/<int:version_id>/approve")
@login_required
def approve(version_id: int):
    return _transition(version_id, services.approve, _("The version is approved and published."))


@bp.post("/plan/versions/<int:version_id>/comments")
@login_required
def comment(version_id: int):
    version = db.get_or_404(PlanVersion, version_id)
    require(can_edit_plan(current_user, version.process))
    form = CommentForm()
    parent = db.session.get(ReviewComment, form.parent_id.data) if form.parent_id.data else None
    if not form.validate_on_submit():
        flash(_("Please write a comment."), "error")
        return redirect(url_for(".version", version_id=version.id, _anchor=form.section_key.data or "")), 400
    try:
        created = services.add_comment(version, form.section_key.data, form.text.data, by=current_user,
                                       measure_id=form.measure_id.data, parent=parent)
    except services.PlanError:
        db.session.rollback()
        abort(409)
    db.session.commit()
    flash(_("Your comment is saved."), "success")
    return redirect(url_for(".version", version_id=version.id, _anchor=f"comment-{created.id}"))


@bp.post("/plan/comments/<int:comment_id>/resolve")
@login_required
def resolve(comment_id: int):
    comment = db.get_or_404(ReviewComment, comment_id)
    version = comment.plan_version
    require(can_edit_plan(current_user, version.process))
    if not ActionForm().validate_on_submit():
        abort(400)
    services.resolve_comment(comment, by=current_user, resolved=request.form.get("reopen") is None)
    db.session.commit()
    return redirect(url_for(".version", version_id=version.id, _anchor=f"comment-{comment.id}"))


@bp.get("/processes/<int:process_id>/plan/compare")
@login_required
def compare(process_id: int):
    process = db.get_or_404(Process, process_id)
    require(can_read_plan(current_user, process))
    old = db.get_or_404(PlanVersion, request.args.get("a", type=int) or 0)
    new = db.get_or_404(PlanVersion, request.args.get("b", type=int) or 0)
    # Versions of the process, or of the process it updates (a plan and its update compare too).
    allowed = {process.id, process.parent_id}
    if old.process_id not in allowed or new.process_id not in allowed:
        abort(404)
    return render_template("plan/compare.html", process=process, old=old, new=new,
                           comparison=services.compare(old, new))


@bp.post("/plan/versions/<int:version_id>/update-process")
@login_required
def start_update(version_id: int):
    version = db.get_or_404(PlanVersion, version_id)
    require(can_edit_plan(current_user, version.process))
    form = UpdateProcessForm()
    if not form.validate_on_submit():
        flash(_("Please name the update process."), "error")
        return redirect(url_for(".version", version_id=version.id)), 400
    try:
        new = services.start_update(version, form.name.data, by=current_user)
    except services.PlanError:
        db.session.rollback()
        abort(409)
    db.session.commit()
    flash(_("The update process is started with the guiding goals and measures of the plan."), "success")
    return redirect(url_for(".draft", process_id=new.id))


# --- the published plan ---------------------------------------------------------------------------

@bp.get("/p/<int:process_id>/plan")
def public(process_id: int):
    """The approved version, without login and without anything personal."""
    process = db.get_or_404(Process, process_id)
    version = services.approved_version(process)
    if version is None:
        return render_template("plan/public_none.html", process=process), 404
    fmt = request.args.get("format")
    if fmt is not None:
        if fmt not in ("pdf", "md", "docx", "html"):
            abort(404)
        return _export_version(version, fmt, url_for(".public", process_id=process.id, format=fmt))
    image_urls = {key: url_for(".public_chart", process_id=process.id, key=key)
                  for key in services.chart_images(version)}
    return render_template("plan/public.html", process=process, version=version,
                           **render.html_context(version.content, marked=False, image_urls=image_urls))


@bp.get("/p/<int:process_id>/plan/charts/<key>.png")
def public_chart(process_id: int, key: str):
    process = db.get_or_404(Process, process_id)
    version = services.approved_version(process)
    if version is None:
        abort(404)
    return _chart(version, key)
