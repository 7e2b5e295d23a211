"""Cards fixtures: an approved member of village1 and a partner merchant's verifier."""

from __future__ import annotations

import pytest

from tests.factories.cards import approved_member
from tests.factories.orgs import officer


@pytest.fixture
def member(client, tree, as_user) -> dict:
    return approved_member(client, as_user, tree["village1"], real_name="张三丰")


@pytest.fixture
def merchant(app, tree) -> str:
    """A partner merchant holding the verifier role on the county (checks cards only)."""
    officer(app, "merchant", tree["county"], "verifier")
    return "merchant"
