"""Uploads cost bounded memory and storage: the decoded size is checked from the header before
a pixel is decoded, images keep their narrow mode, and each user's files stay within a quota."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO

import pytest
from PIL import Image, ImageFile

from app.files import content
from tests.factories.aid import upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"%" * 1_200_000 + b"\ntrailer<<>>\n%%EOF\n"


def png(mode: str, size: tuple[int, int]) -> bytes:
    buffer = BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def test_decoded_memory_counts_bytes_per_pixel_and_every_copy():
    assert content.decoded_bytes((100, 100), "1", "image/png", turned=False) == 10_000
    assert content.decoded_bytes((100, 100), "RGBA", "image/png", turned=False) == 40_000
    assert content.decoded_bytes((100, 100), "CMYK", "image/jpeg", turned=True) == 120_000
    assert content.decoded_bytes((100, 100), "I;16", "image/png", turned=False) == 60_000


def test_an_image_needing_more_memory_than_allowed_is_refused_before_decoding(
        app, client, login, monkeypatch, file_storage):
    """1000 x 1000 RGBA is far below the pixel cap but needs 4 MB decoded: over a 3 MB bound
    it is refused from the header alone (nothing is decoded), while the same size in 1-bit
    (1 MB) passes."""
    monkeypatch.setitem(app.config, "IMAGE_MAX_DECODED_BYTES", 3 * 1024 * 1024)
    decoded = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load",
                        lambda self: decoded.append(self.size) or real_load(self))
    headers = login("uploader")
    response = upload(client, {**headers, "Accept-Language": "en"}, png("RGBA", (1000, 1000)),
                      name="big.png")
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["details"]["fields"]["file"] == ["too many pixels"]
    assert decoded == [] and not list(file_storage.rglob("*.png"))
    assert upload(client, headers, png("1", (1000, 1000)), name="ok.png").status_code == 201


def test_a_one_bit_png_stays_one_bit(client, login, file_storage):
    response = upload(client, login("uploader"), png("1", (64, 64)), name="scan.png")
    assert response.status_code == 201
    [path] = list(file_storage.rglob("*.png"))
    assert Image.open(path).mode == "1"


PEAK = """
import resource, sys
from app.files.content import reencode_image
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = reencode_image(data, "image/png")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024)
"""


def test_the_hostile_one_bit_png_costs_its_pixels_not_four_times_them(tmp_path):
    """The 6324 x 6324 1-bit PNG of a few KB: 40 MB decoded, no RGBA copy (that was ~200 MB).
    Measured in a fresh process (ru_maxrss is a high-water mark)."""
    data = png("1", (6324, 6324))
    assert len(data) < 10_000
    assert content.decoded_bytes((6324, 6324), "1", "image/png", turned=False) < 41_000_000
    path = tmp_path / "bomb.png"
    path.write_bytes(data)
    result = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True,
                            text=True, check=True, cwd=str(__import__("pathlib").Path(
                                content.__file__).resolve().parents[2]))
    grown_mb = int(result.stdout.strip())
    assert grown_mb < 100, grown_mb


# --- the per-user storage quota -------------------------------------------------------------

@pytest.fixture
def small_quota(app, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_QUOTA_BYTES", 3 * 1024 * 1024)


def test_uploads_past_the_quota_are_413_saying_what_is_used_and_allowed(
        client, login, small_quota, file_storage):
    headers = login("uploader")
    assert upload(client, headers, PDF, name="a.pdf").status_code == 201
    assert upload(client, headers, PDF, name="b.pdf").status_code == 201
    response = upload(client, headers, PDF, name="c.pdf")
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "storage_quota_exceeded"
    assert error["details"] == {"used_bytes": 2 * len(PDF), "quota_bytes": 3 * 1024 * 1024,
                                "file_bytes": len(PDF)}
    assert "已占用 2.3 MB" in error["message"] and "最多可存 3.0 MB" in error["message"]
    assert len(list(file_storage.rglob("*.pdf"))) == 2
    english = upload(client, {**headers, "Accept-Language": "en"}, PDF, name="c.pdf")
    message = english.get_json()["error"]["message"]
    assert "take 2.3 MB of the 3.0 MB each account may store" in message


def test_the_quota_is_per_user(client, login, small_quota):
    first, second = login("uploader"), login("someone_else")
    assert upload(client, first, PDF).status_code == 201
    assert upload(client, first, PDF).status_code == 201
    assert upload(client, first, PDF).status_code == 413
    assert upload(client, second, PDF).status_code == 201


@pytest.mark.postgres
def test_uploads_at_once_cannot_pass_the_quota_together(app, client, login, small_quota):
    """Each user holds one file; two more at once would take them past the quota: one is
    stored, the other is 413 (the user's row is locked while an upload counts and commits)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    outcomes = []
    for round_ in range(4):
        headers = login(f"racer{round_}")
        assert upload(client, headers, PDF).status_code == 201
        barrier = threading.Barrier(2)

        def one(_, headers=headers, barrier=barrier):
            own = app.test_client()
            barrier.wait()
            return upload(own, headers, PDF).status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes.append(sorted(pool.map(one, range(2))))
    assert outcomes == [[201, 413]] * 4
