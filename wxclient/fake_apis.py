"""API handlers of the fake WeChat server, mixed into :class:`~wxclient.fake_state.FakeState`."""

from __future__ import annotations

import base64
import copy
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from .fake_wire import Reply, err, json_body, json_reply, make_png, request_id
from .values import field_type, problem

__all__ = ["FakeApis", "Handler"]

Handler = Callable[[dict[str, str], bytes], Reply]

_SCENE_RE = re.compile(r"^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$")
_PHONE_RE = re.compile(r"^mock-phone:(\d{11})$")
_ENV_VERSIONS = ("release", "trial", "develop")
MAX_CONTENT = 2500  # msg_sec_check content limit (characters)
CLASSIC_OVERLAP = 300  # a /cgi-bin/token answer leaves the previous token usable this long


class FakeApis:
    """The six WeChat APIs; state attributes are created by ``FakeState.reset``."""

    appid: str
    secret: str
    token_ttl: float
    blocked_words: list[str]
    review_words: list[str]
    open_platform: bool
    _classic: str | None
    _lock: threading.Lock
    _tokens: dict[str, list[Any]]
    _current: str | None
    _messages: list[dict[str, Any]]
    _used_codes: set[str]
    _session_keys: dict[str, str]

    def _routes(self) -> dict[str, tuple[str, Handler]]:
        return {
            "/sns/jscode2session": ("GET", self._jscode2session),
            "/cgi-bin/token": ("GET", self._classic_token),
            "/cgi-bin/stable_token": ("POST", self._stable_token),
            "/wxa/business/getuserphonenumber": ("POST", self._phone_number),
            "/cgi-bin/message/subscribe/send": ("POST", self._subscribe_send),
            "/wxa/msg_sec_check": ("POST", self._msg_sec_check),
            "/wxa/getwxacodeunlimit": ("POST", self._wxacode_unlimit),
        }

    def _check_token(self, token: str | None) -> Reply | None:
        if not token:
            return err(41001, "access_token missing")
        with self._lock:
            entry = self._tokens.get(token)
        if entry is None or entry[1]:
            return err(40001, "invalid credential, access_token is invalid or not latest")
        if float(entry[0]) <= time.time():
            return err(42001, "access_token expired")
        return None

    # ------------------------------------------------------------------ APIs

    def _jscode2session(self, query: dict[str, str], body: bytes) -> Reply:
        if not query.get("appid"):
            return err(41002, "appid missing")
        if query["appid"] != self.appid:
            return err(40013, "invalid appid")
        if not query.get("secret"):
            return err(41004, "appsecret missing")
        if query["secret"] != self.secret:
            return err(40125, "invalid appsecret")
        code = query.get("js_code", "")
        if not code:
            return err(41008, "missing code")
        kind, _, name = code.partition(":")
        if kind not in ("mock", "mock-once") or not name:
            return err(40029, "invalid code")
        with self._lock:
            if kind == "mock-once":
                if code in self._used_codes:
                    return err(40163, "code been used")
                self._used_codes.add(code)
            key = self._session_keys.setdefault(
                name, base64.b64encode(secrets.token_bytes(16)).decode()
            )
        answer = {"session_key": key, "openid": f"mock-{name}"}
        if self.open_platform:  # WeChat sends unionid only for an app bound to an Open Platform
            answer["unionid"] = f"union-{name}"
        return json_reply(answer)

    @staticmethod
    def _credentials_problem(data: dict[str, Any], appid: str, secret: str) -> Reply | None:
        if data.get("grant_type") != "client_credential":
            return err(40002, "invalid grant_type")
        if not data.get("appid"):
            return err(41002, "appid missing")
        if data["appid"] != appid:
            return err(40013, "invalid appid")
        if not data.get("secret"):
            return err(41004, "appsecret missing")
        if data["secret"] != secret:
            return err(40125, "invalid appsecret")
        return None

    def _classic_token(self, query: dict[str, str], body: bytes) -> Reply:
        """GET /cgi-bin/token: every call issues a new token; the previous one stays usable
        for five minutes. Isolated from stable_token (neither invalidates the other)."""
        problem_reply = self._credentials_problem(query, self.appid, self.secret)
        if problem_reply is not None:
            return problem_reply
        now = time.time()
        with self._lock:
            previous = self._tokens.get(self._classic) if self._classic else None
            if previous is not None:
                previous[0] = min(float(previous[0]), now + CLASSIC_OVERLAP)
            token = secrets.token_urlsafe(48)
            self._tokens[token] = [now + self.token_ttl, False]
            self._classic = token
        return json_reply({"access_token": token, "expires_in": int(self.token_ttl)})

    def _stable_token(self, query: dict[str, str], body: bytes) -> Reply:
        data = json_body(body)
        if data is None:
            return err(47001, "data format error")
        problem_reply = self._credentials_problem(data, self.appid, self.secret)
        if problem_reply is not None:
            return problem_reply
        force = data.get("force_refresh") in (True, "true", 1)
        now = time.time()
        with self._lock:
            current = self._current
            entry = self._tokens.get(current) if current else None
            if force and entry is not None:
                entry[1] = True  # force mode invalidates the previous token at once
            if force or entry is None or entry[1] or float(entry[0]) - now < 300:
                current = secrets.token_urlsafe(48)
                entry = [now + self.token_ttl, False]
                self._tokens[current] = entry
                self._current = current
            expires_in = max(0, int(float(entry[0]) - now))
        return json_reply({"access_token": current, "expires_in": expires_in})

    def _phone_number(self, query: dict[str, str], body: bytes) -> Reply:
        data = json_body(body) or {}
        code = str(data.get("code") or "")
        if not code:
            return err(41008, "missing code")
        match = _PHONE_RE.match(code)
        if match is None:
            return err(40029, "invalid code")
        number = match.group(1)
        info = {
            "phoneNumber": number,
            "purePhoneNumber": number,
            "countryCode": "86",
            "watermark": {"timestamp": int(time.time()), "appid": self.appid},
        }
        return json_reply({"errcode": 0, "errmsg": "ok", "phone_info": info})

    def _subscribe_send(self, query: dict[str, str], body: bytes) -> Reply:
        data = json_body(body)
        if data is None:
            return err(47001, "data format error")
        touser, template_id, fields = data.get("touser"), data.get("template_id"), data.get("data")
        if not touser:
            return err(40003, "invalid openid")
        if not template_id:
            return err(40037, "invalid template_id")
        if (
            not isinstance(fields, dict)
            or not fields
            or not all(
                isinstance(v, dict) and isinstance(v.get("value"), str | int | float)
                for v in fields.values()
            )
        ):
            return err(47003, "argument invalid! data is empty or invalid")
        for key, item in fields.items():
            value = item["value"]
            if problem(field_type(str(key)), value if isinstance(value, str) else str(value)):
                return err(47003, f"argument invalid! data.{key}.value invalid")
        page = str(data.get("page") or "")
        if page.startswith("/") or "mock-missing" in page:
            return err(41030, "invalid page")
        if str(touser).startswith("mock-unsub"):
            return err(43101, "user refuse to accept the msg")
        with self._lock:
            self._messages.append(copy.deepcopy(data))
        return json_reply({"errcode": 0, "errmsg": "ok"})

    def _msg_sec_check(self, query: dict[str, str], body: bytes) -> Reply:
        data = json_body(body)
        if data is None:
            return err(47001, "data format error")
        v1 = data.get("version", 1) == 1  # the content-only body WeChat still answers
        if not v1 and data.get("version") != 2:
            return err(47001, "data format error: version must be 1 or 2")
        if not v1 and not data.get("openid"):
            return err(40003, "invalid openid")
        if not v1 and data.get("scene") not in (1, 2, 3, 4):
            return err(40129, "invalid scene")
        content = data.get("content")
        if not isinstance(content, str) or not content:
            return err(44002, "empty post data")
        if len(content) > MAX_CONTENT:
            return err(47001, f"data format error: content is over {MAX_CONTENT} characters")
        # Match on the decoded text: \\u-escaped JSON is the same text to WeChat.
        fields = ("content",) if v1 else ("content", "nickname", "title", "signature")
        text = "\n".join(str(data[f]) for f in fields if isinstance(data.get(f), str))
        with self._lock:
            blocked, review = list(self.blocked_words), list(self.review_words)
        hit = next((w for w in blocked if w and w in text), None)
        if v1:
            if hit:
                return err(87014, "risky content")
            return json_reply({"errcode": 0, "errmsg": "ok"})
        suggest, label = ("risky", 21000) if hit else ("pass", 100)
        if hit is None:
            hit = next((w for w in review if w and w in text), None)
            if hit is not None:
                suggest, label = "review", 20012
        detail: list[dict[str, Any]] = [
            {
                "strategy": "content_model",
                "errcode": 0,
                "suggest": suggest,
                "label": label,
                "prob": 90 if hit else 0,
            }
        ]
        if hit:
            detail.append(
                {
                    "strategy": "keyword",
                    "errcode": 0,
                    "suggest": suggest,
                    "label": label,
                    "level": 20,
                    "keyword": hit,
                }
            )
        return json_reply(
            {
                "errcode": 0,
                "errmsg": "ok",
                "trace_id": request_id(),
                "result": {"suggest": suggest, "label": label},
                "detail": detail,
            }
        )

    def _wxacode_unlimit(self, query: dict[str, str], body: bytes) -> Reply:
        data = json_body(body)
        if data is None:
            return err(47001, "data format error")
        scene = data.get("scene")
        if not isinstance(scene, str) or not _SCENE_RE.match(scene):
            return err(40169, "invalid length for scene, or the data is not json string")
        width = data.get("width", 430)
        if not isinstance(width, int) or not 280 <= width <= 1280:
            return err(40097, "invalid args: width")
        if data.get("env_version", "release") not in _ENV_VERSIONS:
            return err(40097, "invalid args: env_version")
        page = str(data.get("page") or "")
        if page.startswith("/") or "?" in page:  # no leading slash, no query: data is the scene
            return err(41030, "invalid page")
        if data.get("check_path", True) and "mock-missing" in page:
            return err(41030, "invalid page")
        return Reply(200, make_png(f"{page}?{scene}", width), "image/png")
