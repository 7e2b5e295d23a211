"""HTTP layer of the client: one call with timeouts, errcode mapping, retries and safe logging."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError

from .breaker import CircuitBreaker, CircuitOpen
from .errors import (
    INVALID_REPLY_ERRCODE,
    TRANSPORT_ERRCODE,
    SystemBusy,
    TransportError,
    WeChatError,
    error_for,
)

__all__ = ["PNG_SIGNATURE", "Transport"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_JSON_HEADERS = {"Content-Type": "application/json"}
_QUERY_RE = re.compile(r"\?[^\s'\"()]*")

OnError = Callable[[str, int], None]


class Transport:
    """Sends WeChat API requests and turns replies into dicts, bytes or :class:`WeChatError`.

    Logs only method, path (never the query string), errcode and elapsed time. Error messages
    are redacted: query strings are stripped and the app secret is masked.
    """

    def __init__(
        self,
        base_url: str,
        session: requests.Session,
        timeout: float | tuple[float, float],
        busy_retries: int,
        backoff: float,
        logger: logging.Logger,
        on_error: OnError | None,
        secret: str,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.timeout = timeout
        self.busy_retries = max(0, int(busy_retries))
        self.backoff = max(0.0, float(backoff))
        self.log = logger
        self.on_error = on_error
        self._secret = secret
        self.breaker = breaker if breaker is not None else CircuitBreaker(failures=0)

    def request(
        self,
        api: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        code_exchange: bool = False,
        idempotent: bool = True,
        binary: bool = False,
    ) -> Any:
        """Call ``path``, retrying busy (-1) and transport failures with exponential backoff.

        Non-idempotent calls are only retried when the request surely did not reach the
        server (or WeChat said busy). Returns the JSON dict, or image bytes when ``binary``.
        """
        attempts = self.busy_retries + 1
        for attempt in range(attempts):
            try:
                return self._guarded(api, method, path, params, body, code_exchange, binary)
            except CircuitOpen:
                raise
            except SystemBusy:
                if attempt + 1 >= attempts:
                    raise
            except TransportError as exc:
                if attempt + 1 >= attempts or (exc.maybe_delivered and not idempotent):
                    raise
            delay = self.backoff * 2**attempt
            self.log.debug("wechat %s: retry %d in %.2fs", api, attempt + 1, delay)
            time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _guarded(
        self,
        api: str,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        body: dict[str, Any] | None,
        code_exchange: bool,
        binary: bool,
    ) -> Any:
        """One attempt through the circuit breaker: fails at once while WeChat is down."""
        try:
            self.breaker.before(api)
        except CircuitOpen as exc:
            self.log.debug("wechat %s %s: circuit open", method, path)
            raise self.notify(exc) from None
        try:
            result = self._once(api, method, path, params, body, code_exchange, binary)
        except TransportError:
            self.breaker.failed()
            raise
        except WeChatError:
            self.breaker.succeeded()  # an error code is still an answer: WeChat is up
            raise
        except BaseException:
            self.breaker.release()
            raise
        self.breaker.succeeded()
        return result

    def _send(
        self, method: str, path: str, params: dict[str, Any] | None, body: dict[str, Any] | None
    ) -> requests.Response:
        url = self.base_url + path
        if method == "GET":
            return self.session.get(url, params=params, timeout=self.timeout)
        # Never requests' json=: it escapes non-ASCII, which WeChat's content checks misread.
        payload = json.dumps(body or {}, ensure_ascii=False).encode("utf-8")
        return self.session.post(
            url, params=params, data=payload, headers=_JSON_HEADERS, timeout=self.timeout
        )

    def _once(
        self,
        api: str,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        body: dict[str, Any] | None,
        code_exchange: bool,
        binary: bool,
    ) -> Any:
        started = time.monotonic()

        def fail(err: WeChatError) -> WeChatError:
            return self._failed(err, method, path, started)

        try:
            resp = self._send(method, path, params, body)
        except requests.RequestException as exc:
            err = TransportError(
                TRANSPORT_ERRCODE, self.redact(f"{type(exc).__name__}: {exc}"), api
            )
            reason = getattr(exc.args[0] if exc.args else None, "reason", None)
            err.maybe_delivered = not (
                isinstance(exc, requests.ConnectTimeout) or isinstance(reason, ConnectTimeoutError)
            )
            raise fail(err) from None
        content = resp.content
        status = resp.status_code
        ctype = resp.headers.get("Content-Type", "").lower()
        described = f"HTTP {status}, {ctype or 'no content-type'}"
        if status >= 500:
            raise fail(TransportError(TRANSPORT_ERRCODE, f"HTTP {status}", api))
        if (
            binary
            and status == 200
            and "json" not in ctype
            and content.startswith((PNG_SIGNATURE, _JPEG_SIGNATURE))
        ):
            self._log_call(logging.DEBUG, method, path, 0, started)
            return content
        try:
            data = json.loads(content.decode("utf-8"))
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise fail(TransportError(TRANSPORT_ERRCODE, f"non-JSON reply ({described})", api))
        try:
            errcode = int(data.get("errcode") or 0)
        except (TypeError, ValueError):
            errcode = INVALID_REPLY_ERRCODE
        if errcode != 0:
            errmsg = self.redact(str(data.get("errmsg", "")))
            raise fail(error_for(errcode, errmsg, api, code_exchange=code_exchange))
        if status >= 400:
            raise fail(TransportError(TRANSPORT_ERRCODE, f"unexpected reply ({described})", api))
        if binary:
            raise fail(WeChatError(INVALID_REPLY_ERRCODE, "expected an image, got JSON", api))
        self._log_call(logging.DEBUG, method, path, 0, started)
        return data

    def _failed(self, err: WeChatError, method: str, path: str, started: float) -> WeChatError:
        level = logging.WARNING if isinstance(err, TransportError) else logging.INFO
        self._log_call(level, method, path, err.errcode, started)
        return self.notify(err)

    def notify(self, err: WeChatError) -> WeChatError:
        """Pass ``err`` to the ``on_error`` hook (hook failures are logged, not raised)."""
        if self.on_error is not None:
            try:
                self.on_error(err.api or "", err.errcode)
            except Exception:
                self.log.exception("wechat on_error hook failed")
        return err

    def _log_call(self, level: int, method: str, path: str, errcode: int, started: float) -> None:
        elapsed_ms = (time.monotonic() - started) * 1000
        self.log.log(level, "wechat %s %s errcode=%s %.0fms", method, path, errcode, elapsed_ms)

    def redact(self, text: str) -> str:
        """Strip query strings and mask the app secret in ``text``."""
        text = _QUERY_RE.sub("?<redacted>", text)
        if self._secret:
            text = text.replace(self._secret, "***")
        return text
