"""Fake WeChat API server for tests and local runs (standard library only).

Serves the real paths and field names (``/sns/jscode2session``, ``/cgi-bin/token``,
``/cgi-bin/stable_token``,
``/wxa/business/getuserphonenumber``, ``/cgi-bin/message/subscribe/send``,
``/wxa/msg_sec_check``, ``/wxa/getwxacodeunlimit``) plus control endpoints for tests running
in another process:

* ``POST /__fake__/faults`` ``{"kind", "count", "hang_seconds"}``
* ``GET /__fake__/messages`` -> ``{"messages": [...]}``; ``DELETE /__fake__/messages``
* ``POST /__fake__/blocked_words`` ``{"words": [...]}``
* ``POST /__fake__/token_ttl`` ``{"seconds": N}``
* ``POST /__fake__/expire_tokens``; ``POST /__fake__/reset``
* ``GET /__fake__/calls`` -> ``{"calls": {path: count}}``

Run in the foreground with ``python -m wxclient.fake --port 8765``.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .fake_state import FAULT_KINDS, FakeState, Reply, json_reply

__all__ = ["FAULT_KINDS", "FakeWeChatServer", "main"]

CONTROL_PREFIX = "/__fake__/"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FakeState


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "FakeWeChat/1.0"

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch("DELETE")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silenced: request lines carry secrets and tokens in their query strings."""

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        state = self.server.state
        try:
            if parts.path.startswith(CONTROL_PREFIX):
                reply = _control(state, method, parts.path[len(CONTROL_PREFIX) :], body)
            else:
                reply = state.serve(method, parts.path, query, body)
        except Exception as exc:  # keep the fake alive and make the failure visible
            reply = json_reply({"error": f"{type(exc).__name__}: {exc}"}, status=500)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. read timeout during a "hang" fault)


def _control(state: FakeState, method: str, name: str, body: bytes) -> Reply:
    try:
        data = json.loads(body.decode("utf-8")) if body else {}
    except ValueError:
        return json_reply({"error": "body must be JSON"}, status=400)
    if not isinstance(data, dict):
        return json_reply({"error": "body must be a JSON object"}, status=400)
    ok = json_reply({"ok": True})
    route = (method, name.rstrip("/"))
    if route == ("POST", "faults"):
        try:
            state.inject_fault(
                str(data.get("kind")),
                int(data.get("count", 1)),
                float(data.get("hang_seconds", 10.0)),
            )
        except (TypeError, ValueError) as exc:
            return json_reply({"error": str(exc)}, status=400)
        return ok
    if route == ("GET", "messages"):
        return json_reply({"messages": state.sent_messages()})
    if route == ("DELETE", "messages"):
        state.clear_messages()
        return ok
    if route == ("POST", "blocked_words"):
        words = data.get("words")
        if not isinstance(words, list):
            return json_reply({"error": "words must be a list"}, status=400)
        state.set_blocked_words([str(w) for w in words])
        return ok
    if route == ("POST", "token_ttl"):
        state.set_token_ttl(float(data.get("seconds", 7200)))
        return ok
    if route == ("POST", "expire_tokens"):
        state.expire_tokens()
        return ok
    if route == ("POST", "reset"):
        state.reset()
        return ok
    if route == ("GET", "calls"):
        return json_reply({"calls": state.calls()})
    return json_reply({"error": f"no control endpoint {method} {CONTROL_PREFIX}{name}"}, 404)


class FakeWeChatServer:
    """A fake WeChat API on a background thread; ``port=0`` picks a free port."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        appid: str = "wx-fake-appid",
        secret: str = "fake-secret",
        token_ttl: float = 7200,
        blocked_words: tuple[str, ...] | list[str] = ("违禁词",),
        review_words: tuple[str, ...] | list[str] = ("待审词",),
        open_platform: bool = False,
    ) -> None:
        """``open_platform``: the app is bound to an Open Platform account, so logins carry
        a ``unionid`` (without it WeChat sends none)."""
        self.host = host
        self.port = port
        self.state = FakeState(appid, secret, token_ttl, blocked_words, review_words, open_platform)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def appid(self) -> str:
        return self.state.appid

    @property
    def secret(self) -> str:
        return self.state.secret

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (pass it as the client's base_url)."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeWeChatServer:
        """Bind and serve on a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        httpd = _Server((self.host, self.port), _Handler)
        httpd.state = self.state
        self.port = int(httpd.server_address[1])
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-wechat-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (requests still hanging are abandoned)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeWeChatServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # In-process control (same effects as the /__fake__/ endpoints).

    def inject_fault(self, kind: str, count: int = 1, hang_seconds: float = 10.0) -> None:
        """Next ``count`` API calls answer as ``kind``: busy, token_invalid, token_expired,
        hang (sleep ``hang_seconds`` then answer normally) or http_500."""
        self.state.inject_fault(kind, count, hang_seconds)

    def sent_messages(self) -> list[dict[str, Any]]:
        """Subscribe messages accepted so far, each exactly as its JSON body was received."""
        return self.state.sent_messages()

    def clear_messages(self) -> None:
        self.state.clear_messages()

    def set_blocked_words(self, words: list[str] | tuple[str, ...]) -> None:
        self.state.set_blocked_words(words)

    def set_token_ttl(self, seconds: float) -> None:
        self.state.set_token_ttl(seconds)

    def expire_tokens(self) -> None:
        self.state.expire_tokens()

    @property
    def calls(self) -> dict[str, int]:
        """API calls received per path (control endpoints not counted)."""
        return self.state.calls()

    def call_count(self, path: str) -> int:
        return self.state.call_count(path)

    def reset(self) -> None:
        self.state.reset()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: serve in the foreground until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m wxclient.fake", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--appid", default="wx-fake-appid")
    parser.add_argument("--secret", default="fake-secret")
    parser.add_argument("--token-ttl", type=float, default=7200)
    parser.add_argument(
        "--open-platform",
        action="store_true",
        help="bound to an Open Platform account: logins carry a unionid",
    )
    args = parser.parse_args(argv)
    server = FakeWeChatServer(
        host=args.host,
        port=args.port,
        appid=args.appid,
        secret=args.secret,
        token_ttl=args.token_ttl,
        open_platform=args.open_platform,
    ).start()
    stopping = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    print(f"fake wechat listening on {server.url}", flush=True)
    while not stopping.wait(0.2):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
