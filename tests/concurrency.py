"""Run the same request from many threads at once (each with its own test client)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor


def race(app, requests: list[tuple[str, str, dict, dict]]) -> list:
    """requests: (method, url, headers, json). Returns responses in order; all start together."""
    barrier = threading.Barrier(len(requests))

    def one(spec):
        method, url, headers, body = spec
        client = app.test_client()
        barrier.wait()
        response = getattr(client, method)(url, headers=headers, json=body)
        response.get_data()
        return response

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(one, requests))


def statuses(responses) -> Counter:
    return Counter(r.status_code for r in responses)
