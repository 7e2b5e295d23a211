"""Events: create, publish, cancel, finish; lists and detail with map links and my state."""

from __future__ import annotations

from datetime import timedelta

from tests.factories.events import create_event, event_body


def test_create_publish_and_read_an_offline_lecture(client, as_user, tree):
    headers = as_user("county_admin")
    response = client.post("/api/v1/events", headers=headers, json=event_body(tree["county"]))
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    assert draft["status"] == "draft" and draft["status_label"] == "草稿"
    assert draft["kind_label"] == "宣讲" and draft["place_type_label"] == "学校"
    assert draft["seats_left"] == 10 and draft["my_signup"] is None
    assert draft["links"]["amap"].startswith("https://uri.amap.com/marker?position=")
    assert draft["links"]["open_location"]["name"] == "威海职业学院报告厅"
    assert draft["speakers"] == [{"name": "王师傅", "title": "全国五一劳动奖章获得者",
                                  "sessions": 0}]
    # a draft is the officers' own: nobody else knows it exists
    assert client.get(f"/api/v1/events/{draft['id']}", headers=as_user("plain")).status_code == 404
    published = client.post(f"/api/v1/events/{draft['id']}/publish", headers=headers,
                            json={"version": draft["version"]}).get_json()
    assert published["status"] == "published"
    seen = client.get(f"/api/v1/events/{draft['id']}", headers=as_user("plain")).get_json()
    assert seen["title"] == "劳模工匠进校园" and seen["checkin_window"] is not None
    listed = client.get("/api/v1/events", headers=as_user("plain")).get_json()["items"]
    assert [e["id"] for e in listed] == [draft["id"]]


def test_publishing_twice_or_with_a_stale_version_is_409(client, as_user, tree):
    headers = as_user("county_admin")
    event = create_event(client, headers, tree["county"])
    again = client.post(f"/api/v1/events/{event['id']}/publish", headers=headers,
                        json={"version": event["version"]})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "invalid_transition"


def test_an_online_event_needs_a_link_and_no_venue(client, as_user, tree):
    body = event_body(tree["county"], form="online", capacity=None)
    body.pop("live_url")
    response = client.post("/api/v1/events", headers=as_user("county_admin"), json=body)
    assert response.status_code == 422
    assert "live_url" in response.get_json()["error"]["details"]["fields"]
    body["replay_url"] = "https://replay.example.com/1"
    created = client.post("/api/v1/events", headers=as_user("county_admin"), json=body)
    assert created.status_code == 201
    assert created.get_json()["links"] is None and created.get_json()["capacity"] is None


def test_one_422_lists_every_problem_in_chinese(client, as_user, tree):
    body = event_body(tree["county"], capacity=None)
    body["ends_at"] = body["starts_at"]
    body.update(venue_name=None, kind="party", title="x" * 101)
    response = client.post("/api/v1/events", headers=as_user("county_admin"), json=body)
    assert response.status_code == 422
    fields = response.get_json()["error"]["details"]["fields"]
    assert {"ends_at", "capacity", "kind", "title"} <= set(fields)
    assert fields["ends_at"] == ["结束时间：须晚于开始时间"]


def test_venue_fields_are_checked_by_the_service(client, as_user, tree):
    body = event_body(tree["county"], venue_name=None, location=None)
    response = client.post("/api/v1/events", headers=as_user("county_admin"), json=body)
    assert response.status_code == 422
    fields = response.get_json()["error"]["details"]["fields"]
    assert set(fields) == {"venue_name", "location"}


def test_audience_orgs_must_lie_under_the_event_org(client, as_user, tree):
    body = event_body(tree["town1"], audience="orgs", audience_org_ids=[tree["village3"]])
    response = client.post("/api/v1/events", headers=as_user("town1_approver"), json=body)
    assert response.status_code == 422
    assert "audience_org_ids" in response.get_json()["error"]["details"]["fields"]


def test_cancel_tells_everyone_signed_up(client, as_user, tree, county_event):
    client.post(f"/api/v1/events/{county_event['id']}/signups", headers=as_user("plain"))
    response = client.post(f"/api/v1/events/{county_event['id']}/cancel",
                           headers=as_user("county_admin"),
                           json={"version": county_event["version"], "reason": "暴雨预警"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    messages = client.get("/api/v1/me/messages", headers=as_user("plain")).get_json()["items"]
    assert any(m["title"].startswith("活动已取消") and m["body"] == "暴雨预警" for m in messages)


def test_finish_only_after_the_start_with_a_headcount(client, as_user, tree, clock):
    headers = as_user("county_admin")
    event = create_event(client, headers, tree["county"], starts_in=timedelta(hours=2))
    early = client.post(f"/api/v1/events/{event['id']}/finish", headers=headers,
                        json={"version": event["version"], "unregistered_attendance": 30})
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "event_not_started"
    clock.shift(timedelta(hours=3))
    headers = as_user("county_admin")
    done = client.post(f"/api/v1/events/{event['id']}/finish", headers=headers,
                       json={"version": event["version"], "unregistered_attendance": 30})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "finished"
    assert done.get_json()["unregistered_attendance"] == 30


def test_list_filters_and_managed_drafts(client, as_user, tree):
    headers = as_user("county_admin")
    lecture = create_event(client, headers, tree["county"])
    training = create_event(client, headers, tree["county"], kind="training", series="岗位能力")
    draft = create_event(client, headers, tree["county"], publish=False)
    plain = as_user("plain")
    by_kind = client.get("/api/v1/events?kind=training", headers=plain).get_json()["items"]
    assert [e["id"] for e in by_kind] == [training["id"]]
    by_series = client.get("/api/v1/events?series=职工文化", headers=plain).get_json()["items"]
    assert [e["id"] for e in by_series] == [lecture["id"]]
    managed = client.get("/api/v1/events?managed=true", headers=headers).get_json()["items"]
    assert draft["id"] in [e["id"] for e in managed]
    assert client.get("/api/v1/events?managed=true", headers=plain).get_json()["items"] == []
    page = client.get("/api/v1/events?limit=1", headers=plain).get_json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = client.get(f"/api/v1/events?limit=5&cursor={page['next_cursor']}",
                      headers=plain).get_json()["items"]
    assert {e["id"] for e in rest} | {page["items"][0]["id"]} == {lecture["id"], training["id"]}


def test_english_on_request(client, as_user, tree, county_event):
    response = client.get(f"/api/v1/events/{county_event['id']}",
                          headers={**as_user("plain"), "Accept-Language": "en"})
    assert response.get_json()["status_label"] == "Published"


def test_near_me_speaker_sessions_and_ratings(client, as_user, tree):
    headers = as_user("county_admin")
    here = create_event(client, headers, tree["county"])  # venue at 37.5, 122.1
    far = create_event(client, headers, tree["county"],
                       location={"lat": 30.33, "lng": 112.24})
    near = client.get("/api/v1/events?lat=37.501&lng=122.101&radius_m=2000",
                      headers=as_user("plain")).get_json()["items"]
    assert [e["id"] for e in near] == [here["id"]]
    assert far["id"] not in [e["id"] for e in near]
    half = client.get("/api/v1/events?lat=37.5", headers=as_user("plain"))
    assert half.status_code == 422
    detail = client.get(f"/api/v1/events/{here['id']}", headers=as_user("plain")).get_json()
    assert detail["speakers"][0]["sessions"] == 0
    assert detail["rating_average"] is None and detail["rating_count"] == 0
