"""The log scanner finds each kind of personal number and leaves look-alikes alone."""

from __future__ import annotations

import logging

import pytest

from tests.helpers import valid_id_number
from tests.plugins.log_scan import ScanHandler, luhn_ok, personal_numbers

ID = valid_id_number("19900101", 7)
CARD = "6222020200112233446"  # passes the Luhn check
MOBILE = "13912345678"


def test_luhn():
    assert luhn_ok(CARD) and luhn_ok("4111111111111111")
    assert not luhn_ok("6222020200112233445")


@pytest.mark.parametrize(("line", "kind"), [
    (f"applicant id={ID}", "id_number"),
    (f"身份证{ID}已核验", "id_number"),
    (f'{{"number": "{CARD}"}}', "bank_card"),
    (f"手机{MOBILE}。", "mobile"),
    (f"phone: {MOBILE}", "mobile"),
])
def test_scanner_detects_each_kind(line, kind):
    assert kind in {found for found, _ in personal_numbers(line)}


@pytest.mark.parametrize("line", [
    ID[:17] + "1",                                      # wrong check digit, fails Luhn
    "6222020200112233445",                              # fails Luhn
    "213912345678", "139123456789",                     # mobile inside a longer number
    "request_id=0f47e03b3ae5406c82ac5074c00b96bc13912345678ab",  # digits inside a hex id
    "ms=13.91 lat=36.62 lng=101.78",
    "3209**********0017 6222 **** **** 1234 139****5678",  # masked values
])
def test_scanner_ignores_look_alikes(line):
    assert personal_numbers(line) == []


def test_handler_reads_message_fields_and_exception_text():
    handler = ScanHandler()
    logger = logging.getLogger("tests.log_scan.probe")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("nothing here")
        logger.warning("fields", extra={"fields": {"phone": MOBILE}})
        try:
            raise ValueError(f"bad card {CARD}")
        except ValueError:
            logger.exception("failed")
        logger.warning("id %s", ID)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    kinds = [hit.split(": ", 1)[1].split(" ")[0] for hit in handler.hits]
    assert kinds == ["mobile", "bank_card", "id_number"]
