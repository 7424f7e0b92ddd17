"""Masterplan Tracker: follows a city's economic masterplan process from kickoff to implementation."""

from __future__ import annotations

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application; test_config replaces instance/config.py."""
    app = Flask(
        __name__, instance_relative_config=True, template_folder="../templates", static_folder="../static"
    )

    from tracker.config import load_config

    load_config(app, test_config)

    from tracker import assets, extensions, forms, i18n, security, templating

    forms.install()
    extensions.init_app(app)

    from tracker import caching, jobs

    jobs.init_app(app)
    caching.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    assets.init_app(app)

    from tracker import errors, schema_check

    errors.init_app(app)
    schema_check.init_app(app)

    from tracker.accounts.views import bp as accounts_bp
    from tracker.admin.views import bp as admin_bp
    from tracker.attendance.views import bp as attendance_bp
    from tracker.charts.views import bp as charts_bp
    from tracker.goals.views import bp as goals_bp
    from tracker.hubs.views import bp as hubs_bp
    from tracker.implementation.views import bp as implementation_bp
    from tracker.jobs.views import bp as jobs_bp
    from tracker.mail.views import bp as mail_bp
    from tracker.measures.views import bp as measures_bp
    from tracker.organizations.views import bp as organizations_bp
    from tracker.plan.views import bp as plan_bp
    from tracker.prioritisation.views import bp as prioritisation_bp
    from tracker.privacy.views import bp as privacy_bp
    from tracker.processes.views import bp as processes_bp
    from tracker.public.views import bp as public_bp
    from tracker.registration.views import bp as registration_bp
    from tracker.room.views import bp as room_bp
    from tracker.sessions.views import bp as sessions_bp

    for blueprint in (public_bp, accounts_bp, admin_bp, processes_bp, hubs_bp, sessions_bp,
                      organizations_bp, measures_bp, privacy_bp, attendance_bp, plan_bp, registration_bp,
                      goals_bp, implementation_bp, prioritisation_bp, charts_bp, mail_bp, room_bp, jobs_bp):
        app.register_blueprint(blueprint)

    from tracker.api.views import bp as api_bp
    from tracker.api.views import web as api_tokens_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(api_tokens_bp)

    if app.config.get("BENCHMARK_ENDPOINTS"):
        from tracker.benchmarking.views import bp as benchmarking_bp

        app.register_blueprint(benchmarking_bp)

    from tracker.implementation import subscriptions as implementation_subscriptions
    from tracker.mail import subscriptions

    subscriptions.connect()
    implementation_subscriptions.connect()

    from tracker.cli import register_commands

    register_commands(app)
    return app
