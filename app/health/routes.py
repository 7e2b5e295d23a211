"""GET /healthz (process alive) and GET /readyz (dependencies reachable)."""

from flask import Blueprint, jsonify

from app.health import service

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz():
    report = service.readiness()
    return jsonify(report), (200 if report["status"] != "down" else 503)
