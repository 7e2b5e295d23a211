"""Notice fixtures: the hardship county (settings, storage) and the aid world, both on the
test tree — notices serve hardship files and aid programs alike."""

from __future__ import annotations

from tests.aid.conftest import aid_tree, file_storage, world  # noqa: F401
from tests.hardship.conftest import county  # noqa: F401
