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


def sniff(data: bytes) -> str:
    """The content type from the magic bytes; the client's name and header are ignored."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    raise Invalid("Only JPEG, PNG and PDF files are accepted.", code="unsupported_file_type",
                  details={"fields": {"file": [N_("content is not JPEG, PNG or PDF")]}})


def reencode_image(data: bytes, content_type: str) -> bytes:
    """Decode and save again: drops EXIF (GPS) and anything hidden after the pixels."""
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid("The image is too large.",
                              details={"fields": {"file": [N_("too many pixels")]}})
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            output = BytesIO()
            if content_type == "image/jpeg":
                upright.convert("RGB").save(output, format="JPEG", quality=88, exif=b"")
            else:
                mode = upright.mode if upright.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
                upright.convert(mode).save(output, format="PNG")
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


def clean(data: bytes) -> tuple[bytes, str]:
    """(bytes to store, content type) or 422."""
    content_type = sniff(data)
    if content_type == "application/pdf":
        check_pdf(data)
        return data, content_type
    return reencode_image(data, content_type), content_type


def display_name(raw: str | None, content_type: str) -> str:
    """A harmless label from the client's name: no directories, no control characters."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = name.rsplit(".", 1)[0][:100] if name else ""
    return f"{stem or 'file'}.{EXTENSIONS[content_type]}"
