"""Signed mini-program code scenes (`<letter>=<public code>&k=<sign key>`) and their images.

A printed code (a station's sign, an event's venue poster) carries a public code, which is in
the API's answers and so proves nothing, and a sign key: an HMAC of the object under the
server key, never in an answer. A scan has to show both. The image itself comes from
WeChat's `getwxacodeunlimit` (`core.wechat`), opening the page `page` with the scene.
"""

from __future__ import annotations

import hmac
from urllib.parse import unquote

import wxclient
from app.core.crypto import keyed_hash
from app.core.wechat import wechat
from app.errors import ServiceUnavailable

SIGN_KEY_LENGTH = 10  # hex characters; the scene stays within WeChat's 32


def sign_key(purpose: str, object_id: int, code: str) -> str:
    """The key printed on the code only: `purpose` ("station-sign", "event-sign") keeps the
    keys of different kinds of objects apart."""
    return keyed_hash(f"{purpose}:{object_id}:{code}")[:SIGN_KEY_LENGTH]


def signed_scene(letter: str, purpose: str, object_id: int, code: str) -> str:
    """The `scene` of the object's mini-program code: public code and sign key."""
    return f"{letter}={code}&k={sign_key(purpose, object_id, code)}"


def scene_matches(scene: str, letter: str, purpose: str, object_id: int, code: str) -> bool:
    """Whether `scene` (as the page got it, decoded or not) is this object's signed scene."""
    decoded = unquote(scene.strip())
    parts = dict(part.partition("=")[::2] for part in decoded.split("&") if part)
    return (parts.get(letter, "").upper() == code
            and hmac.compare_digest(parts.get("k", "").lower().encode(),
                                    sign_key(purpose, object_id, code).encode()))


def unlimited_code_png(scene: str, *, page: str) -> bytes:
    """The unlimited mini-program code for `scene` opening `page`; 503 when WeChat fails."""
    try:
        return wechat().get_unlimited_code(scene, page=page)
    except wxclient.WeChatError as exc:
        raise ServiceUnavailable("WeChat could not make the code; try again shortly.",
                                 code="wechat_unavailable",
                                 details={"errcode": exc.errcode}) from None
