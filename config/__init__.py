"""Settings classes: the only place that reads the environment."""

from __future__ import annotations

import base64
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("GONGHUI_INSTANCE_DIR", ROOT / "instance"))


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _card_key() -> str:
    """A fresh Ed25519 private key for member cards: its 32-byte seed, base64url."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _dev_secrets() -> dict[str, str]:
    """Development keys, generated once and kept under instance/ so restarts keep sessions
    (a key added later is generated into the existing file)."""
    path = INSTANCE_DIR / "dev-secrets.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    wanted = {
        "JWT_SECRET_KEY": lambda: secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEY":
            lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "CARD_SIGNING_KEYS": lambda: json.dumps({"dev-1": _card_key()}),
    }
    missing = [name for name in wanted if name not in data]
    if missing:
        data.update({name: wanted[name]() for name in missing})
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2))
        path.chmod(0o600)
    return data


def card_signing_keys(raw: str | None) -> dict[str, str]:
    """CARD_SIGNING_KEYS: a JSON object {key id: base64url Ed25519 seed}. Every key is
    published for verifiers (GET /cards/keys); CARD_SIGNING_KEY_ID signs (default: the last
    one listed), so a new key is added, made current, and the old one removed later."""
    if not raw:
        return {}
    keys = json.loads(raw)
    if not isinstance(keys, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in keys.items()):
        raise RuntimeError("CARD_SIGNING_KEYS must be a JSON object {key id: seed}")
    return keys


class BaseConfig:
    """Defaults shared by every environment; the environment overrides them."""

    ENV_NAME = "base"
    TESTING = False
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024

    # flask-smorest / OpenAPI
    API_TITLE = "Gonghui API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs-assets/"
    # offline: no badge from validator.swagger.io (Swagger UI's default validatorUrl)
    OPENAPI_SWAGGER_UI_CONFIG = {"validatorUrl": None}


    JWT_TOKEN_LOCATION = ["headers"]
    JWT_ERROR_MESSAGE_KEY = "message"
    # event → subscribe template; "*" is used for events without their own entry. Field
    # values name keys of the outbox row's data ("$time" = when it is sent, Asia/Shanghai).
    # An entry may say what the template is for ("purpose", shown as given by
    # GET /me/subscriptions); without it the purpose is built from the events it carries.
    WECHAT_TEMPLATES: dict = {
        "*": {"template_id": "tmpl-status-notice",
              "fields": {"thing1": "title", "thing2": "body", "time3": "$time"}},
    }
    WECHAT_MINIPROGRAM_STATE = "formal"
    OUTBOX_MAX_ATTEMPTS = 5
    OUTBOX_LEASE_SECONDS = 60
    # (connect, read) seconds per attempt: a hanging WeChat costs a login seconds, not minutes
    WECHAT_TIMEOUT = (1.5, 3.0)
    # per process: after this many consecutive timeouts or transport failures every WeChat call
    # answers 503 wechat_unavailable at once; one probe goes out after the cool-down (0: off)
    WECHAT_BREAKER_FAILURES = 5
    WECHAT_BREAKER_COOLDOWN = 30.0
    IDEMPOTENCY_TTL_SECONDS = 24 * 3600
    # a refresh token spent this recently answers again (two tabs, a retry), not a logout
    REFRESH_REUSE_GRACE_SECONDS = 30
    # a claim older than this with no answer belongs to a killed worker: a retry runs again
    # (above gunicorn's 30 s request timeout)
    IDEMPOTENCY_IN_PROGRESS_SECONDS = 60
    METRICS_PORT: int | None = None  # /metrics only on this (internal) port when set
    METRICS_PUBLIC = True  # without METRICS_PORT: /metrics on the main port (not in production)
    WECHAT_BUSY_RETRIES = 2
    WECHAT_BACKOFF = 0.2
    REQUEST_LOG = True
    # Days personal data is kept (PIPL Art. 19, 47): documents and personal data of aid
    # applications after they close, rejected membership applications after the decision,
    # and a cancelled account before erasure (0: at once). `flask gonghui retention` applies it.
    RETENTION_DAYS: dict = {
        "aid_documents": 365,
        "aid_personal": 5 * 365,
        "membership_rejected": 180,
        # a closed rights case's details (what happened, phone, notes) — the figures stay
        "rights_closed": 3 * 365,
        "deleted_accounts": 0,
        "hardship_closed": 10 * 365,  # files are kept ten years after closing
        # rejected or withdrawn files, three years after that decision (the civil limitation
        # period, as for closed rights cases): long enough to answer a complaint about the
        # decision and to see it again if the household applies anew; not a filed record
        "hardship_ended": 3 * 365,
    }
    # Days after which `flask gonghui hardship-reminders` withdraws a hardship file nobody
    # looked after: a draft with no change ("draft", from its last edit) and a returned file
    # not resubmitted ("returned", from its return). The applicant is told; the household is
    # free for a new file, and the withdrawn file follows RETENTION_DAYS["hardship_ended"].
    HARDSHIP_ABANDON_DAYS: dict = {"draft": 365, "returned": 180}

    def __init__(self) -> None:
        env = os.environ
        self.DATABASE_URL = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'gonghui.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(self.DATABASE_URL)
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.REDIS_KEY_PREFIX = env.get("REDIS_KEY_PREFIX", "gonghui")
        self.WECHAT_APPID = env.get("WECHAT_APPID", "wx-fake-appid")
        self.WECHAT_SECRET = env.get("WECHAT_SECRET", "fake-secret")
        # None means "start the bundled fake WeChat server" (make run does this).
        self.WECHAT_API_BASE = env.get("WECHAT_API_BASE") or None
        self.PORT = _env_int("PORT", 5000)
        self.JWT_ACCESS_TOKEN_EXPIRES = timedelta(seconds=_env_int("ACCESS_TOKEN_SECONDS", 900))
        self.JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=_env_int("REFRESH_TOKEN_DAYS", 30))
        self.JWT_SECRET_KEY = env.get("JWT_SECRET_KEY")
        self.FIELD_ENCRYPTION_KEY = env.get("FIELD_ENCRYPTION_KEY")
        self.FIELD_HASH_KEY = env.get("FIELD_HASH_KEY") or None
        # member cards' QR tokens (app/cards/tokens.py): Ed25519 keys by key id
        self.CARD_SIGNING_KEYS = card_signing_keys(env.get("CARD_SIGNING_KEYS"))
        self.CARD_SIGNING_KEY_ID = env.get("CARD_SIGNING_KEY_ID") or None
        # how long one QR token verifies; the card page fetches a new one every minute
        self.CARD_TOKEN_SECONDS = _env_int("CARD_TOKEN_SECONDS", 120)
        # how long a retired card key stays published after its last token expired
        self.CARD_KEY_GRACE_SECONDS = _env_int("CARD_KEY_GRACE_SECONDS", 86400)
        self.LOG_LEVEL = env.get("LOG_LEVEL", "INFO")
        self.FILE_STORAGE_DIR = env.get("FILE_STORAGE_DIR", str(INSTANCE_DIR / "files"))
        # "local" (disk under FILE_STORAGE_DIR, one instance) or "s3" (an S3-compatible bucket
        # every instance shares; docs/operations.md)
        self.FILE_STORAGE = env.get("FILE_STORAGE", "local")
        if self.FILE_STORAGE not in ("local", "s3"):
            raise RuntimeError("FILE_STORAGE must be 'local' or 's3'")
        for name in ("BUCKET", "ENDPOINT", "REGION", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY",
                     "PREFIX", "ADDRESSING"):
            setattr(self, f"FILE_STORAGE_S3_{name}", env.get(f"FILE_STORAGE_S3_{name}") or None)
        if self.FILE_STORAGE == "s3" and not self.FILE_STORAGE_S3_BUCKET:
            raise RuntimeError("FILE_STORAGE=s3 needs FILE_STORAGE_S3_BUCKET")
        self.FILE_MAX_BYTES = _env_int("FILE_MAX_BYTES", 5 * 1024 * 1024)
        # what one user's uploads may take in storage together (413 storage_quota_exceeded)
        self.FILE_QUOTA_BYTES = _env_int("FILE_QUOTA_BYTES", 200 * 1024 * 1024)
        # the memory an image's re-encoding may need (pixels x bytes per pixel, its copies)
        self.IMAGE_MAX_DECODED_BYTES = _env_int("IMAGE_MAX_DECODED_BYTES", 128 * 1024 * 1024)
        # rows one station import may hold (the file is read streaming and stops past it)
        self.IMPORT_MAX_ROWS = _env_int("IMPORT_MAX_ROWS", 5000)
        # station cards each process keeps for nearby search on PostgreSQL (~1 kB each; 0 = off)
        self.NEARBY_CARD_CACHE = _env_int("NEARBY_CARD_CACHE", 50_000)
        # nearby search from an in-process index of the read model (~70 MB per process for
        # 1,000,000 stations, kept in step per request): "background" loads it in a thread
        # while searches take the SQL path, "eager" in the first search, "off" never
        self.NEARBY_INDEX = env.get("NEARBY_INDEX", "background")
        # logins per address: a ceiling high enough for a crowd behind one carrier NAT; what
        # stops a flood of made-up codes is the budget of failed logins per address
        self.RATELIMIT_LOGIN = env.get("RATELIMIT_LOGIN", "600 per minute")
        self.RATELIMIT_LOGIN_FAILURES = env.get("RATELIMIT_LOGIN_FAILURES", "20 per minute")
        # X-Forwarded-For is believed only from these proxies (app/core/proxies.py)
        self.TRUSTED_PROXY_NETWORKS = env.get("TRUSTED_PROXY_NETWORKS", "")
        self.TRUSTED_PROXY_HOPS = _env_int("TRUSTED_PROXY_HOPS", 0)
        # a station rating needs a counted check-in there within this many days
        self.RATING_CHECKIN_DAYS = _env_int("RATING_CHECKIN_DAYS", 7)
        self.RATELIMIT_PUBLIC = env.get("RATELIMIT_PUBLIC", "120 per minute")
        # answers "this beneficiary cannot apply again" per user: probing ID numbers program
        # after program stops after a few
        self.RATELIMIT_DUPLICATES = env.get("RATELIMIT_DUPLICATES", "5 per hour")
        self.RATELIMIT_WRITES = env.get("RATELIMIT_WRITES", "60 per minute")
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_KEY_PREFIX = f"{self.REDIS_KEY_PREFIX}:rl"
        if env.get("METRICS_PORT"):
            self.METRICS_PORT = int(env["METRICS_PORT"])
        if env.get("WECHAT_TEMPLATES_JSON"):
            self.WECHAT_TEMPLATES = json.loads(env["WECHAT_TEMPLATES_JSON"])
        self.WECHAT_MINIPROGRAM_STATE = env.get("WECHAT_MINIPROGRAM_STATE", "formal")
        self.WECHAT_BREAKER_FAILURES = _env_int("WECHAT_BREAKER_FAILURES",
                                                self.WECHAT_BREAKER_FAILURES)
        self.WECHAT_BREAKER_COOLDOWN = float(env.get("WECHAT_BREAKER_COOLDOWN",
                                                     self.WECHAT_BREAKER_COOLDOWN))


class DevelopmentConfig(BaseConfig):
    """Embedded default: SQLite file, bundled fake WeChat, keys generated under instance/."""

    ENV_NAME = "development"

    def __init__(self) -> None:
        super().__init__()
        if not self.JWT_SECRET_KEY or not self.FIELD_ENCRYPTION_KEY:
            generated = _dev_secrets()
            self.JWT_SECRET_KEY = self.JWT_SECRET_KEY or generated["JWT_SECRET_KEY"]
            self.FIELD_ENCRYPTION_KEY = (
                self.FIELD_ENCRYPTION_KEY or generated["FIELD_ENCRYPTION_KEY"]
            )
        if not self.CARD_SIGNING_KEYS:
            self.CARD_SIGNING_KEYS = card_signing_keys(_dev_secrets()["CARD_SIGNING_KEYS"])


class TestConfig(BaseConfig):
    """Fixed keys and fast WeChat retries; the test fixtures set the database and fake server."""

    __test__ = False  # not a pytest test class

    ENV_NAME = "test"
    TESTING = True
    WECHAT_TIMEOUT = (1.0, 1.0)
    WECHAT_BACKOFF = 0.01
    # tests inject faults on one long-lived client; the breaker tests turn it on themselves
    WECHAT_BREAKER_FAILURES = 0

    def __init__(self) -> None:
        super().__init__()
        self.JWT_SECRET_KEY = "test-jwt-secret-key-that-is-long-enough-for-hs256"
        self.FIELD_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
        self.CARD_SIGNING_KEYS = {
            "test-1": base64.urlsafe_b64encode(b"c" * 32).decode().rstrip("=")}
        self.CARD_SIGNING_KEY_ID = None
        self.REDIS_URL = None
        self.RATELIMIT_STORAGE_URI = "memory://"
        # tests log in hundreds of times from one address; the rate-limit tests lower these
        self.RATELIMIT_LOGIN = self.RATELIMIT_PUBLIC = self.RATELIMIT_WRITES = "100000 per minute"
        self.RATELIMIT_LOGIN_FAILURES = "100000 per minute"
        # every search sees a write at once whichever path it takes; tests load the index in
        # the search that needs it (tests/stations compare it with the SQL path)
        self.NEARBY_INDEX = "eager"


class ProductionConfig(BaseConfig):
    """Refuses to start without real secrets and a real WeChat endpoint."""

    ENV_NAME = "production"

    def __init__(self) -> None:
        super().__init__()
        missing = [
            name
            for name in ("JWT_SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL",
                         "CARD_SIGNING_KEYS")
            if not os.environ.get(name)
        ]
        if os.environ.get("WECHAT_APPID") is None or os.environ.get("WECHAT_SECRET") is None:
            missing.append("WECHAT_APPID/WECHAT_SECRET")
        if missing:
            raise RuntimeError(f"production config is missing: {', '.join(missing)}")
        self.WECHAT_API_BASE = self.WECHAT_API_BASE or "https://api.weixin.qq.com"
        # /metrics only on METRICS_PORT (or METRICS_PUBLIC=1); the OpenAPI document and
        # /api/docs only with API_DOCS=1 — neither is the public's by default
        self.METRICS_PUBLIC = os.environ.get("METRICS_PUBLIC") == "1"
        if os.environ.get("API_DOCS") != "1":
            self.OPENAPI_URL_PREFIX = None


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain postgres URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(uri: str) -> dict:
    """SQLAlchemy engine options for the database in use (pool and timeouts on PostgreSQL)."""
    # hide_parameters: a statement's values (ID numbers, phones) never reach an error's text
    options: dict = {"pool_pre_ping": True, "hide_parameters": True}
    if uri.startswith("postgresql"):
        # with psycopg, app/core/postgres.py pings at checkout only when the connection may
        # be gone
        options["pool_pre_ping"] = not uri.startswith("postgresql+psycopg:")
        statement_ms = _env_int("DB_STATEMENT_TIMEOUT_MS", 5000)
        idle_ms = _env_int("DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", 30000)
        options.update(
            pool_size=_env_int("DB_POOL_SIZE", 5),
            max_overflow=_env_int("DB_MAX_OVERFLOW", 10),
            pool_timeout=_env_int("DB_POOL_TIMEOUT", 5),
            pool_recycle=1800,
            connect_args={"options": f"-c statement_timeout={statement_ms} "
                                     f"-c idle_in_transaction_session_timeout={idle_ms}"},
        )
    return options


def load_config(name: str | None = None) -> BaseConfig:
    """Build the settings object for GONGHUI_ENV (development by default)."""
    name = name or os.environ.get("GONGHUI_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"unknown GONGHUI_ENV {name!r}; use one of {sorted(CONFIGS)}") from None
