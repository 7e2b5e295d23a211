"""The storage backends: local disk (the embedded default) and an S3-compatible bucket on a
real server (SeaweedFS, tests/s3server.py). Every behaviour runs on both."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from flask import Flask

from app.files.storage import LocalDiskStorage, S3Storage, StorageUnavailable, get_storage
from config import BaseConfig
from tests.factories.aid import png_bytes, upload

KEY = "0123456789abcdef0123456789abcdef.png"
OTHER = "fedcba9876543210fedcba9876543210.pdf"


@pytest.fixture(params=["local", "s3"])
def storage_backend(request, app, monkeypatch, tmp_path) -> str:
    """Switch the app to one backend; for s3 a fresh bucket on the session's server."""
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))
    if request.param == "s3":
        server = request.getfixturevalue("s3_server")
        for name, value in server.config(server.new_bucket()).items():
            monkeypatch.setitem(app.config, name, value)
    else:
        monkeypatch.setitem(app.config, "FILE_STORAGE", "local")
    return request.param


def test_the_configured_backend_is_used(app_ctx, storage_backend):
    expected = S3Storage if storage_backend == "s3" else LocalDiskStorage
    assert isinstance(get_storage(), expected)


def test_save_load_delete(app_ctx, storage_backend):
    storage = get_storage()
    storage.save(KEY, b"first")
    storage.save(OTHER, b"%PDF")
    assert storage.load(KEY) == b"first"
    storage.save(KEY, b"replaced")  # the same key again: the new bytes, whole
    assert storage.load(KEY) == b"replaced"
    storage.delete(KEY)
    with pytest.raises(FileNotFoundError):
        storage.load(KEY)
    storage.delete(KEY)  # deleting what is gone is fine (cleanup after a crash runs again)
    assert storage.load(OTHER) == b"%PDF"


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/cd.png", "x.png", KEY.upper()])
def test_only_generated_keys_are_accepted(app_ctx, storage_backend, key):
    storage = get_storage()
    for call in (lambda: storage.save(key, b"x"), lambda: storage.load(key),
                 lambda: storage.delete(key)):
        with pytest.raises(ValueError):
            call()


def test_upload_then_download_over_http(client, login, storage_backend):
    headers = login("uploader")
    response = upload(client, headers, png_bytes(), name="证件.png")
    assert response.status_code == 201, response.get_json()
    download = client.get(f"/api/v1/files/{response.get_json()['id']}", headers=headers)
    assert download.status_code == 200 and download.mimetype == "image/png"
    assert download.data.startswith(b"\x89PNG")
    assert client.get(f"/api/v1/files/{response.get_json()['id']}",
                      headers=login("stranger")).status_code == 404


def test_public_avatar_is_served_from_the_backend(client, login, storage_backend):
    headers = login("pictured")
    file_id = upload(client, headers, png_bytes(size=(64, 64)), name="a.png").get_json()["id"]
    shown = client.patch("/api/v1/me", headers=headers, json={"avatar_file_id": file_id})
    assert shown.status_code == 200, shown.get_json()
    picture = client.get(shown.get_json()["avatar_url"])  # no token, like an <image src>
    assert picture.status_code == 200 and picture.data.startswith(b"\x89PNG")


def test_content_gone_from_the_backend_is_404_not_500(client, login, app, storage_backend):
    headers = login("uploader")
    body = upload(client, headers, png_bytes(), name="x.png").get_json()
    with app.app_context():
        from app.extensions import db
        from app.files.models import StoredFile

        get_storage().delete(db.session.get(StoredFile, body["id"]).storage_key)
    gone = client.get(f"/api/v1/files/{body['id']}", headers=headers)
    assert gone.status_code == 404 and gone.get_json()["error"]["code"] == "not_found"


def test_s3_bytes_live_in_the_private_bucket_not_on_disk(client, login, app, monkeypatch,
                                                         tmp_path, s3_server):
    import requests

    bucket = s3_server.new_bucket()
    for name, value in s3_server.config(bucket).items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.setitem(app.config, "FILE_STORAGE_DIR", str(tmp_path / "files"))
    assert upload(client, login("uploader"), png_bytes(), name="x.png").status_code == 201
    [obj] = s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert obj["Key"].endswith(".png") and obj["Key"][:2] == obj["Key"].split("/")[1][:2]
    assert not Path(tmp_path / "files").exists()
    # the bucket needs no public read: the app proxies every file, avatars included
    assert requests.get(f"{s3_server.endpoint}/{bucket}/{obj['Key']}").status_code == 403


