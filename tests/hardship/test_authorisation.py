"""Who may and may not use each hardship and notice endpoint: anonymous callers, members
looking at someone else's file, officers of another org, officers with the wrong role; and
abuse: probing households, stuffing objections, replaying decisions.

The file comes from village1 (under town1, county); its chain is village1 → town1 → county.
"""

from __future__ import annotations

import pytest

from tests.factories.hardship import (
    decide,
    draft,
    file_body,
    in_notice,
    notice_of,
    submit,
    submitted,
    uploads,
    visit,
)

VIEWERS = {None: 401, "plain": 404, "neighbour": 404, "village2_approver": 404,
           "town2_approver": 404, "applicant": 200, "village1_approver": 200,
           "town1_reviewer": 200, "county_admin": 200}
APPLICANT_ONLY = {None: 401, "plain": 404, "village2_approver": 404,
                  "village1_approver": 403, "county_admin": 403, "applicant": 200}
DRAFT_APPLICANT = {**APPLICANT_ONLY, "village1_approver": 404, "county_admin": 404}
VISITORS = {None: 401, "plain": 404, "applicant": 403, "village2_approver": 404,
            "village1_approver": 201, "town1_reviewer": 201, "county_admin": 201}
# the grassroots step is decided by an approver of village1 itself
GRASSROOTS_DECIDERS = {None: 401, "plain": 404, "applicant": 403, "village2_approver": 404,
                       "town1_reviewer": 403, "town1_approver": 403, "county_approver": 403,
                       "village1_approver": 200}
REVEALERS = {None: 401, "plain": 404, "applicant": 404, "village2_approver": 404,
             "town2_approver": 404, "village1_approver": 200, "town1_reviewer": 200,
             "county_admin": 200}
COUNTY_ADMINS = {None: 401, "plain": 403, "county_approver": 403, "village1_approver": 403,
                 "county_admin": 200, "prov_admin": 200}
EXPORTERS = {None: 401, "plain": 403, "town1_reviewer": 403, "village2_approver": 403,
             "town1_approver": 200, "county_approver": 200}
OBJECTION_READERS = {None: 401, "plain": 404, "applicant": 404, "village2_approver": 404,
                     "village1_approver": 200, "town1_reviewer": 200, "county_admin": 200}
OBJECTION_DECIDERS = {None: 401, "plain": 404, "neighbour": 403, "village2_approver": 404,
                      "town1_reviewer": 403, "county_admin": 403, "village1_approver": 200,
                      "town1_approver": 200}
PUBLIC = {None: 200, "plain": 200}
LOGGED_IN = {None: 401, "plain": 200, "applicant": 200}


def _version(scene):
    return {"version": scene["file"]["version"]}


def _visit_body(scene):
    return {"visited_on": "2026-12-01", "second_officer_id": scene["tree"]["county_approver"],
            "findings": "入户核查属实。", "photo_file_ids": [scene["uploads"][0]],
            "signed_application_file_id": scene["uploads"][1],
            "finance_consent_file_id": scene["uploads"][2]}


# endpoint → (what it needs, method, url, body, who → status)
ENDPOINTS = {
    "file": ("submitted", "get", "/hardship-files/{file}", None, VIEWERS),
    "draft": ("draft", "get", "/hardship-files/{file}", None, DRAFT_APPLICANT),
    "edit": ("draft", "patch", "/hardship-files/{file}",
             lambda s: {**_version(s), "main_cause": "disability"}, DRAFT_APPLICANT),
    "submit": ("draft", "post", "/hardship-files/{file}/submit", _version, DRAFT_APPLICANT),
    "withdraw": ("submitted", "post", "/hardship-files/{file}/withdraw", _version,
                 APPLICANT_ONLY),
    "visit": ("submitted", "post", "/hardship-files/{file}/visits", _visit_body, VISITORS),
    "approve": ("visited", "post", "/hardship-files/{file}/decisions",
                lambda s: {**_version(s), "action": "approve"}, GRASSROOTS_DECIDERS),
    "reveal": ("submitted", "post", "/hardship-files/{file}/reveal",
               lambda s: {"field": "id_number", "reason": "核对身份"}, REVEALERS),
    "settings put": ("none", "put", "/hardship/settings/{county}",
                     lambda s: {"poverty_line_fen": 90_000}, COUNTY_ADMINS),
    "settings get": ("none", "get", "/hardship/settings/{county}", None, LOGGED_IN),
    "stats": ("submitted", "get", "/hardship/stats?org_id={town1}", None,
              {None: 401, "plain": 403, "village1_approver": 403, "town1_reviewer": 200,
               "county_admin": 200}),
    "stats xlsx": ("submitted", "get", "/hardship/stats.xlsx?org_id={town1}&year=2026", None,
                   {None: 401, "plain": 403, "village1_approver": 403, "town2_approver": 403,
                    "town1_reviewer": 200, "county_admin": 200}),
    "export": ("submitted", "get", "/hardship-files/export?org_id={town1}&reason=核对", None,
               EXPORTERS),
    "notices": ("notice", "get", "/notices?org_id={county}", None, PUBLIC),
    "notice": ("notice", "get", "/notices/{notice}", None, PUBLIC),
    "objections": ("objection", "get", "/notices/{notice}/objections", None,
                   OBJECTION_READERS),
    "objection": ("objection", "get", "/notice-objections/{objection}", None,
                  {**OBJECTION_READERS, "neighbour": 200}),
    "resolve": ("objection", "post", "/notice-objections/{objection}/decision",
                lambda s: {"action": "dismiss", "comment": "核实不属实",
                           "version": s["objection"]["version"]}, OBJECTION_DECIDERS),
    "lodge": ("notice", "post", "/notices/{notice}/objections",
              lambda s: {"reason": "有出租房屋收入。"}, {None: 401, "plain": 201,
                                                "village2_approver": 201}),
}
MATRIX = [(endpoint, who, status) for endpoint, (*_, expected) in ENDPOINTS.items()
          for who, status in expected.items()]


