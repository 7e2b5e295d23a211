"""The app's WeChat client and Redis connection, built lazily from config."""

from __future__ import annotations

import redis
from flask import current_app

from app.core.metrics import count_wechat_error
from app.core.tokenstore import DatabaseTokenStore, FallbackTokenStore
from app.extensions import db
from wxclient import (
    CircuitBreaker,
    MemoryTokenStore,
    RedisTokenStore,
    WeChatClient,
    WeChatError,
)


def redis_client() -> redis.Redis | None:
    """Shared Redis connection pool, or None when REDIS_URL is not configured."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("gonghui_redis")
    if client is None:
        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        current_app.extensions["gonghui_redis"] = client
    return client


def wechat() -> WeChatClient:
    """The WeChat API client; its access token is shared through Redis when configured."""
    client = current_app.extensions.get("gonghui_wechat")
    if client is None:
        shared = redis_client()
        config = current_app.config
        prefix = f"{config['REDIS_KEY_PREFIX']}:wx"
        database = DatabaseTokenStore(db.engine)
        store = (FallbackTokenStore(RedisTokenStore(shared, prefix=prefix), database)
                 if shared else MemoryTokenStore())
        client = WeChatClient(
            config["WECHAT_APPID"],
            config["WECHAT_SECRET"],
            base_url=config["WECHAT_API_BASE"],
            token_store=store,
            timeout=tuple(config["WECHAT_TIMEOUT"]),
            busy_retries=config["WECHAT_BUSY_RETRIES"],
            backoff=config["WECHAT_BACKOFF"],
            on_error=count_wechat_error,
            breaker=CircuitBreaker(config["WECHAT_BREAKER_FAILURES"],
                                   config["WECHAT_BREAKER_COOLDOWN"]),
        )
        current_app.extensions["gonghui_wechat"] = client
    return client


def check_user_text(text: str, *, openid: str, field: str, message: str,
                    scene: int = 2, code: str = "content_rejected",
                    refuse_review: bool = False) -> str:
    """WeChat's content check (msg_sec_check v2) on text a person typed that others will
    read — the one copy of the call: "risky" → 422 `code` (`content_rejected` by default)
    with `message` (nothing is stored: call it before any write); WeChat not answering → 503
    `wechat_unavailable`. Returns the verdict's `suggest` ("pass" or "review") for the caller
    to decide what "review" means (held for an officer, or accepted because an officer reads
    every such text anyway); `refuse_review` refuses it like "risky" where no officer
    reviews the text (a nickname). Scene 1 is 资料 (profile), 2 评论 (comments)."""
    import logging

    from app.core.i18n import N_
    from app.errors import FieldMessage, Invalid, ServiceUnavailable

    try:
        verdict = wechat().check_text(text, openid, scene=scene)
    except WeChatError as exc:
        logging.getLogger("gonghui.wechat").warning(
            "content check unavailable", extra={"fields": {"errcode": exc.errcode}})
        raise ServiceUnavailable("The content check is not answering; try again shortly.",
                                 code="wechat_unavailable", headers={"Retry-After": "5"},
                                 details={"errcode": exc.errcode}) from None
    if verdict.suggest == "risky" or (refuse_review and verdict.suggest != "pass"):
        raise Invalid(message, code=code, details={"fields": {field: [
            FieldMessage(N_("rejected by the content check"))]}})
    return verdict.suggest
