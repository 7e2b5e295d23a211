"""Who may do what on benefit campaigns: every endpoint, caller and expected status; and
abuse (probing pick-up codes, repeated claims, replays)."""

from __future__ import annotations

import pytest

from tests.factories.benefits import add_members, create_campaign

OFFICERS_OVER = {"county_admin": 200, "county_approver": 200, "prov_admin": 200,
                 "town2_approver": 404, "plain": 404, "member": 404, None: 401}
ADMINS_OVER = {"county_admin": 200, "prov_admin": 200, "county_approver": 403,
               "town2_approver": 404, "plain": 404, "member": 404, None: 401}
ANY_USER = {"county_admin": 200, "county_approver": 200, "prov_admin": 200,
            "town2_approver": 200, "plain": 200,
            "member": 200, None: 401}


@pytest.fixture
def campaign(app, client, tree, as_user):
    add_members(app, tree["village1"], ["member", "member2"])
    return create_campaign(client, as_user("county_admin"), tree["county"], [tree["county"]],
                           points=[{"name": "驿站", "org_id": tree["town1"], "stock": 5}])


CASES = [("get", "", ANY_USER), ("get", "/claims", OFFICERS_OVER),
         ("get", "/stats", OFFICERS_OVER), ("get", "/roster.xlsx?reason=核对", ADMINS_OVER),
         ("get", "/lottery", {**ANY_USER, **{k: 409 for k in ANY_USER if k}})]


@pytest.mark.parametrize("method, path, expected", CASES, ids=[c[1] or "detail" for c in CASES])
@pytest.mark.parametrize("who", list(OFFICERS_OVER))
def test_campaign_endpoints_answer_by_role(client, as_user, campaign, method, path, expected,
                                           who):
    response = getattr(client, method)(f"/api/v1/benefits/{campaign['id']}{path}",
                                       headers=as_user(who) if who else {})
    assert response.status_code == expected[who], response.get_json()


@pytest.mark.parametrize("who, status", [("county_admin", 409), ("prov_admin", 409),
                                         ("county_approver", 403), ("town2_approver", 404),
                                         ("member", 404), (None, 401)])
def test_lottery_actions_need_an_admin_over_the_owner(client, as_user, campaign, who, status):
    for action in ("commit", "draw"):
        response = client.post(f"/api/v1/benefits/{campaign['id']}/lottery/{action}",
                               headers=as_user(who) if who else {}, json={"version": 1})
        assert response.status_code == status, response.get_json()


def test_each_officer_lists_only_campaigns_of_their_orgs(client, tree, as_user, campaign):
    other = create_campaign(client, as_user("county_admin"), tree["town2"], [tree["town2"]],
                            kind="enrolment")
    listed = lambda who: [c["id"] for c in client.get(  # noqa: E731
        "/api/v1/benefits", headers=as_user(who)).get_json()["items"]]
    assert listed("county_approver") == [other["id"], campaign["id"]]
    assert listed("town2_approver") == [other["id"]]
    assert listed("town1_approver") == []
    assert listed("member") == []


def test_a_claim_is_its_claimers_alone(client, as_user, campaign):
    mine = client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user("member"),
                       json={}).get_json()
    for who in ("member2", "county_admin", "plain"):
        assert client.get(f"/api/v1/me/benefits/claims/{mine['id']}",
                          headers=as_user(who)).status_code == 404
    listed = client.get("/api/v1/me/benefits/claims", headers=as_user("member2")).get_json()
    assert listed["items"] == []
    # the officers' list shows the claim without its pick-up code
    items = client.get(f"/api/v1/benefits/{campaign['id']}/claims",
                       headers=as_user("county_approver")).get_json()["items"]
    assert [i["id"] for i in items] == [mine["id"]] and "pickup_code" not in items[0]


def test_probing_pickup_codes_is_limited_per_user(app, client, as_user, campaign, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_DUPLICATES", "3 per hour")
    claim = client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=as_user("member"),
                        json={}).get_json()
    guesses = [client.post(f"/api/v1/benefits/pickups/{code}/redeem",
                           headers=as_user("county_approver"))
               for code in ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC", claim["pickup_code"])]
    assert [g.status_code for g in guesses] == [404, 404, 404, 429]
    # another officer is not slowed by the prober
    honest = client.post(f"/api/v1/benefits/pickups/{claim['pickup_code']}/redeem",
                         headers=as_user("town1_reviewer"))
    assert honest.status_code == 200


def test_a_replayed_claim_with_its_idempotency_key_is_the_first_answer(client, as_user,
                                                                      campaign):
    headers = {**as_user("member"), "Idempotency-Key": "claim-once-0001"}
    first = client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=headers, json={})
    again = client.post(f"/api/v1/benefits/{campaign['id']}/claims", headers=headers, json={})
    assert first.status_code == 201
    assert again.status_code in (201, 409)  # the stored answer, or refused as a duplicate
    assert again.status_code != 201 or again.get_json()["id"] == first.get_json()["id"]
    stats = client.get(f"/api/v1/benefits/{campaign['id']}/stats",
                       headers=as_user("county_admin")).get_json()
    assert stats["by_status"]["claimed"] == 1


def test_stuffed_and_odd_claims_are_422(client, as_user, campaign):
    url = f"/api/v1/benefits/{campaign['id']}/claims"
    for body in ({"point_id": 0}, {"point_id": True}, {"lat": 91, "lng": 0},
                 {"phone": "12345"}, {"id_number": "x" * 18}, {"extra": True},
                 {"real_name": "\u0000"}):
        response = client.post(url, headers=as_user("member"), json=body)
        assert response.status_code == 422, body
    assert client.post(url, headers=as_user("member"), json={"point_id": 999999}
                       ).status_code == 404
