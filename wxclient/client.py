"""Thin typed client of the WeChat mini-program server API, built on ``requests``."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from typing import Any

import requests
import requests.utils

from .breaker import CircuitBreaker
from .errors import INVALID_REPLY_ERRCODE, TokenInvalid, WeChatError
from .models import PhoneInfo, SessionInfo, TextCheck
from .tokens import MemoryTokenStore, TokenStore
from .transport import PNG_SIGNATURE, OnError, Transport

__all__ = ["PNG_SIGNATURE", "WeChatClient"]


def _session_for(base_url: str) -> requests.Session:
    """A session that reads the environment once, here, instead of on every call.

    With `trust_env` requests scans the whole environment for proxies (twice) and looks for a
    ~/.netrc on every request: ~6 % of a login's CPU. The proxies for the one API root and
    the CA bundle (`REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE`) are taken from the environment
    now, as requests would take them; a ~/.netrc never lends credentials to WeChat calls.
    """
    session = requests.Session()
    session.proxies = requests.utils.get_environ_proxies(base_url)
    session.verify = (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
                      or True)
    session.trust_env = False
    return session


class WeChatClient:
    """Client for one mini-program (``appid``/``secret``).

    Access tokens come from ``/cgi-bin/stable_token`` (normal mode) and are cached in
    ``token_store`` (default: a per-instance :class:`MemoryTokenStore`; pass a shared
    :class:`~wxclient.tokens.RedisTokenStore` for several processes). Token-invalid replies
    trigger one refresh-and-retry; busy (-1) and transport failures are retried
    ``busy_retries`` times with exponential ``backoff``. ``breaker`` (default: a
    :class:`~wxclient.breaker.CircuitBreaker` of 5 failures and 30 s) makes every call
    raise :class:`~wxclient.breaker.CircuitOpen` at once while WeChat is down.
    ``on_error(api_name, errcode)`` is
    called for every error reply or transport failure seen, retried or not.
    """

    def __init__(
        self,
        appid: str,
        secret: str,
        base_url: str = "https://api.weixin.qq.com",
        token_store: TokenStore | None = None,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = (1.5, 3.0),
        busy_retries: int = 2,
        backoff: float = 0.2,
        refresh_margin: float = 300,
        logger: logging.Logger | None = None,
        on_error: OnError | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.appid = appid
        self._secret = secret
        self.token_store: TokenStore = (
            token_store if token_store is not None else MemoryTokenStore()
        )
        self._own_session = session is None
        self.session = session if session is not None else _session_for(base_url)
        self.refresh_margin = float(refresh_margin)
        self.log = logger if logger is not None else logging.getLogger("wxclient")
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        self._http = Transport(
            base_url, self.session, timeout, busy_retries, backoff, self.log, on_error, secret,
            self.breaker,
        )
        self._token_key = f"{appid}:access_token"
        connect, read = (timeout, timeout) if isinstance(timeout, int | float) else timeout
        attempts = self._http.busy_retries + 1
        # Long enough for one full refresh attempt (all retries), so waiters rarely give up.
        self._lock_timeout = (connect + read) * attempts + self._http.backoff * 2**attempts + 1.0

    @property
    def base_url(self) -> str:
        """API root, without trailing slash."""
        return self._http.base_url

    def __repr__(self) -> str:
        return f"WeChatClient(appid={self.appid!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._own_session:
            self.session.close()

    # ------------------------------------------------------------------ public API

    def code_to_session(self, code: str) -> SessionInfo:
        """Exchange a ``wx.login`` code for openid/session_key (GET /sns/jscode2session)."""
        api = "code_to_session"
        params = {
            "appid": self.appid,
            "secret": self._secret,
            "js_code": code,
            "grant_type": "authorization_code",
        }
        data = self._http.request(
            api, "GET", "/sns/jscode2session", params=params, code_exchange=True
        )
        openid, session_key = data.get("openid"), data.get("session_key")
        if not isinstance(openid, str) or not openid or not isinstance(session_key, str):
            raise self._invalid_reply("reply lacks openid/session_key", api)
        unionid = data.get("unionid")
        return SessionInfo(openid, session_key, str(unionid) if unionid else None)

    def get_access_token(self, force_refresh: bool = False) -> str:
        """Return a cached access token, fetching one via stable_token when needed.

        Only one caller per token store fetches at a time (store lock); the others wait and
        re-read the store, so a cold cache costs a single HTTP call.
        """
        if not force_refresh:
            token = self._cached_token()
            if token is not None:
                return token
        with self.token_store.lock(self._token_key, self._lock_timeout):
            if not force_refresh:
                token = self._cached_token()
                if token is not None:
                    return token
            return self._fetch_token(force_refresh)

    def get_phone_number(self, code: str) -> PhoneInfo:
        """Exchange a getPhoneNumber button code for the user's phone number."""
        api = "get_phone_number"
        data = self._call_with_token(
            api, "/wxa/business/getuserphonenumber", {"code": code}, code_exchange=True
        )
        info = data.get("phone_info")
        if not isinstance(info, Mapping):
            raise self._invalid_reply("reply lacks phone_info", api)
        watermark = info.get("watermark")
        if (
            isinstance(watermark, Mapping)
            and "appid" in watermark
            and watermark.get("appid") != self.appid
        ):
            raise self._invalid_reply("watermark appid mismatch", api)
        return PhoneInfo(
            phone_number=str(info.get("phoneNumber", "")),
            pure_phone_number=str(info.get("purePhoneNumber", "")),
            country_code=str(info.get("countryCode", "")),
        )

    def send_subscribe_message(
        self,
        touser: str,
        template_id: str,
        data: Mapping[str, str],
        page: str | None = None,
        miniprogram_state: str | None = None,
        lang: str | None = None,
    ) -> None:
        """Send a one-time subscribe message; ``data`` maps template keys to plain values."""
        body: dict[str, Any] = {
            "touser": touser,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
        }
        optional = {"page": page, "miniprogram_state": miniprogram_state, "lang": lang}
        body.update({k: v for k, v in optional.items() if v is not None})
        # Not idempotent: a resend after a lost reply could double-send or burn a credit.
        self._call_with_token(
            "send_subscribe_message", "/cgi-bin/message/subscribe/send", body, idempotent=False
        )

    def check_text(self, content: str, openid: str, scene: int = 2) -> TextCheck:
        """Run msg_sec_check v2; read ``suggest`` (errcode 0 does not mean the text is safe)."""
        api = "check_text"
        body = {"version": 2, "openid": openid, "scene": scene, "content": content}
        data = self._call_with_token(api, "/wxa/msg_sec_check", body)
        result = data.get("result")
        if not isinstance(result, Mapping) or result.get("suggest") not in (
            "pass",
            "review",
            "risky",
        ):
            raise self._invalid_reply("reply lacks result.suggest", api)
        detail = data.get("detail")
        return TextCheck(
            suggest=str(result["suggest"]),
            label=int(result.get("label", 0)),
            trace_id=data.get("trace_id"),
            detail=list(detail) if isinstance(detail, list) else [],
        )

    def get_unlimited_code(
        self,
        scene: str,
        page: str | None = None,
        width: int = 430,
        check_path: bool = False,
        env_version: str | None = None,
    ) -> bytes:
        """Generate an unlimited mini-program code image; WeChat errors arrive as JSON."""
        body: dict[str, Any] = {"scene": scene, "width": width, "check_path": check_path}
        if page is not None:
            body["page"] = page
        if env_version is not None:
            body["env_version"] = env_version
        image = self._call_with_token(
            "get_unlimited_code", "/wxa/getwxacodeunlimit", body, binary=True
        )
        return bytes(image)

    # ------------------------------------------------------------------ internals

    def _invalid_reply(self, reason: str, api: str) -> WeChatError:
        self.log.warning("wechat %s: invalid reply: %s", api, reason)
        return self._http.notify(WeChatError(INVALID_REPLY_ERRCODE, reason, api))

    def _cached_token(self) -> str | None:
        item = self.token_store.get(self._token_key)
        if item is None:
            return None
        token, expires_at = item
        return token if expires_at - time.time() > self.refresh_margin else None

    def _fetch_token(self, force_refresh: bool) -> str:
        api = "get_access_token"
        body = {
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self._secret,
            "force_refresh": force_refresh,
        }
        data = self._http.request(api, "POST", "/cgi-bin/stable_token", body=body)
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise self._invalid_reply("reply lacks access_token", api)
        try:
            expires_in = float(data.get("expires_in", 7200))
        except (TypeError, ValueError):
            expires_in = 7200.0
        self.token_store.set(self._token_key, token, time.time() + expires_in)
        return token

    def _drop_token(self, token: str) -> None:
        item = self.token_store.get(self._token_key)
        if item is not None and item[0] == token:
            self.token_store.delete(self._token_key)

    def _call_with_token(self, api: str, path: str, body: dict[str, Any], **options: bool) -> Any:
        token = self.get_access_token()
        try:
            return self._http.request(
                api, "POST", path, params={"access_token": token}, body=body, **options
            )
        except TokenInvalid as exc:
            self.log.info("wechat %s: token rejected (errcode=%s), refreshing", api, exc.errcode)
            self._drop_token(token)
            token = self.get_access_token()
            return self._http.request(
                api, "POST", path, params={"access_token": token}, body=body, **options
            )
