"""Rate limits (Flask-Limiter): per IP on public endpoints and login, per user on writes.

Counters live in Redis when REDIS_URL is set, so every instance shares them; if Redis goes
down the limiter falls back to per-process memory counters and keeps serving.
"""

from __future__ import annotations

from flask import current_app, request
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def user_or_ip() -> str:
    """The user id from a valid access token, else the client address."""
    try:
        verify_jwt_in_request(optional=True)
        identity = get_jwt_identity()
    except Exception:  # a bad token is answered by the endpoint itself
        identity = None
    return f"user:{identity}" if identity else f"ip:{get_remote_address()}"


def client_ip() -> str:
    return f"ip:{get_remote_address()}"


def _reads_are_exempt() -> bool:
    return request.method in ("GET", "HEAD", "OPTIONS")


limiter = Limiter(
    key_func=user_or_ip,
    default_limits=[lambda: current_app.config["RATELIMIT_WRITES"]],
    default_limits_exempt_when=_reads_are_exempt,
    headers_enabled=True,
    in_memory_fallback_enabled=True,
)


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def public_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC"]
