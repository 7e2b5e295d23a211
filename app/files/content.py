"""What an upload really is: type from its first bytes, images re-encoded without metadata."""

from __future__ import annotations

import re
import unicodedata
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.i18n import N_
from app.errors import Invalid

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
# Refuse decompression bombs: a phone photo is far below this.
MAX_PIXELS = 40_000_000
# What decoding may cost, checked from the header before a pixel is decoded: a 4.9 KB 1-bit
# PNG can declare 6324 x 6324 pixels. A 12-megapixel phone photo that needs turning upright
# costs ~98 MB; the app's IMAGE_MAX_DECODED_BYTES overrides this.
DEFAULT_MAX_DECODED_BYTES = 128 * 1024 * 1024
# Bytes per pixel as Pillow holds a mode in memory (three bands take four bytes); others: 4.
MODE_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
PNG_MODES = ("1", "L", "LA", "P", "RGB", "RGBA")  # kept as they are: no wider copy
JPEG_MODES = ("L", "RGB")


def sniff(data: bytes) -> str:
    """The content type from the magic bytes; the client's name and header are ignored."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    raise Invalid("Only JPEG, PNG and PDF files are accepted.", code="unsupported_file_type",
                  details={"fields": {"file": [N_("content is not JPEG, PNG or PDF")]}})


def target_mode(mode: str, content_type: str) -> str:
    """The mode an image is saved in: its own where the format keeps it, else RGB(A)."""
    if content_type == "image/jpeg":
        return mode if mode in JPEG_MODES else "RGB"
    return mode if mode in PNG_MODES else "RGBA"


def decoded_bytes(size: tuple[int, int], mode: str, content_type: str, *,
                  turned: bool) -> int:
    """The memory re-encoding needs at its peak: the decoded pixels, a copy turned upright
    (when EXIF says so) and the converted copy (when the mode changes), each width x height
    x bytes per pixel of its mode."""
    pixels = size[0] * size[1]
    source = MODE_BYTES.get(mode, 4)
    target = target_mode(mode, content_type)
    total = source * (2 if turned else 1)
    if target != mode:
        total += MODE_BYTES.get(target, 4)
    return pixels * total


def _turned(image: Image.Image) -> bool:
    """Whether EXIF asks for the image to be turned, read without decoding it. A PNG's eXIf
    chunk may come after its pixels (Pillow would decode them to find it): unknown, so
    counted as turned."""
    if image.format == "PNG" and "exif" not in image.info:
        return True
    try:
        return image.getexif().get(0x0112, 1) not in (0, 1)  # Orientation
    except Exception:  # a broken EXIF block: exif_transpose will not turn the image either
        return False


def reencode_image(data: bytes, content_type: str, *,
                   max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES) -> bytes:
    """Decode and save again: drops EXIF (GPS) and anything hidden after the pixels. The
    header's size and mode are checked first: too many pixels, or more decoded memory than
    `max_decoded_bytes`, is a 422 before anything is decoded."""
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid("The image is too large.",
                              details={"fields": {"file": [N_("too many pixels")]}})
            needed = decoded_bytes(probe.size, probe.mode, content_type, turned=_turned(probe))
            if needed > max_decoded_bytes:
                raise Invalid("The image is too large.",
                              details={"fields": {"file": [N_("too many pixels")]}})
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # no copy unless it must turn
            upright = image
            mode = target_mode(upright.mode, content_type)
            if upright.mode != mode:
                upright = upright.convert(mode)
            output = BytesIO()
            if content_type == "image/jpeg":
                upright.save(output, format="JPEG", quality=88, exif=b"")
            else:
                upright.save(output, format="PNG")
            return output.getvalue()
    except Invalid:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise Invalid("The image cannot be read.", code="unsupported_file_type",
                      details={"fields": {"file": [N_("not a readable image")]}}) from None


def check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-1024:]:
        raise Invalid("The PDF is incomplete.", code="unsupported_file_type",
                      details={"fields": {"file": [N_("not a complete PDF")]}})


def clean(data: bytes, *, max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES
          ) -> tuple[bytes, str]:
    """(bytes to store, content type) or 422."""
    content_type = sniff(data)
    if content_type == "application/pdf":
        check_pdf(data)
        return data, content_type
    return (reencode_image(data, content_type, max_decoded_bytes=max_decoded_bytes),
            content_type)


def display_name(raw: str | None, content_type: str) -> str:
    """A harmless label from the client's name: no directories, no control characters."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = name.rsplit(".", 1)[0][:100] if name else ""
    return f"{stem or 'file'}.{EXTENSIONS[content_type]}"
