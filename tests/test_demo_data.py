"""The demo data loads idempotently and the demo accounts see what the issue promises."""

from __future__ import annotations

from app.demo import load_demo_data


def test_demo_data_is_idempotent_and_scoped(app, client):
    with app.app_context():
        first = load_demo_data()
        second = load_demo_data()
    assert first == second
    binhai = client.post("/api/v1/auth/wx-login", json={"code": "mock:officer-binhai"}).get_json()
    me = binhai["user"]
    assert {r["role"] for r in me["roles"]} == {"admin", "approver"}
    headers = {"Authorization": f"Bearer {binhai['access_token']}"}
    pending = client.get("/api/v1/memberships", headers=headers).get_json()["items"]
    names = {m["real_name"] for m in pending}
    assert {"周强", "吴敏"} <= names
    town = client.post("/api/v1/auth/wx-login",
                       json={"code": "mock:officer-donglan-town"}).get_json()
    theirs = client.get("/api/v1/memberships", headers={
        "Authorization": f"Bearer {town['access_token']}"}).get_json()["items"]
    assert {m["real_name"] for m in theirs} == {"韦华"}
    member = client.post("/api/v1/auth/wx-login", json={"code": "mock:demo-member"}).get_json()
    mine = client.get("/api/v1/me/memberships", headers={
        "Authorization": f"Bearer {member['access_token']}"}).get_json()["items"]
    assert [m["status"] for m in mine] == ["approved"]


def test_demo_to_dos_name_the_industry_in_chinese(app, client):
    """The to-do summary shows the industry's label, as a request would write it."""
    from app.core.labels import code_label
    from app.members.models import INDUSTRIES

    with app.app_context():
        load_demo_data()
    binhai = client.post("/api/v1/auth/wx-login", json={"code": "mock:officer-binhai"}).get_json()
    todos = client.get("/api/v1/workbench/todos?kind=membership", headers={
        "Authorization": f"Bearer {binhai['access_token']}"}).get_json()["items"]
    assert todos and all(todo["kind_label"] == "入会申请" for todo in todos)
    with app.test_request_context("/"):
        chinese = {code_label(INDUSTRIES, code) for code in INDUSTRIES}
    assert all(todo["summary"].split(" · ")[1] in chinese for todo in todos)
