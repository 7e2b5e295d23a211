"""Gunicorn settings for production (`make serve-prod`); every value can be overridden by env."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 20000
max_requests_jitter = 2000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# One JSON object per request; the app's own log line carries the request id as well.
access_log_format = (
    '{"ts":"%(t)s","logger":"gunicorn.access","method":"%(m)s","path":"%(U)s",'
    '"status":%(s)s,"bytes":%(B)s,"ms":%(M)s,"request_id":"%({x-request-id}o)s",'
    '"remote":"%(h)s"}'
)
