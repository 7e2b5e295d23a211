"""Auth fixtures: counters of token verifications and of SQL statements."""

from __future__ import annotations

from collections.abc import Iterator

import flask_jwt_extended.view_decorators as jwt_views
import pytest
from sqlalchemy import event

from app.extensions import db


@pytest.fixture
def token_decodes(monkeypatch) -> list[str]:
    """Every JWT decoded from a request, in order: the library's `decode_token` wrapped."""
    decoded: list[str] = []
    real = jwt_views.decode_token

    def counting(encoded_token, *args, **kwargs):
        decoded.append(encoded_token)
        return real(encoded_token, *args, **kwargs)

    monkeypatch.setattr(jwt_views, "decode_token", counting)
    return decoded


@pytest.fixture
def statements(app) -> Iterator[list[str]]:
    """The SQL statements run from now on (a `before_cursor_execute` listener)."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)
