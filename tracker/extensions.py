"""Flask extensions, created unbound here and initialised in create_app."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from tracker.database import configure_engine

# Named constraints make the same Alembic migrations run on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app) -> None:
    """Bind the extensions to the app; Redis backs the rate limits when REDIS_URL is set."""
    import tracker.models  # noqa: F401  (registers every table on the metadata)

    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # A moving window: "5 per hour" means any hour, not one that restarts on the clock's full hour
    # (a fixed window lets twice the limit through around the hour).
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path.rsplit("/", 1)[0] + "/migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    with app.app_context():
        configure_engine(db.engine)
