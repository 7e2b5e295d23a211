"""Auth fixtures: a counter of token verifications."""

from __future__ import annotations

import flask_jwt_extended.view_decorators as jwt_views
import pytest


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