def build(client, as_user, tree, needs: str, who: str | None) -> dict:
    scene: dict = {"tree": tree}
    if needs == "draft":
        scene["file"] = draft(client, as_user, tree).get_json()
    elif needs in ("submitted", "visited"):
        scene["file"] = submitted(client, as_user, tree)
        if needs == "visited":
            scene["file"] = visit(client, as_user, tree, scene["file"]).get_json()
    elif needs in ("notice", "objection"):
        scene["file"] = in_notice(client, as_user, tree)
        scene["notice"] = notice_of(client, tree, scene["file"]["id"])
        if needs == "objection":
            scene["objection"] = client.post(
                f"/api/v1/notices/{scene['notice']['id']}/objections",
                headers=as_user("neighbour"), json={"reason": "有出租房屋收入。"}).get_json()
    if who is not None and needs == "submitted":
        scene["uploads"] = uploads(client, as_user, who, 3)
    return scene


@pytest.mark.parametrize(("endpoint", "who", "status"), MATRIX,
                         ids=[f"{endpoint}-{who or 'anonymous'}" for endpoint, who, _ in MATRIX])
def test_hardship_endpoint_authorisation(client, as_user, county, endpoint, who, status):
    needs, method, url, body, _ = ENDPOINTS[endpoint]
    scene = build(client, as_user, county, needs, who)
    scene.setdefault("uploads", [1, 2, 3])
    ids = {name: value["id"] for name, value in scene.items() if isinstance(value, dict)
           and "id" in value}
    path = "/api/v1" + url.format(county=county["county"], town1=county["town1"], **ids)
    response = getattr(client, method)(path, headers=as_user(who),
                                       json=body(scene) if body else None)
    assert response.status_code == status, response.get_json()


@pytest.mark.parametrize(("who", "sees"), [("village1_approver", True), ("town1_reviewer", True),
                                           ("county_admin", True), ("village2_approver", False),
                                           ("town2_approver", False), ("plain", False),
                                           ("applicant", False)])
def test_officer_list_shows_only_files_under_the_officer(client, as_user, county, who, sees):
    hardship_file = submitted(client, as_user, county)
    response = client.get("/api/v1/hardship-files", headers=as_user(who))
    assert response.status_code == 200
    assert (hardship_file["id"] in [i["id"] for i in response.get_json()["items"]]) is sees


def test_a_member_finds_their_household_file_by_their_own_id_number(client, as_user, county):
    """The spouse, a member in her own right, sees the file her husband's officer opened."""
    from tests.factories.members import applied

    hardship_file = submitted(client, as_user, county, who="village1_approver")
    spouse_number = file_body(county)["family"][0]["id_number"]
    membership = applied(client, as_user("spouse"), county["village1"],
                         id_number=spouse_number, real_name="覃小红")
    approved = client.post(f"/api/v1/memberships/{membership['id']}/decision",
                           headers=as_user("village1_approver"),
                           json={"action": "approve", "version": membership["version"]})
    assert approved.status_code == 200, approved.get_json()
    mine = client.get("/api/v1/me/hardship-files", headers=as_user("spouse")).get_json()
    assert [f["id"] for f in mine["items"]] == [hardship_file["id"]]
    seen = client.get(f"/api/v1/hardship-files/{hardship_file['id']}", headers=as_user("spouse"))
    assert seen.status_code == 200
    assert all("*" in m["id_number"] for m in seen.get_json()["members"])


