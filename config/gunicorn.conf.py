"""Gunicorn settings for production (`make serve-prod`); every value can be overridden by env."""

import multiprocessing
import os
import tempfile

from gunicorn.glogging import Logger

from app.core.requestlog import mask_numbers

bind = [os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")]
if os.environ.get("METRICS_PORT"):
    # /metrics answers only on this internal bind (the app checks the port)
    bind.append(f"127.0.0.1:{os.environ['METRICS_PORT']}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Threaded workers by default: a request waiting on WeChat (bounded by WECHAT_TIMEOUT and the
# circuit breaker) holds one thread, not the worker every other request needs. Four threads
# fit the database pool (DB_POOL_SIZE 5 per process).
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Workers fork from a master that has already built the app (imports and the OpenAPI spec take
# about a second): fast (re)starts and shared memory. Nothing opens a connection at build time.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Recycle workers now and then as a guard against slow leaks (0 turns it off).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# One JSON object per request; the app's own log line carries the request id as well. Paths
# and the other atoms go through the app's one masking rule (a phone number in a path).


class MaskedAtoms(dict):
    """gunicorn's `SafeAtoms`, masking and escaping an atom only when the format reads it:
    the line names 8 atoms, the dict holds ~70 (every request and response header and
    environ variable), and masking them all cost ~0.1 ms per request."""

    def __getitem__(self, key):
        value = self.get(key.lower() if key.startswith("{") else key, "-")
        return mask_numbers(value).replace('"', '\\"') if isinstance(value, str) else value


class MaskedGunicornLogger(Logger):
    """gunicorn's logger with every access-log atom (path, query, referer …) masked."""

    atoms_wrapper_class = MaskedAtoms


logger_class = MaskedGunicornLogger
access_log_format = (
    '{"ts":"%(t)s","logger":"gunicorn.access","method":"%(m)s","path":"%(U)s",'
    '"status":%(s)s,"bytes":%(B)s,"ms":%(M)s,"request_id":"%({x-request-id}o)s",'
    '"remote":"%(h)s"}'
)


# Prometheus multiprocess mode: every worker writes its samples under this directory.
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "gonghui-metrics"))
os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
