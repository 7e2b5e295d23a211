"""Every personal-data endpoint is the caller's own: anonymous callers get 401; the
access review belongs to admins of the subtree (its matrix is in test_access_review.py)."""

from __future__ import annotations

import pytest

from tests.helpers import give_consents

ENDPOINTS = [("get", "/api/v1/me/consents"), ("post", "/api/v1/me/consents"),
             ("post", "/api/v1/me/consents/1/withdraw"), ("get", "/api/v1/me/data-export"),
             ("get", "/api/v1/me/deletion-request"), ("post", "/api/v1/me/deletion-request")]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_callers_are_401(client, method, path):
    assert getattr(client, method)(path, json={}).status_code == 401


def test_policies_are_public(client):
    assert client.get("/api/v1/privacy/policies").status_code == 200


@pytest.mark.parametrize("suffix", ["", ".xlsx"])
@pytest.mark.parametrize(("who", "status"), [
    (None, 401), ("plain", 404), ("town1_reviewer", 403), ("town1_approver", 403),
    ("town2_approver", 404), ("county_admin", 200),
])
def test_access_review_matrix_for_json_and_xlsx(client, tree, as_user, who, status, suffix):
    response = client.get(f"/api/v1/orgs/{tree['town1']}/pii-access{suffix}",
                          headers=as_user(who))
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("owner", 200), ("someone", 404)])
def test_withdraw_matrix(client, as_user, who, status):
    (given,) = give_consents(client, as_user("owner"), "membership")
    response = client.post(f"/api/v1/me/consents/{given['id']}/withdraw", headers=as_user(who))
    assert response.status_code == status
