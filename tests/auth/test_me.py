"""GET /me: the membership state with its label and org; PATCH /me: nickname and avatar."""

from __future__ import annotations

import re

import pytest

from tests.factories.aid import png_bytes, upload
from tests.factories.members import applied, decide


def me(client, headers) -> dict:
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_me_without_a_membership_says_none(client, as_user):
    assert me(client, as_user("newcomer"))["membership"] == {
        "status": "none", "status_label": "未入会", "id": None, "version": None, "org": None}


def test_me_follows_the_membership_from_pending_to_approved(client, tree, as_user):
    headers = as_user("applicant")
    pending = applied(client, headers, tree["village1"])
    membership = me(client, headers)["membership"]
    assert membership["status"] == "pending" and membership["status_label"] == "待审核"
    assert membership["id"] == pending["id"]
    assert membership["org"]["id"] == tree["village1"] and membership["org"]["name"]
    assert decide(client, as_user("village1_approver"), pending).status_code == 200
    membership = me(client, headers)["membership"]
    assert (membership["status"], membership["status_label"]) == ("approved", "已通过")


def test_a_rejected_application_shows_until_a_new_one_is_live(client, tree, as_user):
    headers = as_user("applicant")
    first = applied(client, headers, tree["village1"])
    assert decide(client, as_user("village1_approver"), first, "reject",
                  reason="材料不全").status_code == 200
    assert me(client, headers)["membership"]["status_label"] == "未通过"
    second = applied(client, headers, tree["village2"], sequence=2)
    membership = me(client, headers)["membership"]
    assert (membership["id"], membership["status"]) == (second["id"], "pending")
    assert membership["org"]["id"] == tree["village2"]


def test_me_shows_only_the_callers_membership(client, tree, as_user):
    applied(client, as_user("applicant"), tree["village1"])
    assert me(client, as_user("someone_else"))["membership"]["status"] == "none"


def test_me_needs_a_login(client):
    assert client.get("/api/v1/me").status_code == 401


# ---- profile: nickname and picture ---------------------------------------------------------

@pytest.fixture
def file_storage(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))


def uploaded(client, headers, color=(10, 120, 200)) -> int:
    response = upload(client, headers, png_bytes(color=color, size=(64, 64)), name="avatar.png")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def patch_me(client, headers, body):
    return client.patch("/api/v1/me", headers=headers, json=body)


def test_without_a_nickname_the_name_is_a_stable_placeholder(client, as_user):
    shown = me(client, as_user("newcomer"))
    assert shown["nickname"] is None and shown["avatar_url"] is None
    assert re.fullmatch(r"微信用户\d{4}", shown["display_name"])
    assert me(client, as_user("newcomer"))["display_name"] == shown["display_name"]


def test_nickname_and_picture_the_wechat_way(client, as_user, file_storage):
    headers = as_user("newcomer")
    file_id = uploaded(client, headers)
    response = patch_me(client, headers, {"nickname": " 小韦 ", "avatar_file_id": file_id})
    assert response.status_code == 200, response.get_json()
    shown = response.get_json()
    assert shown["nickname"] == shown["display_name"] == "小韦"
    assert shown["avatar_url"].startswith("http://localhost/api/v1/avatars/")
    assert me(client, headers)["avatar_url"] == shown["avatar_url"]
    # anyone (an <image src> sends no token) reads the picture, cacheable for good
    picture = client.get(shown["avatar_url"])
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert "immutable" in picture.headers["Cache-Control"]
    assert "public" in picture.headers["Cache-Control"]
    # a new picture gets a new URL; the old one stops answering
    replaced = patch_me(client, headers, {"avatar_file_id": uploaded(client, headers, (1, 2, 3))})
    assert replaced.get_json()["avatar_url"] != shown["avatar_url"]
    assert replaced.get_json()["nickname"] == "小韦"
    assert client.get(shown["avatar_url"]).status_code == 404
    removed = patch_me(client, headers, {"avatar_file_id": None}).get_json()
    assert removed["avatar_url"] is None
    assert client.get(replaced.get_json()["avatar_url"]).status_code == 404


def test_the_picture_must_be_the_callers_own_image(client, as_user, file_storage):
    others = uploaded(client, as_user("someone_else"))
    for file_id in (others, 999_999):
        response = patch_me(client, as_user("newcomer"), {"avatar_file_id": file_id})
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "avatar_not_own_image"
        assert set(error["details"]["fields"]) == {"avatar_file_id"}
        assert "头像" in error["message"]
    assert me(client, as_user("newcomer"))["avatar_url"] is None
    # the other user's upload stays private: it never became a public picture
    assert client.get(f"/api/v1/files/{others}", headers=as_user("newcomer")).status_code == 404


@pytest.mark.parametrize("body", [{}, {"nickname": ""}, {"nickname": "   "},
                                  {"nickname": "名" * 33}, {"nickname": "a\x00b"},
                                  {"avatar_file_id": 0}, {"other": 1}])
def test_bad_profile_changes_are_422(client, as_user, body):
    response = patch_me(client, as_user("newcomer"), body)
    assert response.status_code == 422
    assert me(client, as_user("newcomer"))["nickname"] is None


@pytest.mark.parametrize("nickname", ["违禁词", "待审词"])
def test_a_nickname_the_content_check_does_not_pass_is_refused(client, as_user, nickname):
    response = patch_me(client, as_user("newcomer"), {"nickname": f"小{nickname}"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "nickname_rejected" and "昵称" in error["message"]
    assert me(client, as_user("newcomer"))["nickname"] is None


def test_nickname_while_the_content_check_is_down_is_503(client, as_user, fake_wechat):
    headers = as_user("newcomer")
    fake_wechat.inject_fault("busy", count=10)
    response = patch_me(client, headers, {"nickname": "小韦"})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "wechat_unavailable"
    assert error["message"] == "内容安全检查暂无响应，请稍后再试。"
    assert response.headers["Retry-After"] == "5"
    fake_wechat.reset()
    assert me(client, headers)["nickname"] is None


def test_unknown_pictures_are_404_and_the_profile_needs_a_login(client):
    assert client.get("/api/v1/avatars/nope").status_code == 404
    assert client.patch("/api/v1/me", json={"nickname": "x"}).status_code == 401


def test_erasing_the_account_unpublishes_the_picture(app, client, as_user, file_storage):
    headers = as_user("leaving")
    url = patch_me(client, headers, {"avatar_file_id": uploaded(client, headers)}
                   ).get_json()["avatar_url"]
    with app.app_context():
        from app.auth.personal_data import erase
        from app.core.time import utcnow
        from app.extensions import db

        erase(me_id(client, headers), utcnow())
        db.session.commit()
    assert client.get(url).status_code == 404


def me_id(client, headers) -> int:
    return me(client, headers)["id"]
