"""`App.ensure_sync` remembers plain functions by their code and asks Flask otherwise."""

from __future__ import annotations

import pytest


def test_a_view_is_looked_up_once_and_returned_as_is(app, client):
    assert client.get("/healthz").status_code == 200
    view = app.view_functions["health.healthz"]
    assert view.__code__ in app._plain  # remembered by the request above
    assert app.ensure_sync(view) is view


def test_hooks_made_anew_per_request_do_not_grow_the_memo(app, client):
    """The rate limit's and a secret answer's after-request hooks are closures made on each
    request: remembered by their code, the memo stays the same size however many come."""
    for _ in range(3):
        client.get("/api/v1/stations/nearby?lat=36.6&lng=101.7")
    size = len(app._plain)
    for _ in range(30):
        assert client.get("/api/v1/stations/nearby?lat=36.6&lng=101.7").status_code == 200
    assert len(app._plain) == size


def test_bound_methods_and_callables_are_not_remembered(app):
    class Hook:
        def __call__(self, response):
            return response

        def method(self, response):
            return response

    before = len(app._plain)
    hook = Hook()
    assert app.ensure_sync(hook.method) == hook.method
    assert app.ensure_sync(hook) is hook
    assert len(app._plain) == before


def test_a_coroutine_is_still_refused_as_flask_refuses_it(app):
    async def view():
        return "never"

    with pytest.raises(RuntimeError):
        app.ensure_sync(view)
    assert view.__code__ not in app._plain
