"""ID numbers: ASCII digits only, a region code of GB/T 2260 (any year), a birth date between
1900 and today, and the check digit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core import idcard
from tests.helpers import valid_id_number


@pytest.mark.parametrize("region", ["110101", "320922", "451224", "110103", "440401", "810000"])
def test_real_region_codes_pass_abolished_ones_too(region):
    # 110103 崇文区 was merged into 东城区 in 2010; its people still carry the code
    assert idcard.problem_with(valid_id_number("19800101", 1, region)) is None


@pytest.mark.parametrize("region", ["000000", "999999", "123456", "320999"])
def test_made_up_region_codes_are_refused(region):
    assert idcard.problem_with(valid_id_number("19900101", 1, region)) == idcard.REGION


def test_full_width_and_other_unicode_digits_are_refused():
    number = valid_id_number()
    wide = "".join(chr(ord(char) + 0xFEE0) if char.isdigit() else char for char in number)
    arabic_indic = "٣" + number[1:]
    for odd in (wide, arabic_indic):
        assert idcard.problem_with(idcard.normalise(odd)) == idcard.FORMAT


@pytest.mark.parametrize("born", ["18991231", "00010101", "20991231"])
def test_birth_dates_before_1900_or_in_the_future_are_refused(born):
    assert idcard.problem_with(valid_id_number(born)) == idcard.BIRTH_RANGE


def test_born_today_is_allowed_born_tomorrow_is_not(clock):
    clock.move_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    assert idcard.problem_with(valid_id_number("20261201")) is None
    assert idcard.problem_with(valid_id_number("20261202")) == idcard.BIRTH_RANGE


def test_a_wrong_check_digit_and_an_impossible_date_say_so():
    number = valid_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert idcard.problem_with(wrong) == idcard.CHECK
    assert idcard.problem_with(valid_id_number("19900230")) == idcard.BIRTH


def test_the_api_names_the_problem_in_chinese(client, tree, as_user):
    from tests.factories.members import membership_body

    body = membership_body(tree["village1"])
    body["id_number"] = valid_id_number("19900101", 1, "999999")
    response = client.post("/api/v1/memberships", json=body, headers=as_user("plain"))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["message"] == "身份证号码有误，请对照身份证核对后重新填写。"
    assert error["details"]["fields"]["id_number"] == [
        "身份证号：前 6 位不是有效的地区代码，请对照身份证核对。"]
