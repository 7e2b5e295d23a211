"""GET /me/subscriptions: the templates the client may ask for, what each is for, and the
caller's credits left — so the mini-program never reads the server's config."""

from __future__ import annotations

import pytest

TEMPLATE = "tmpl-status-notice"
ENGLISH = {"Accept-Language": "en"}


def test_lists_the_configured_template_with_purpose_and_credits(client, as_user):
    headers = as_user("alice")
    before = client.get("/api/v1/me/subscriptions", headers=headers)
    assert before.status_code == 200
    [template] = before.get_json()["items"]
    assert template["template_id"] == TEMPLATE
    assert template["events"] == ["*"]
    assert template["credits"] == 0
    # the one default template carries every kind of notice; said in Chinese
    for words in ("入会", "帮扶", "揭榜", "评价", "待办"):
        assert words in template["purpose"]
    client.post("/api/v1/me/subscriptions", headers=headers,
                json={"accepted": [TEMPLATE, TEMPLATE], "rejected": []})
    after = client.get("/api/v1/me/subscriptions", headers=headers).get_json()["items"]
    assert [t["credits"] for t in after] == [2]
    english = client.get("/api/v1/me/subscriptions",
                         headers={**headers, **ENGLISH}).get_json()["items"][0]
    assert "membership application" in english["purpose"]


def test_credits_are_the_callers_own(client, as_user):
    client.post("/api/v1/me/subscriptions", headers=as_user("alice"),
                json={"accepted": [TEMPLATE], "rejected": []})
    theirs = client.get("/api/v1/me/subscriptions", headers=as_user("bob")).get_json()
    assert [t["credits"] for t in theirs["items"]] == [0]
    mine = client.get("/api/v1/me/subscriptions", headers=as_user("alice")).get_json()
    assert [t["credits"] for t in mine["items"]] == [1]


@pytest.fixture
def three_templates(app, monkeypatch):
    monkeypatch.setitem(app.config, "WECHAT_TEMPLATES", {
        "*": {"template_id": "tmpl-other", "fields": {"thing1": "title"}},
        "aid.approved": {"template_id": "tmpl-aid", "fields": {"thing1": "title"}},
        "aid.paid": {"template_id": "tmpl-aid", "fields": {"thing1": "title"}},
        "todo.new": {"template_id": "tmpl-todo", "fields": {"thing1": "title"},
                     "purpose": "新的待办提醒"},
    })


def test_each_template_says_what_it_carries(client, as_user, three_templates):
    headers = as_user("alice")
    client.post("/api/v1/me/subscriptions", headers=headers,
                json={"accepted": ["tmpl-aid", "tmpl-unknown"], "rejected": []})
    items = client.get("/api/v1/me/subscriptions", headers=headers).get_json()["items"]
    by_id = {t["template_id"]: t for t in items}
    assert sorted(by_id) == ["tmpl-aid", "tmpl-other", "tmpl-todo"]  # configured ones only
    assert by_id["tmpl-aid"]["events"] == ["aid.approved", "aid.paid"]
    assert by_id["tmpl-aid"]["credits"] == 1
    assert "帮扶" in by_id["tmpl-aid"]["purpose"]
    assert by_id["tmpl-todo"]["purpose"] == "新的待办提醒"  # the operator's own words
    other = by_id["tmpl-other"]["purpose"]
    assert "入会" in other and "帮扶" not in other and "待办" not in other
