"""Members fixtures: a pending application in village1 (with a phone)."""

from __future__ import annotations

import pytest

from tests.factories.members import applied


@pytest.fixture
def village1_pending(client, tree, as_user) -> dict:
    return applied(client, as_user("applicant"), tree["village1"], phone="13912345678")