def test_probing_a_household_answers_the_rule_only_and_is_limited(app, client, as_user, county,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_DUPLICATES", "3 per hour")
    submitted(client, as_user, county, who="village1_approver")
    codes = []
    for _ in range(5):
        probe = draft(client, as_user, county, who="plain", on_behalf=False)
        assert probe.status_code == 201, probe.get_json()
        response = submit(client, as_user, probe.get_json(), who="plain")
        codes.append(response.status_code)
        if response.status_code == 409:
            body = response.get_json()["error"]
            assert body["code"] == "household_has_file"
            assert list(body["details"]["fields"]) == ["head.id_number"]
            assert "甲村" not in response.get_data(as_text=True)
    assert codes[:3] == [409, 409, 409] and codes[3:] == [429, 429]


def test_a_family_member_held_by_another_file_is_named_by_its_place_in_the_form(
        client, as_user, county):
    """The refusal keeps its code and says which person of the form another open file holds
    (the second of the family here), never which file or where."""
    submitted(client, as_user, county, who="village1_approver")
    son_number = file_body(county)["family"][1]["id_number"]
    other = file_body(county, household=2)
    other["family"] = [other["family"][0], {**other["family"][1], "id_number": son_number}]
    created = draft(client, as_user, county, who="plain", on_behalf=False, household=2,
                    family=other["family"])
    assert created.status_code == 201, created.get_json()
    response = submit(client, as_user, created.get_json(), who="plain")
    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "household_has_file"
    assert error["details"] == {
        "fields": {"family.1.id_number": ["身份证号：此人已在另一份未办结的困难档案中。"]}}
    assert "甲村" not in response.get_data(as_text=True)


def test_a_decision_replayed_with_the_old_version_is_stale(client, as_user, county):
    hardship_file = visit(client, as_user, county, submitted(client, as_user, county)).get_json()
    first = decide(client, as_user, hardship_file, "village1_approver")
    assert first.status_code == 200
    replay = decide(client, as_user, hardship_file, "village1_approver")
    assert replay.status_code == 409
    assert replay.get_json()["error"]["code"] in ("stale_version", "invalid_transition")


def test_the_visit_needs_two_officers_and_their_own_uploads(client, as_user, county):
    hardship_file = submitted(client, as_user, county)
    alone = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/visits",
                        headers=as_user("village1_approver"), json={
                            "visited_on": "2026-12-01",
                            "second_officer_id": county["village1_approver"],
                            "findings": "x", "photo_file_ids": [1],
                            "signed_application_file_id": 2, "finance_consent_file_id": 3})
    assert alone.status_code == 422
    assert "second_officer_id" in alone.get_json()["error"]["details"]["fields"]
    outsider = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/visits",
                           headers=as_user("village1_approver"), json={
                               "visited_on": "2026-12-01",
                               "second_officer_id": county["town2_approver"],
                               "findings": "x", "photo_file_ids": [1],
                               "signed_application_file_id": 2, "finance_consent_file_id": 3})
    assert outsider.status_code == 422
    someone_elses = uploads(client, as_user, "applicant", 3)
    stolen = client.post(f"/api/v1/hardship-files/{hardship_file['id']}/visits",
                         headers=as_user("village1_approver"), json={
                             "visited_on": "2026-12-01",
                             "second_officer_id": county["town1_reviewer"], "findings": "x",
                             "photo_file_ids": [someone_elses[0]],
                             "signed_application_file_id": someone_elses[1],
                             "finance_consent_file_id": someone_elses[2]})
    assert stolen.status_code == 422


def test_the_head_number_is_checked_and_the_household_once(client, as_user, county):
    body = file_body(county)
    body["head"]["id_number"] = "451224198001010000"
    body["family"][1]["id_number"] = body["family"][0]["id_number"]
    from tests.factories.hardship import consent

    consent(client, as_user, "applicant", body)
    response = client.post("/api/v1/hardship-files", headers=as_user("applicant"), json=body)
    assert response.status_code == 422
    fields = response.get_json()["error"]["details"]["fields"]
    assert {"head.id_number", "family.1.id_number"} <= set(fields)


def test_without_consent_nothing_is_stored(client, as_user, county):
    response = client.post("/api/v1/hardship-files", headers=as_user("applicant"),
                           json=file_body(county))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "consent_required"
    assert client.get("/api/v1/me/hardship-files",
                      headers=as_user("applicant")).get_json()["items"] == []
