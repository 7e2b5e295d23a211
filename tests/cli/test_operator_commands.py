"""Operator CLI: create a root org and grant a role to an openid."""

from __future__ import annotations

import json


def test_create_root_org_and_grant_role(app, client, login):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["gonghui", "create-root-org", "--name", "四川省总工会",
                                  "--region-code", "510000"])
    assert created.exit_code == 0, created.output
    org = json.loads(created.output)
    assert org["level"] == "province"
    headers = login("sichuan-admin")
    granted = runner.invoke(args=["gonghui", "grant-role", "--openid", "mock-sichuan-admin",
                                  "--org-id", str(org["id"]), "--role", "admin"])
    assert granted.exit_code == 0, granted.output
    roles = client.get("/api/v1/me", headers=headers).get_json()["roles"]
    assert roles == [{"org_id": org["id"], "org_name": "四川省总工会", "role": "admin",
                      "role_label": "管理员"}]
    again = runner.invoke(args=["gonghui", "grant-role", "--openid", "mock-sichuan-admin",
                                "--org-id", str(org["id"]), "--role", "admin"])
    assert again.exit_code != 0 and "already" in again.output
    unknown = runner.invoke(args=["gonghui", "grant-role", "--openid", "mock-nobody",
                                  "--org-id", str(org["id"]), "--role", "admin"])
    assert unknown.exit_code != 0 and "log in" in unknown.output
