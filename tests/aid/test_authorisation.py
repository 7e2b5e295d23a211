"""Who may and may not use each aid endpoint: anonymous callers, members looking at someone
else's application, officers of another org, officers with the wrong role.

The program is owned by the province; the application comes from village1 (under town1,
county, province). Decisions have their own matrix in test_chain.py, program creation in
test_programs.py.
"""

from __future__ import annotations

import pytest

from tests.factories.aid import STEP_APPROVERS

# whoever is not named for an endpoint is not asked about it
EVERYONE_LOGGED_IN = {None: 401, "plain": 200, "applicant": 200, "prov_admin": 200}
OWNER_OFFICERS = {None: 401, "plain": 404, "applicant": 404, "village1_approver": 404,
                  "county_admin": 404, "prov_approver": 200, "prov_admin": 200}
# the owner org's officers, and the approvers of the orgs deciding a step of the chain
STATS_READERS = {None: 401, "plain": 404, "applicant": 404, "village1_approver": 200,
                 "town2_approver": 200, "county_approver": 200, "town1_reviewer": 404,
                 "county_admin": 404, "prov_approver": 200, "prov_admin": 200}
OWNER_ADMINS = {None: 401, "plain": 404, "applicant": 404, "county_admin": 404,
                "prov_approver": 403, "prov_admin": 200}
APPLICATION_VIEWERS = {None: 401, "plain": 404, "neighbour": 404, "village2_approver": 404,
                       "town2_approver": 404, "applicant": 200, "village1_approver": 200,
                       "town1_reviewer": 200, "county_admin": 200, "prov_admin": 200}
APPLICANT_ONLY = {None: 401, "plain": 404, "neighbour": 404, "village2_approver": 404,
                  "village1_approver": 403, "county_admin": 403, "applicant": 200}
# a draft is the applicant's until submitted: officers over the org do not see it at all
DRAFT_APPLICANT = {**APPLICANT_ONLY, "village1_approver": 404, "town1_reviewer": 404,
                   "county_admin": 404, "prov_admin": 404}
REVEALERS = {None: 401, "plain": 404, "applicant": 404, "village2_approver": 404,
             "town2_approver": 404, "village1_approver": 200, "town1_reviewer": 200,
             "county_admin": 200}

# endpoint → (what it needs, method, url, body, who → status)
ENDPOINTS = {
    "program": ("program", "get", "/aid/programs/{program}", None, EVERYONE_LOGGED_IN),
    "stats": ("program", "get", "/aid/programs/{program}/stats", None, STATS_READERS),
    "stats.xlsx": ("program", "get", "/aid/programs/{program}/stats.xlsx", None,
                   STATS_READERS),
    "batches": ("program", "get", "/aid/programs/{program}/batches", None, OWNER_OFFICERS),
    "batch create": ("approved", "post", "/aid/programs/{program}/batches",
                     lambda scene: {"name": "发放仪式",
                                    "application_ids": [scene["application"]["id"]]},
                     {**OWNER_ADMINS, "prov_admin": 201}),
    "application": ("submitted", "get", "/aid/applications/{application}", None,
                    APPLICATION_VIEWERS),
    "draft": ("draft", "get", "/aid/applications/{application}", None, DRAFT_APPLICANT),
    "edit": ("draft", "patch", "/aid/applications/{application}",
             lambda scene: {"version": scene["application"]["version"], "reason": "补充说明"},
             DRAFT_APPLICANT),
    "submit": ("draft", "post", "/aid/applications/{application}/submit",
               lambda scene: {"version": scene["application"]["version"]}, DRAFT_APPLICANT),
    "withdraw": ("submitted", "post", "/aid/applications/{application}/withdraw",
                 lambda scene: {"version": scene["application"]["version"]}, APPLICANT_ONLY),
    "reveal": ("submitted", "post", "/aid/applications/{application}/reveal",
               lambda scene: {"field": "bank_account", "reason": "核对银行账户"}, REVEALERS),
    "batch": ("batch", "get", "/aid/batches/{batch}", None, OWNER_OFFICERS),
    "paid": ("batch", "post", "/aid/batches/{batch}/paid",
             lambda scene: {"version": scene["batch"]["version"]}, OWNER_ADMINS),
    "roster": ("batch", "get", "/aid/batches/{batch}/roster.xlsx?reason=银行代发", None,
               OWNER_ADMINS),
    "unbatch": ("batch", "delete", "/aid/batches/{batch}/applications/{application}", None,
                OWNER_ADMINS),
}
MATRIX = [(endpoint, who, status) for endpoint, (*_, expected) in ENDPOINTS.items()
          for who, status in expected.items()]