def test_two_apps_on_one_bucket_share_files(app, s3_server, tmp_path):
    """Two instances with their own disks: what one stores, the other serves."""
    settings = s3_server.config(s3_server.new_bucket())
    first, second = Flask("first"), Flask("second")
    for index, instance in enumerate((first, second)):
        instance.config.update(settings, FILE_STORAGE_DIR=str(tmp_path / f"disk{index}"))
    with first.app_context():
        get_storage().save(KEY, b"from the first")
    with second.app_context():
        assert get_storage().load(KEY) == b"from the first"
        get_storage().delete(KEY)
    with first.app_context(), pytest.raises(FileNotFoundError):
        get_storage().load(KEY)


def test_wrong_keys_are_503_and_logged(app, s3_server, caplog):
    settings = {**s3_server.config(s3_server.new_bucket()),
                "FILE_STORAGE_S3_SECRET_ACCESS_KEY": "not-the-secret"}
    instance = Flask("wrong")
    instance.config.update(settings)
    with instance.app_context(), pytest.raises(StorageUnavailable):
        get_storage().save(KEY, b"x")
    assert any(record.getMessage() == "file storage refused a call"
               and record.fields["error"] == "SignatureDoesNotMatch"
               for record in caplog.records)
    assert "not-the-secret" not in caplog.text


def dead_endpoint() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"  # nobody listens there now


def test_a_storage_outage_is_503_with_retry_after(client, login, app, monkeypatch, s3_server,
                                                   tmp_path):
    for name, value in s3_server.config(s3_server.new_bucket()).items():
        monkeypatch.setitem(app.config, name, value)
    headers = login("pictured")
    file_id = upload(client, headers, png_bytes(size=(64, 64)), name="a.png").get_json()["id"]
    avatar_url = client.patch("/api/v1/me", headers=headers,
                              json={"avatar_file_id": file_id}).get_json()["avatar_url"]
    monkeypatch.setitem(app.config, "FILE_STORAGE_S3_ENDPOINT", dead_endpoint())
    for response in (upload(client, headers, png_bytes(), name="b.png"),
                     client.get(f"/api/v1/files/{file_id}", headers=headers),
                     client.get(avatar_url)):
        assert response.status_code == 503, response.get_json()
        assert response.get_json()["error"]["code"] == "file_storage_unavailable"
        assert response.headers["Retry-After"] == "5"
    english = client.get(avatar_url, headers={"Accept-Language": "en"}).get_json()
    assert english["error"]["message"].startswith("Files cannot be reached")
    assert "文件" in client.get(avatar_url).get_json()["error"]["message"]
    # the failed upload left no row behind
    with app.app_context():
        from app.extensions import db
        from app.files.models import StoredFile

        assert db.session.query(StoredFile).count() == 1


def test_removing_deleted_files_survives_an_outage(app_ctx, monkeypatch, s3_server):
    from app.files.service import remove_stored

    for name, value in s3_server.config(s3_server.new_bucket()).items():
        monkeypatch.setitem(app_ctx.config, name, value)
    monkeypatch.setitem(app_ctx.config, "FILE_STORAGE_S3_ENDPOINT", dead_endpoint())
    remove_stored([KEY, OTHER])  # after a commit: orphan bytes, never an error for the caller


def test_config_from_the_environment(monkeypatch):
    monkeypatch.setenv("FILE_STORAGE", "s3")
    monkeypatch.delenv("FILE_STORAGE_S3_BUCKET", raising=False)
    with pytest.raises(RuntimeError, match="FILE_STORAGE_S3_BUCKET"):
        BaseConfig()
    monkeypatch.setenv("FILE_STORAGE_S3_BUCKET", "gonghui-files")
    monkeypatch.setenv("FILE_STORAGE_S3_ENDPOINT", "https://cos.ap-shanghai.myqcloud.com")
    settings = BaseConfig()
    assert settings.FILE_STORAGE == "s3" and settings.FILE_STORAGE_S3_BUCKET == "gonghui-files"
    monkeypatch.setenv("FILE_STORAGE", "ftp")
    with pytest.raises(RuntimeError, match="FILE_STORAGE"):
        BaseConfig()
    monkeypatch.delenv("FILE_STORAGE")
    assert BaseConfig().FILE_STORAGE == "local"


def test_a_prefix_keeps_the_app_in_its_corner_of_a_shared_bucket(app, s3_server):
    bucket = s3_server.new_bucket()
    instance = Flask("prefixed")
    instance.config.update(s3_server.config(bucket), FILE_STORAGE_S3_PREFIX="gonghui/")
    with instance.app_context():
        get_storage().save(KEY, b"x")
    [obj] = s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert obj["Key"] == f"gonghui/01/{KEY}"
