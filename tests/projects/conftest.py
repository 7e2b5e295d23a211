"""Project fixtures: the shared clock moved to noon of the demo day, and the driver."""

from __future__ import annotations

import pytest

from tests.factories.projects import NOON, ProjectDriver


@pytest.fixture
def clock(clock):
    """Project tests start at noon on the demo day (the shared clock fixture, moved there)."""
    clock.move_to(NOON)
    return clock


@pytest.fixture
def driver(app, client, as_user, clock, tree):
    """driver(org=…, officer=…, bidders=…) → a ProjectDriver with a fresh draft project."""
    def make(**kwargs) -> ProjectDriver:
        return ProjectDriver(app, client, as_user, clock, tree, **kwargs)

    return make
