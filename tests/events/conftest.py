"""Events fixtures: the shared tree and a published event of the county."""

from __future__ import annotations

import pytest

from tests.factories.events import create_event


@pytest.fixture
def county_event(client, as_user, tree) -> dict:
    return create_event(client, as_user("county_admin"), tree["county"])