def build(world, program: dict, needs: str) -> dict:
    """What an endpoint acts on: the program, and an application at the stage it needs."""
    scene: dict = {"program": program}
    if needs == "draft":
        created = world.draft(program["id"])
        assert created.status_code == 201, created.get_json()
        scene["application"] = created.get_json()
    elif needs == "submitted":
        scene["application"] = world.submitted(program["id"])
    elif needs in ("approved", "batch"):
        scene["application"] = world.approved(world.submitted(program["id"]), STEP_APPROVERS)
        if needs == "batch":
            scene["batch"] = world.batch(program, [scene["application"]])
    return scene


@pytest.mark.parametrize(("endpoint", "who", "status"), MATRIX,
                         ids=[f"{endpoint}-{who or 'anonymous'}" for endpoint, who, _ in MATRIX])
def test_aid_endpoint_authorisation(world, program, endpoint, who, status):
    needs, method, url, body, _ = ENDPOINTS[endpoint]
    scene = build(world, program, needs)
    path = "/api/v1" + url.format(**{name: value["id"] for name, value in scene.items()})
    response = getattr(world.client, method)(
        path, headers=world.as_user(who), json=body(scene) if body else None)
    assert response.status_code == status, response.get_json()


# who → sees the village1 application in the officers' list
OFFICER_LIST = [("village1_approver", True), ("town1_reviewer", True), ("county_admin", True),
                ("prov_admin", True), ("village2_approver", False), ("town2_approver", False),
                ("plain", False), ("applicant", False)]


@pytest.mark.parametrize(("who", "sees"), OFFICER_LIST)
def test_officer_list_shows_only_applications_under_the_officer(world, program, who, sees):
    application = world.submitted(program["id"])
    response = world.client.get("/api/v1/aid/applications", headers=world.as_user(who))
    assert response.status_code == 200
    assert (application["id"] in [item["id"] for item in response.get_json()["items"]]) is sees


@pytest.mark.parametrize(("who", "sees"), [("applicant", True), ("neighbour", False),
                                           ("village1_approver", False)])
def test_my_applications_are_the_callers_own(world, program, who, sees):
    application = world.submitted(program["id"])
    response = world.client.get("/api/v1/me/aid/applications", headers=world.as_user(who))
    assert response.status_code == 200
    assert (application["id"] in [item["id"] for item in response.get_json()["items"]]) is sees


@pytest.mark.parametrize("url", ["/api/v1/aid/applications", "/api/v1/me/aid/applications",
                                 "/api/v1/aid/programs"])
def test_lists_need_a_login(client, url):
    assert client.get(url).status_code == 401


@pytest.mark.parametrize(("who", "status"), [("applicant", 200), ("village1_approver", 404),
                                             ("county_admin", 404)])
def test_a_drafts_documents_are_the_applicants_until_it_is_submitted(world, program, who,
                                                                     status):
    created = world.draft(program["id"])
    assert created.status_code == 201
    file_id = created.get_json()["documents"][0]["file_id"]
    response = world.client.get(f"/api/v1/files/{file_id}", headers=world.as_user(who))
    assert response.status_code == status
    submitted = world.client.post(
        f"/api/v1/aid/applications/{created.get_json()['id']}/submit",
        headers=world.as_user("applicant"), json={"version": created.get_json()["version"]})
    assert submitted.status_code == 200
    after = world.client.get(f"/api/v1/files/{file_id}", headers=world.as_user(who))
    assert after.status_code == 200  # once submitted, the officers over the org read it
