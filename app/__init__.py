"""Application factory: config, extensions, blueprints, error handlers, CLI."""

from __future__ import annotations

from types import CodeType, FunctionType

from flask import Flask

from app.core.http import MAX_ID, IdConverter
from app.core.jsonprovider import OrjsonProvider
from config import BaseConfig, engine_options, load_config


class App(Flask):
    """Flask, with `ensure_sync` remembered per code object: Flask asks it of every hook and
    view on every request (17 times for a nearby search), and each time `inspect` walks the
    function's code flags again. Keyed by code, not by function: some hooks are closures
    made anew on every request, and whether a plain function is a coroutine function is its
    code's flag (or a marker on the function, checked each time)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._plain: set[CodeType] = set()

    def ensure_sync(self, func):
        plain = type(func) is FunctionType and not hasattr(func, "_is_coroutine_marker")
        if plain and func.__code__ in self._plain:
            return func
        found = super().ensure_sync(func)
        if plain and found is func:
            self._plain.add(func.__code__)
        return found


def create_app(config: BaseConfig | dict | None = None) -> Flask:
    """Build the app; `config` is a settings object, a dict of overrides, or None for the env."""
    app = App(__name__, instance_relative_config=False)
    app.url_map.converters["int"] = IdConverter
    app.json = OrjsonProvider(app)  # Flask's bytes (UTF-8 text, sorted keys), ~10× faster
    load_settings(app, config)
    register_logging(app)
    register_extensions(app)
    register_domain_hooks()  # first: the document lists what the domains register (to-do kinds)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def load_settings(app: Flask, config: BaseConfig | dict | None) -> None:
    if isinstance(config, dict):
        settings = load_config(config.get("GONGHUI_ENV"))
        app.config.from_object(settings)
        app.config.update(config)
    else:
        app.config.from_object(config or load_config())


def register_logging(app: Flask) -> None:
    from app.core.requestlog import configure_logging, register_request_logging

    configure_logging(app.config["LOG_LEVEL"])
    register_request_logging(app)


def register_extensions(app: Flask) -> None:
    from app.auth.current import register_jwt_callbacks
    from app.core import apidoc, i18n, proxies, ratelimit
    from app.core.compression import register_compression
    from app.core.http import refuse_nul_in_path
    from app.core.idempotency import register_idempotency
    from app.core.metrics import register_metrics
    from app.core.postgres import register_postgres_session
    from app.core.sqlite import register_sqlite_pragmas
    from app.extensions import api, db, jwt, migrate
    from app.notify.worker import backlog

    app.config.setdefault("API_SPEC_OPTIONS", apidoc.spec_options())
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    register_compression(app)  # first registered, so it runs after every other after_request
    db.init_app(app)
    register_sqlite_pragmas(app)
    register_postgres_session(app)
    migrate.init_app(app, db, directory=str(_root() / "migrations"))
    jwt.init_app(app)
    register_jwt_callbacks(app)
    api.init_app(app)
    proxies.install(app)
    app.before_request(refuse_nul_in_path)
    i18n.init_app(app)
    ratelimit.init_app(app)
    register_idempotency(app)
    register_metrics(app, gauges=[
        ("gonghui_outbox_messages", "Outbox rows by status", "status", backlog)])
    api.register_converter(
        IdConverter, lambda _: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )


def register_blueprints(app: Flask) -> None:
    from app.aid.routes import blp as aid
    from app.auth.routes import blp as auth
    from app.benefits.routes import blp as benefits
    from app.cards.routes import blp as cards
    from app.core.docs import blp as docs_assets
    from app.events.routes import blp as events
    from app.extensions import api
    from app.files.routes import blp as files
    from app.hardship.routes import blp as hardship
    from app.health.routes import blp as health
    from app.ledger.routes import blp as ledger
    from app.members.routes import blp as members
    from app.notices.routes import blp as notices
    from app.notify.routes import blp as notify
    from app.orgs.routes import blp as orgs
    from app.privacy.routes import blp as privacy
    from app.projects.routes import blp as projects
    from app.relief.routes import blp as relief
    from app.rights.routes import blp as rights
    from app.stations.activity.routes import blp as station_activity
    from app.stations.planning.routes import blp as station_planning
    from app.stations.routes import blp as stations
    from app.workbench.routes import blp as workbench

    app.register_blueprint(health)
    if app.config.get("OPENAPI_URL_PREFIX") is not None:  # the docs are served at all
        app.register_blueprint(docs_assets)
    for blueprint in (
        auth, orgs, members, cards, projects, aid, files, notify, workbench,
        stations, station_activity, station_planning, events, privacy, hardship, notices, rights,
        benefits, relief, ledger,
    ):
        api.register_blueprint(blueprint, url_prefix="/api/v1")


def register_domain_hooks() -> None:
    """Every domain's plug-ins into the others (batch handlers, to-do open hooks, file access
    rules, personal-data export and erasure), registered here and nowhere at import time."""
    from app.aid.hooks import register_hooks as aid
    from app.auth.hooks import register_hooks as auth
    from app.benefits.hooks import register_hooks as benefits
    from app.cards.hooks import register_hooks as cards
    from app.core import idempotency, personal_data
    from app.events.hooks import register_hooks as events
    from app.files.hooks import register_hooks as files
    from app.hardship.hooks import register_hooks as hardship
    from app.members.hooks import register_hooks as members
    from app.notices.hooks import register_hooks as notices
    from app.notify.hooks import register_hooks as notify
    from app.orgs.hooks import register_hooks as orgs
    from app.projects.hooks import register_hooks as projects
    from app.relief.hooks import register_hooks as relief
    from app.rights.hooks import register_hooks as rights
    from app.stations.hooks import register_hooks as stations

    # the order is the order of the personal-data export, erasure and retention jobs
    for register in (auth, orgs, aid, members, cards, rights, projects, stations, events,
                     hardship, notices, benefits, relief, notify, files):
        register()
    # the kit's own table of personal data: stored answers, kept by caller
    personal_data.register(idempotency.PERSONAL_DATA)


def register_error_handlers(app: Flask) -> None:
    from app.errors import register_error_handlers as register

    register(app)


def register_cli(app: Flask) -> None:
    from app.cli import gonghui
    from app.core import workdays  # noqa: F401  (its calendar table is part of the schema)

    app.cli.add_command(gonghui)


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent
