"""`App.ensure_sync` remembers its answer per plain function and asks Flask otherwise."""

from __future__ import annotations

import pytest


def test_a_view_is_looked_up_once_and_returned_as_is(app, client):
    assert client.get("/healthz").status_code == 200
    view = app.view_functions["health.healthz"]
    assert app._sync.get(view) is view  # remembered by the request above
    assert app.ensure_sync(view) is view


def test_bound_methods_are_not_remembered(app):
    class Hook:
        def __call__(self, response):
            return response

        def method(self, response):
            return response

    before = len(app._sync)
    hook = Hook()
    assert app.ensure_sync(hook.method) == hook.method
    assert app.ensure_sync(hook) is hook
    assert len(app._sync) == before


def test_a_coroutine_is_still_refused_as_flask_refuses_it(app):
    async def view():
        return "never"

    with pytest.raises(RuntimeError):
        app.ensure_sync(view)
    assert view not in app._sync
