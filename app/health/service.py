"""Readiness: the database must answer; Redis is optional and only degrades us."""

from __future__ import annotations

import logging

from sqlalchemy import text

from app.core.wechat import redis_client
from app.extensions import db

log = logging.getLogger("gonghui.health")


def readiness() -> dict:
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
        if db.session.get_bind().dialect.name == "postgresql":
            # PostGIS is optional: reported when present, never required
            version = db.session.execute(text(
                "SELECT extversion FROM pg_extension WHERE extname = 'postgis'")).scalar()
            checks["postgis"] = f"available {version}" if version else "absent"
    except Exception as exc:  # any driver error means not ready
        log.warning("database not ready", extra={"fields": {"error": type(exc).__name__}})
        checks["database"] = "down"
    finally:
        db.session.rollback()
    client = redis_client()
    if client is None:
        checks["redis"] = "not_configured"
    else:
        try:
            client.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            log.warning("redis not ready", extra={"fields": {"error": type(exc).__name__}})
            checks["redis"] = "down"
    if checks["database"] == "down":
        status = "down"
    elif checks["redis"] == "down":
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "checks": checks}
