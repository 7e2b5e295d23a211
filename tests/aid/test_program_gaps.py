"""Nothing stalls silently: a chain org without an approver is flagged to the program's
admins, and an application waiting there is a "无人审批" to-do of the admins above it until an
approver is granted. Open programs say whether the caller may apply."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select, text

from app.core.todos import TodoItem
from app.extensions import db
from tests.factories.projects import approve_members

ENGLISH = {"Accept-Language": "en"}


def todos(world, who: str, kind: str = "aid_no_approver") -> list[dict]:
    body = world.client.get(f"/api/v1/workbench/todos?kind={kind}",
                            headers=world.as_user(who)).get_json()
    return body["items"]


def test_a_chain_org_without_approver_is_flagged_when_created(world):
    # the test tree has approvers everywhere but village3 (丙村)
    program = world.create_program()
    [warning] = program["warnings"]
    assert (warning["code"], warning["count"]) == ("no_approver", 1)
    assert warning["orgs"] == [{"id": world.tree["village3"], "name": "丙村"}]
    assert "审批人" in warning["message"]
    inbox = world.client.get("/api/v1/me/messages",
                             headers=world.as_user("prov_admin")).get_json()["items"]
    flagged = [m for m in inbox if m["event"] == "aid.no_approver"]
    assert len(flagged) == 1 and "丙村" in flagged[0]["body"]
    assert flagged[0]["page"] == f"pages/aid/program?id={program['id']}"


def test_the_warning_shows_when_the_admin_opens_the_program(world, program):
    url = f"/api/v1/aid/programs/{program['id']}"
    seen = world.client.get(url, headers={**world.as_user("prov_admin"), **ENGLISH}).get_json()
    assert seen["warnings"][0]["message"].startswith("1 org(s) in the approval chain")
    assert world.client.get(url, headers=world.as_user("plain")).get_json()["warnings"] is None
    # granted: nothing to fix any more
    world.client.post(f"/api/v1/orgs/{world.tree['village3']}/officers",
                      headers=world.as_user("county_admin"),
                      json={"user_id": world.tree["plain"], "role": "approver"})
    assert world.client.get(url, headers=world.as_user("prov_admin")).get_json()[
        "warnings"] == []


def test_a_complete_chain_has_no_warning_and_no_message(world):
    program = world.create_program(eligible_org_ids=[world.tree["town1"]])
    assert program["warnings"] == []
    inbox = world.client.get("/api/v1/me/messages",
                             headers=world.as_user("prov_admin")).get_json()["items"]
    assert not [m for m in inbox if m["event"] == "aid.no_approver"]


def test_an_application_at_a_step_without_approver_is_a_todo_of_the_admins_above(world,
                                                                                  program):
    application = world.submitted(program["id"], org="village3")
    [card] = todos(world, "county_admin")
    assert card["id"] == application["id"]
    assert card["title"] == "无人审批：丙村"
    assert card["batchable"] is False
    assert card["action"] == f"/api/v1/orgs/{world.tree['village3']}/officers"
    assert [c["id"] for c in todos(world, "prov_admin")] == [application["id"]]
    for nobody in ("town2_approver", "village1_approver", "plain"):
        assert todos(world, nobody) == []
    counts = world.client.get("/api/v1/workbench/counts",
                              headers=world.as_user("county_admin")).get_json()
    assert counts["by_kind"]["aid_no_approver"] == 1
    # an approver is granted there: the to-do closes and the new approver has the step
    granted = world.client.post(f"/api/v1/orgs/{world.tree['village3']}/officers",
                                headers=world.as_user("county_admin"),
                                json={"user_id": world.tree["plain"], "role": "approver"})
    assert granted.status_code == 201
    assert todos(world, "county_admin") == []
    assert [c["id"] for c in todos(world, "plain", "aid_application")] == [application["id"]]


def test_a_reviewer_grant_does_not_close_it_and_withdrawing_does(world, program):
    application = world.submitted(program["id"], org="village3")
    world.client.post(f"/api/v1/orgs/{world.tree['village3']}/officers",
                      headers=world.as_user("county_admin"),
                      json={"user_id": world.tree["plain"], "role": "reviewer"})
    assert len(todos(world, "county_admin")) == 1
    withdrawn = world.client.post(f"/api/v1/aid/applications/{application['id']}/withdraw",
                                  headers=world.as_user("applicant"),
                                  json={"version": application["version"]})
    assert withdrawn.status_code == 200
    assert todos(world, "county_admin") == []


def test_steps_with_approvers_open_no_gap_todo(world, program):
    world.submitted(program["id"], org="village1")
    assert todos(world, "county_admin") == [] and todos(world, "prov_admin") == []


def test_open_programs_say_whether_the_caller_may_apply(app, world, program):
    other = world.create_program(name="只限乙村", eligible_org_ids=[world.tree["village2"]])
    approve_members(app, "member1", org_id=world.tree["village1"])

    def eligible(who: str) -> dict[int, bool]:
        items = world.client.get("/api/v1/aid/programs?scope=open",
                                 headers=world.as_user(who)).get_json()["items"]
        return {p["id"]: p["eligible"] for p in items}

    assert eligible("member1") == {program["id"]: True, other["id"]: False}
    assert eligible("plain") == {program["id"]: False, other["id"]: False}
    # officers may enter applications for people of their orgs
    assert eligible("town2_approver") == {program["id"]: True, other["id"]: False}
    assert eligible("village2_approver") == {program["id"]: True, other["id"]: True}
    managed = world.client.get("/api/v1/aid/programs?scope=managed",
                               headers=world.as_user("prov_admin")).get_json()["items"]
    assert {p["eligible"] for p in managed} == {None}
    assert {p["warnings"] is None for p in managed} == {True}


def test_revoking_the_last_approver_puts_the_waiting_application_on_the_queue(world,
                                                                               program):
    application = world.submitted(program["id"], org="village1")
    assert todos(world, "county_admin") == []
    admin = world.as_user("county_admin")
    url = f"/api/v1/orgs/{world.tree['village1']}/officers"
    [grant] = [g for g in world.client.get(url, headers=admin).get_json()["items"]
               if g["role"] == "approver"]
    assert world.client.delete(f"{url}/{grant['id']}", headers=admin).status_code == 204
    [card] = todos(world, "county_admin")
    assert (card["id"], card["title"]) == (application["id"], "无人审批：甲村")
    # the town's admins would see it too (it sits on the org above village1)
    assert [c["org"]["id"] for c in todos(world, "prov_admin")] == [world.tree["town1"]]


def test_revoking_one_of_two_approvers_changes_nothing(world, program):
    world.submitted(program["id"], org="village1")
    admin = world.as_user("county_admin")
    url = f"/api/v1/orgs/{world.tree['village1']}/officers"
    world.client.post(url, headers=admin, json={"user_id": world.tree["plain"],
                                                 "role": "approver"})
    first = [g for g in world.client.get(url, headers=admin).get_json()["items"]
             if g["role"] == "approver"][0]
    assert world.client.delete(f"{url}/{first['id']}", headers=admin).status_code == 204
    assert todos(world, "county_admin") == []


def test_the_migration_puts_applications_already_waiting_on_the_queue(app, world, program):
    """Applications submitted before this release, waiting at an org without an approver."""
    application = world.submitted(program["id"], org="village3")
    migration = (Path(__file__).resolve().parents[2] / "migrations" / "versions"
                 / "20261201_k1nogap_aid_no_approver_todos.py")
    with app.app_context():
        made = db.session.scalar(select(TodoItem).where(TodoItem.kind == "aid_no_approver"))
        expected = {c: getattr(made, c) for c in ("object_id", "org_id", "org_path", "role",
                                                  "title", "summary", "version", "action",
                                                  "exact_org", "batchable")}
        db.session.execute(delete(TodoItem).where(TodoItem.kind == "aid_no_approver"))
        db.session.commit()
        namespace: dict = {}
        exec(compile(migration.read_text(encoding="utf-8"), str(migration), "exec"), namespace)
        executed = []
        namespace["op"] = type("Op", (), {"execute": staticmethod(executed.append)})
        namespace["upgrade"]()
        db.session.execute(text(executed[0]))
        db.session.execute(text(executed[0]))  # idempotent
        db.session.commit()
        rows = list(db.session.scalars(select(TodoItem).where(
            TodoItem.kind == "aid_no_approver")))
        assert len(rows) == 1
        assert {c: getattr(rows[0], c) for c in expected} == expected
        assert expected["object_id"] == application["id"]
