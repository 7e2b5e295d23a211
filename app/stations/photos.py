"""Station photos: public images uploaded by the station's admins (issue 15 item 13).

An upload is checked and re-encoded like every image upload (`files.content`: type from the
bytes, EXIF and trailing data dropped), and a thumbnail 240 px wide is made at once. Both are
kept in the file storage under generated keys; a photo never changes (a new picture is a new
row), so its URLs (`schemas.PHOTO_PATH`) are served as `public, immutable`. A station lists
the photos it shows by id (`Station.photos`); only ids of its own photos are accepted.
"""

from __future__ import annotations

import hashlib
import uuid
from io import BytesIO
from typing import BinaryIO

from PIL import Image
from sqlalchemy import select

from app.core import audit
from app.core.roles import ADMINS, Role
from app.errors import Invalid, NotFound, PayloadTooLarge
from app.extensions import db
from app.files.content import EXTENSIONS, clean
from app.files.service import max_bytes
from app.files.storage import get_storage
from app.stations.access import get_station
from app.stations.models import StationPhoto

THUMBNAIL_WIDTH = 240
THUMBNAIL_QUALITY = 80


def thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMBNAIL_WIDTH wide (never enlarged), of a cleaned image."""
    with Image.open(BytesIO(data)) as image:
        image.load()
        if image.width > THUMBNAIL_WIDTH:
            height = max(1, round(image.height * THUMBNAIL_WIDTH / image.width))
            image = image.resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)
        if image.mode in ("RGBA", "LA", "P"):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        output = BytesIO()
        image.convert("RGB").save(output, format="JPEG", quality=THUMBNAIL_QUALITY,
                                  optimize=True)
        return output.getvalue()


def upload_photo(*, actor_id: int, station_id: int, stream: BinaryIO) -> StationPhoto:
    """Store a photo of the station (its admins only); the station shows it once its
    `photos` list names it."""
    station = get_station(actor_id, station_id, roles=ADMINS)
    limit = max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge("Files may be at most %(max_kb)s KB.",
                              params={"max_kb": limit // 1024}, details={"max_bytes": limit})
    if not data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        raise Invalid("A station photo must be a JPEG or PNG image.",
                      code="unsupported_file_type",
                      details={"fields": {"file": ["content is not JPEG or PNG"]}})
    cleaned, content_type = clean(data)
    small = thumbnail(cleaned)
    with Image.open(BytesIO(cleaned)) as image:
        width, height = image.size
    key = f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"
    thumb_key = f"{uuid.uuid4().hex}.jpg"
    photo = StationPhoto(station_id=station.id, uploaded_by=actor_id, content_type=content_type,
                         storage_key=key, thumbnail_key=thumb_key, width=width, height=height,
                         size_bytes=len(cleaned), thumbnail_bytes=len(small),
                         sha256=hashlib.sha256(cleaned).hexdigest())
    db.session.add(photo)
    db.session.flush()
    audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=station.org_id,
                 action="station.photo_upload", target_type="station", target_id=station.id,
                 after={"photo_id": photo.id, "size_bytes": len(cleaned)})
    storage = get_storage()
    storage.save(key, cleaned)
    storage.save(thumb_key, small)
    try:
        db.session.commit()
    except Exception:
        storage.delete(key)
        storage.delete(thumb_key)
        raise
    return photo


def photo_bytes(photo_id: int, *, thumbnail_only: bool) -> tuple[StationPhoto, bytes]:
    """A photo's (or its thumbnail's) bytes for anybody: station photos are public."""
    photo = db.session.get(StationPhoto, photo_id)
    if photo is None:
        raise NotFound("No such photo.")
    try:
        data = get_storage().load(photo.thumbnail_key if thumbnail_only else photo.storage_key)
    except FileNotFoundError:
        raise NotFound("No such photo.") from None
    return photo, data


def check_photos(station_id: int, photo_ids: list[int]) -> None:
    """422 unless every id is a photo uploaded to this station, each named once."""
    found = set(db.session.scalars(select(StationPhoto.id).where(
        StationPhoto.id.in_(photo_ids), StationPhoto.station_id == station_id))) \
        if photo_ids else set()
    unknown = [photo_id for photo_id in photo_ids if photo_id not in found]
    if unknown:
        raise Invalid("Upload the photos to this station first, then list the ids the upload "
                      "answered.", code="unknown_photo",
                      details={"fields": {"photos": ["not a photo of this station"]},
                               "unknown": unknown})
    if len(set(photo_ids)) != len(photo_ids):
        raise Invalid("Each photo may be listed once.", code="duplicate_photo",
                      details={"fields": {"photos": ["a photo is listed twice"]}})
