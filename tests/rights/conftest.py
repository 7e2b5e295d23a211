"""Rights fixtures: a holiday calendar, the clock on a Friday, an approved member."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core.time import SHANGHAI
from tests.factories.cards import approved_member

FRIDAY = datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)
# Monday 7 December off, Saturday 12 December worked (调休)
CALENDAR = "date,kind,name\n2026-12-07,holiday,测试假日\n2026-12-12,workday,测试调休\n"


@pytest.fixture
def holidays(app, client, tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text(CALENDAR, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["gonghui", "holidays", "load", str(path)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def friday(clock):
    clock.move_to(FRIDAY)
    return clock


@pytest.fixture
def member(client, tree, as_user, friday) -> dict:
    approved_member(client, as_user, tree["village2"], who="neighbour", sequence=2,
                    approver="village2_approver")
    return approved_member(client, as_user, tree["village1"])
