"""Station photos (issue 15 item 13): public images uploaded by the station's admins,
re-encoded, with a thumbnail, served at immutable URLs; PATCH takes only their ids."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from app.extensions import db
from tests.factories.stations import make_station

XINING = (36.6171, 101.7782)


def photo_bytes(size=(1200, 800), kind="JPEG", gps=False) -> bytes:
    image = Image.new("RGB", size, (30, 140, 90))
    for x in range(0, size[0], 7):  # some detail, so sizes mean something
        image.putpixel((x, (x * 3) % size[1]), (250, 250, 0))
    buffer = BytesIO()
    options = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"
        exif[0x8825] = {1: "N", 2: (36.0, 37.0, 0.0)}
        options["exif"] = exif.tobytes()
    image.save(buffer, format=kind, **options)
    return buffer.getvalue()


def upload(client, headers, station_id, data=None, name="站点.jpg"):
    return client.post(f"/api/v1/stations/{station_id}/photos", headers=headers,
                       content_type="multipart/form-data",
                       data={"file": (BytesIO(data if data is not None else photo_bytes()),
                                      name)})


@pytest.fixture
def other_admin(app, tree):
    """An admin of town2: an admin, but not over village1's station."""
    from app.orgs import service
    from tests.helpers import make_user

    with app.app_context():
        user = make_user("town2_admin")
        service.grant_role(actor_id=None, org_id=tree["town2"], role="admin", user_id=user.id)
        db.session.commit()
    return "town2_admin"


UPLOADERS = [(None, 401), ("plain", 404), ("village1_approver", 403),
             ("town1_reviewer", 403), ("town2_approver", 404), ("county_admin", 201),
             ("prov_admin", 201)]


@pytest.mark.parametrize(("who", "status"), UPLOADERS)
def test_who_may_upload_a_station_photo(client, as_user, station_id, who, status):
    response = upload(client, as_user(who), station_id)
    assert response.status_code == status, response.get_json()


def test_another_orgs_admin_may_not_upload(client, as_user, station_id, other_admin):
    assert upload(client, as_user(other_admin), station_id).status_code == 404


def test_upload_to_an_unknown_station_is_404(client, as_user, tree):
    assert upload(client, as_user("county_admin"), 987654).status_code == 404


def test_photo_is_public_cacheable_reencoded_with_a_smaller_thumbnail(client, as_user,
                                                                        station_id):
    original = photo_bytes(gps=True)
    assert b"SecretCam" in original
    response = upload(client, as_user("county_admin"), station_id, original)
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert photo["url"] == f"/api/v1/stations/photos/{photo['id']}"
    assert photo["thumbnail_url"] == photo["url"] + "/thumbnail"
    full = client.get(photo["url"])  # anybody, no login
    thumb = client.get(photo["thumbnail_url"])
    for answer in (full, thumb):
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["ETag"]
        assert "Set-Cookie" not in answer.headers
    assert full.mimetype == "image/jpeg" and thumb.mimetype == "image/jpeg"
    assert b"SecretCam" not in full.data and not Image.open(BytesIO(full.data)).getexif()
    assert Image.open(BytesIO(full.data)).size == (1200, 800)
    assert Image.open(BytesIO(thumb.data)).size == (240, 160)
    assert len(thumb.data) < len(full.data)
    again = client.get(photo["url"], headers={"If-None-Match": full.headers["ETag"]})
    assert again.status_code == 304


def test_png_photo_keeps_png_and_gets_a_jpeg_thumbnail(client, as_user, station_id):
    photo = upload(client, as_user("county_admin"), station_id,
                   photo_bytes(size=(100, 50), kind="PNG"), name="x.png").get_json()
    full, thumb = client.get(photo["url"]), client.get(photo["thumbnail_url"])
    assert full.mimetype == "image/png" and thumb.mimetype == "image/jpeg"
    assert Image.open(BytesIO(thumb.data)).size == (100, 50)  # never enlarged


@pytest.mark.parametrize(("data", "name"), [
    (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "x.pdf"),
    (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "photo.jpg"),
    (b"<svg onload=alert(1)></svg>", "photo.svg"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "broken.png"),
])
def test_anything_but_a_readable_jpeg_or_png_is_refused(client, as_user, station_id, data, name):
    response = upload(client, as_user("county_admin"), station_id, data, name)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unsupported_file_type"


def test_unknown_photo_urls_are_404(client):
    assert client.get("/api/v1/stations/photos/987654").status_code == 404
    assert client.get("/api/v1/stations/photos/987654/thumbnail").status_code == 404


def test_patch_shows_uploaded_photos_in_order_and_the_card_uses_the_first(client, as_user,
                                                                          station_id):
    headers = as_user("county_admin")
    first, second = (upload(client, headers, station_id).get_json() for _ in range(2))
    response = client.patch(f"/api/v1/stations/{station_id}", headers=headers,
                            json={"photos": [second["id"], first["id"]]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["photos"] == [second, first]
    detail = client.get(f"/api/v1/stations/{station_id}").get_json()
    assert detail["photos"] == [second, first]
    card = client.get(f"/api/v1/stations/nearby?lat={XINING[0]}&lng={XINING[1]}").get_json()[
        "items"][0]
    assert card["thumbnail_url"] == second["thumbnail_url"]


@pytest.mark.parametrize("photos", [
    ["javascript:alert(1)"], ["https://evil.example/x.jpg"], [1.5], [None], "abc",
])
def test_patch_refuses_what_is_not_a_photo_id(client, as_user, station_id, photos):
    response = client.patch(f"/api/v1/stations/{station_id}", headers=as_user("county_admin"),
                            json={"photos": photos})
    assert response.status_code == 422
    assert "photos" in response.get_json()["error"]["details"]["fields"]


def test_patch_refuses_ids_of_no_photo_or_another_stations_photo(app, client, as_user, tree,
                                                                 station_id):
    headers = as_user("county_admin")
    with app.app_context():
        other = make_station(tree["village2"], 36.62, 101.78)
        db.session.commit()
        other_id = other.id
    foreign = upload(client, headers, other_id).get_json()["id"]
    for photos in ([foreign], [987654]):
        response = client.patch(f"/api/v1/stations/{station_id}", headers=headers,
                                json={"photos": photos})
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "unknown_photo"
        assert error["message"] == "照片须先上传到本站点，再填写上传后返回的照片编号。"
    own = upload(client, headers, station_id).get_json()["id"]
    response = client.patch(f"/api/v1/stations/{station_id}", headers=headers,
                            json={"photos": [own, own]})
    assert response.get_json()["error"]["code"] == "duplicate_photo"


def test_a_new_station_takes_no_photos(client, as_user, tree):
    from tests.factories.stations import station_data

    body = station_data(tree["village1"], *XINING, photos=["javascript:alert(1)"])
    response = client.post("/api/v1/stations", headers=as_user("county_admin"), json=body)
    assert response.status_code == 422
    assert "photos" in response.get_json()["error"]["details"]["fields"]
