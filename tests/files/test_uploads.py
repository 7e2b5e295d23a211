"""Uploads: type from content, size limit, EXIF removed, random names, guarded downloads."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from tests.factories.aid import png_bytes, upload

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg_with_gps_exif() -> bytes:
    image = Image.new("RGB", (16, 12), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (24.0, 30.0, 0.0)}  # GPS IFD
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_png_upload_is_stored_under_a_random_name(client, login, file_storage):
    response = upload(client, login("uploader"), png_bytes(), name="证件.png")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["content_type"] == "image/png"
    assert body["original_name"] == "证件.png"
    [path] = stored_files(file_storage)
    assert "证件" not in path.name and path.name.endswith(".png")


def test_exif_is_removed_from_jpeg(client, login, file_storage):
    original = jpeg_with_gps_exif()
    assert b"SecretCam" in original and Image.open(BytesIO(original)).getexif()
    response = upload(client, login("uploader"), original, name="photo.jpg")
    assert response.status_code == 201
    [path] = stored_files(file_storage)
    stored = path.read_bytes()
    assert b"Exif" not in stored and b"SecretCam" not in stored
    assert not Image.open(BytesIO(stored)).getexif()


def test_renamed_executable_is_refused(client, login, file_storage):
    response = upload(client, login("uploader"), ELF, name="photo.jpg")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unsupported_file_type"
    assert stored_files(file_storage) == []


def test_truncated_image_with_valid_magic_is_refused(client, login):
    response = upload(client, login("uploader"), png_bytes()[:30], name="x.png")
    assert response.status_code == 422


def test_oversized_file_is_413(app, client, login, monkeypatch, file_storage):
    monkeypatch.setitem(app.config, "FILE_MAX_BYTES", 1000)
    response = upload(client, login("uploader"), png_bytes(size=(300, 300)) + b"\0" * 2000)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert stored_files(file_storage) == []


def test_path_in_filename_is_only_a_label(client, login, file_storage):
    response = upload(client, login("uploader"), png_bytes(), name="../../etc/passwd.png")
    assert response.status_code == 201
    assert response.get_json()["original_name"] == "passwd.png"
    [path] = stored_files(file_storage)
    assert file_storage.resolve() in path.resolve().parents
    assert "passwd" not in str(path)


def test_pdf_is_kept_as_is(client, login):
    response = upload(client, login("uploader"), PDF, name="证明.pdf")
    assert response.status_code == 201
    assert response.get_json()["content_type"] == "application/pdf"


def test_uploader_downloads_as_attachment_with_nosniff(client, login):
    headers = login("uploader")
    file_id = upload(client, headers, PDF, name="证明.pdf").get_json()["id"]
    response = client.get(f"/api/v1/files/{file_id}", headers=headers)
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


DOWNLOAD = [  # a file nothing links to: only its uploader reads it, officers included
    (None, 401), ("stranger", 404), ("county_admin", 404), ("village1_approver", 404),
    ("uploader", 200),
]


@pytest.mark.parametrize(("who", "status"), DOWNLOAD)
def test_download_matrix(client, tree, as_user, who, status):
    file_id = upload(client, as_user("uploader"), PDF).get_json()["id"]
    assert client.get(f"/api/v1/files/{file_id}", headers=as_user(who)).status_code == status


def test_a_missing_file_is_404_like_a_forbidden_one(client, as_user):
    assert client.get("/api/v1/files/987654", headers=as_user("uploader")).status_code == 404


def test_missing_file_part_is_422(client, login):
    response = client.post("/api/v1/files", headers=login("uploader"),
                           content_type="multipart/form-data", data={})
    assert response.status_code == 422
