"""Small factories shared by tests: logins, orgs, grants."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

_counter = itertools.count()


def wx_login(client, name: str) -> dict:
    response = client.post("/api/v1/auth/wx-login", json={"code": f"mock:{name}"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    access_token: str
    refresh_token: str

    def headers_for(self, case) -> dict[str, str]:
        """The refresh endpoint wants the refresh token; everything else the access token."""
        if case.path.endswith("/auth/refresh"):
            return bearer(self.refresh_token)
        return bearer(self.access_token)


def seed_officer_world(app, client) -> World:
    """A freshly logged-in user for one generated request."""
    pair = wx_login(client, f"prop-{next(_counter)}")
    return World(pair["access_token"], pair["refresh_token"])
