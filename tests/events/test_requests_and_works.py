"""点单式 training requests (the county decides from its queue; delivered when its event
finishes) and lecture works (members submit, officers publish or return; views)."""

from __future__ import annotations

from datetime import timedelta

from tests.factories.events import event_body, make_member


def _request(client, headers, org_id, **extra):
    return client.post("/api/v1/training-requests", headers=headers, json={
        "org_id": org_id, "topic": "育婴员培训", "expected_participants": 40,
        "preferred_dates": ["2027-03-01", "2027-03-08"], "place": "一镇职工之家", **extra})


def _queue(client, headers):
    return client.get("/api/v1/workbench/todos", headers=headers).get_json()["items"]


def test_a_member_requests_and_the_county_schedules_then_delivers(app, client, as_user, tree,
                                                                   clock):
    make_member(app, "worker", tree["village1"])
    created = _request(client, as_user("worker"), tree["town1"])
    assert created.status_code == 201, created.get_json()
    request = created.get_json()
    assert request["decider_org"]["id"] == tree["county"] and request["status"] == "submitted"
    queue = _queue(client, as_user("county_approver"))
    assert [t["kind"] for t in queue] == ["training_request"]
    assert _queue(client, as_user("town1_approver")) == []
    event = event_body(None, starts_in=timedelta(hours=1), audience="orgs",
                       audience_org_ids=[tree["town1"]])
    decided = client.post(f"/api/v1/training-requests/{request['id']}/decisions",
                          headers=as_user("county_approver"),
                          json={"action": "schedule", "version": request["version"],
                                "event": event})
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["status"] == "scheduled" and decided.get_json()["event_id"]
    assert _queue(client, as_user("county_approver")) == []
    messages = client.get("/api/v1/me/messages", headers=as_user("worker")).get_json()["items"]
    assert any(m["title"].startswith("点单培训已安排") for m in messages)
    event_id = decided.get_json()["event_id"]
    draft = client.get(f"/api/v1/events/{event_id}", headers=as_user("county_admin")).get_json()
    assert draft["training_request_id"] == request["id"] and draft["org"]["id"] == tree["county"]
    client.post(f"/api/v1/events/{event_id}/publish", headers=as_user("county_admin"),
                json={"version": draft["version"]})
    clock.shift(timedelta(hours=2))
    finished = client.post(f"/api/v1/events/{event_id}/finish", headers=as_user("county_admin"),
                           json={"version": draft["version"] + 1})
    assert finished.status_code == 200, finished.get_json()
    mine = client.get(f"/api/v1/training-requests/{request['id']}", headers=as_user("worker"))
    assert mine.get_json()["status"] == "delivered"


def test_decline_needs_a_reason_and_tells_the_requester(client, as_user, tree):
    request = _request(client, as_user("village1_approver"), tree["village1"]).get_json()
    url = f"/api/v1/training-requests/{request['id']}/decisions"
    no_reason = client.post(url, headers=as_user("county_approver"),
                            json={"action": "decline", "version": request["version"]})
    assert no_reason.status_code == 422
    declined = client.post(url, headers=as_user("county_approver"),
                           json={"action": "decline", "version": request["version"],
                                 "reason": "本季度讲师已排满"})
    assert declined.get_json()["status"] == "declined"
    again = client.post(url, headers=as_user("county_approver"),
                        json={"action": "decline", "version": request["version"],
                              "reason": "x"})
    assert again.status_code == 409
    messages = client.get("/api/v1/me/messages",
                          headers=as_user("village1_approver")).get_json()["items"]
    assert any(m["body"] == "本季度讲师已排满" for m in messages)


def test_who_may_request_and_decide(client, as_user, tree):
    refused = _request(client, as_user("plain"), tree["town1"])
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_of_org"
    request = _request(client, as_user("town1_reviewer"), tree["town1"]).get_json()
    url = f"/api/v1/training-requests/{request['id']}/decisions"
    body = {"action": "decline", "version": request["version"], "reason": "x"}
    assert client.post(url, headers=as_user("town1_approver"), json=body).status_code == 404
    assert client.post(url, headers=as_user("county_admin"), json=body).status_code == 403
    assert client.post(url, headers=as_user("plain"), json=body).status_code == 404
    assert client.get(f"/api/v1/training-requests/{request['id']}",
                      headers=as_user("plain")).status_code == 404
    assert client.get(f"/api/v1/training-requests/{request['id']}",
                      headers=as_user("town2_approver")).status_code == 404
    listed = client.get("/api/v1/training-requests", headers=as_user("county_approver"))
    assert [r["id"] for r in listed.get_json()["items"]] == [request["id"]]
    assert client.get("/api/v1/training-requests",
                      headers=as_user("town2_approver")).get_json()["items"] == []


def test_works_submit_review_publish_and_views(app, client, as_user, tree, clock):
    make_member(app, "author", tree["village1"])
    body = {"title": "老兵新传", "category": "video", "link": "https://v.example.com/1",
            "author_name": "李华"}
    assert client.post("/api/v1/works", headers=as_user("plain"), json=body).status_code == 403
    work = client.post("/api/v1/works", headers=as_user("author"), json=body).get_json()
    assert work["status"] == "submitted" and work["category_label"] == "短视频"
    assert client.get(f"/api/v1/works/{work['id']}", headers=as_user("plain")).status_code == 404
    assert [t["kind"] for t in _queue(client, as_user("village1_approver"))] == ["event_work"]
    url = f"/api/v1/works/{work['id']}/decisions"
    assert client.post(url, headers=as_user("town2_approver"), json={
        "action": "publish", "version": work["version"]}).status_code == 404
    returned = client.post(url, headers=as_user("village1_approver"), json={
        "action": "return", "version": work["version"], "reason": "请补充字幕"}).get_json()
    assert returned["status"] == "returned" and returned["return_reason"] == "请补充字幕"
    resubmitted = client.patch(f"/api/v1/works/{work['id']}", headers=as_user("author"), json={
        "version": returned["version"], "link": "https://v.example.com/2"}).get_json()
    assert resubmitted["status"] == "submitted"
    published = client.post(url, headers=as_user("town1_reviewer"), json={
        "action": "publish", "version": resubmitted["version"]}).get_json()
    assert published["status"] == "published"
    listed = client.get("/api/v1/works?category=video", headers=as_user("plain")).get_json()
    assert [w["id"] for w in listed["items"]] == [work["id"]]
    views = f"/api/v1/works/{work['id']}/views"
    assert client.post(views, headers=as_user("plain")).get_json() == {"counted": True,
                                                                        "views": 1}
    assert client.post(views, headers=as_user("plain")).get_json()["counted"] is False
    clock.shift(timedelta(days=1))
    assert client.post(views, headers=as_user("plain")).get_json()["views"] == 2


def test_the_menu_lists_the_deciding_unions_classes(client, as_user, tree):
    from tests.factories.events import create_event

    create_event(client, as_user("county_admin"), tree["county"], kind="class",
                 title="家政服务高级培训师班", series="岗位能力")
    create_event(client, as_user("county_admin"), tree["county"], kind="lecture")
    menu = client.get(f"/api/v1/training-requests/menu?org_id={tree['village1']}",
                      headers=as_user("plain")).get_json()
    assert menu["decider_org"]["id"] == tree["county"]
    assert menu["items"] == [{"topic": "家政服务高级培训师班", "series": "岗位能力"}]
    assert client.get("/api/v1/training-requests/menu?org_id=999999",
                      headers=as_user("plain")).status_code == 404
