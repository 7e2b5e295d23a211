"""Prometheus metrics: requests by endpoint and status, latency, outbox backlog, WeChat errors.

Under gunicorn set PROMETHEUS_MULTIPROC_DIR (config/gunicorn.conf.py does) so every worker's
samples are aggregated. In production /metrics answers only on METRICS_PORT (an internal
bind), never on the public port.
"""

from __future__ import annotations

import logging
import os
import time

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger("gonghui.metrics")
REQUESTS = Counter("gonghui_http_requests_total", "HTTP requests",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("gonghui_http_request_seconds", "HTTP request latency", ["endpoint"],
                    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
WECHAT_ERRORS = Counter("gonghui_wechat_errors_total", "WeChat API errors by errcode",
                        ["api", "errcode"])


def count_wechat_error(api: str, errcode: int) -> None:
    WECHAT_ERRORS.labels(api=api, errcode=str(errcode)).inc()


class GaugeFromDatabase:
    """A gauge read at scrape time (e.g. the outbox backlog, shared by all instances)."""

    def __init__(self, app: Flask, name: str, doc: str, label: str, read) -> None:
        self.app, self.name, self.doc, self.label, self.read = app, name, doc, label, read

    def collect(self):
        family = GaugeMetricFamily(self.name, self.doc, labels=[self.label])
        with self.app.app_context():
            try:
                values = self.read()
            except Exception:  # a scrape must not fail because the database is away
                log.warning("metric unavailable", extra={"fields": {"metric": self.name}})
                return
            for value, count in values.items():
                family.add_metric([value], count)
        yield family


def register_metrics(app: Flask, gauges: list[tuple[str, str, str, object]]) -> None:
    """Request metrics plus `gauges`: (name, help, label, read() → {label value: count})."""
    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    # each label set's child, looked up once: `labels()` validates and locks on every call
    counters: dict[tuple[str, str, int], object] = {}
    timers: dict[str, object] = {}

    @app.after_request
    def record(response):
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        key = (endpoint, request.method, response.status_code)
        counter = counters.get(key)
        if counter is None:
            counter = counters[key] = REQUESTS.labels(endpoint=endpoint, method=key[1],
                                                      status=str(key[2]))
        counter.inc()
        started = getattr(g, "metrics_started", None)
        if started is not None:
            timer = timers.get(endpoint)
            if timer is None:
                timer = timers[endpoint] = LATENCY.labels(endpoint=endpoint)
            timer.observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics():
        port = current_app.config.get("METRICS_PORT")
        if port and request.environ.get("SERVER_PORT") != str(port):
            abort(404)
        if not port and not current_app.config.get("METRICS_PUBLIC", True):
            abort(404)
        registry = CollectorRegistry()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            multiprocess.MultiProcessCollector(registry)
        else:
            for collector in (REQUESTS, LATENCY, WECHAT_ERRORS):
                registry.register(collector)
        for name, doc, label, read in gauges:
            registry.register(GaugeFromDatabase(current_app._get_current_object(), name, doc,
                                                label, read))
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
