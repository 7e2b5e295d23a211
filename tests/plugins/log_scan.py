"""Fail the run when any log record of the whole session shows a full ID number, bank card
number or mainland mobile number (PIPL: logs must not become a copy of personal data).

A handler on the root logger formats every record — message, the `fields` extra and the
exception text — and keeps the lines that match. Under xdist each worker scans its own
records and hands the hits to the controller, which fails the run at the end.
"""

from __future__ import annotations

import json
import logging
import re

import pytest

from app.core.idcard import check_digit

# Numbers are delimited by anything but ASCII letters and digits: request ids are hex, and
# a run of digits inside one is not a number anybody wrote.
EDGE_BEFORE, EDGE_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
ID_NUMBER = re.compile(EDGE_BEFORE + r"(\d{17}[\dXx])" + EDGE_AFTER)
CARD_NUMBER = re.compile(EDGE_BEFORE + r"(\d{16,19})" + EDGE_AFTER)
MOBILE = re.compile(EDGE_BEFORE + r"(1[3-9]\d{9})" + EDGE_AFTER)
MAX_REPORTED = 20


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def personal_numbers(line: str) -> list[tuple[str, str]]:
    """(kind, number) for each full ID, card or mobile number in `line`."""
    found = [("id_number", m) for m in ID_NUMBER.findall(line)
             if check_digit(m[:17]) == m[17].upper()]
    found += [("bank_card", m) for m in CARD_NUMBER.findall(line) if luhn_ok(m)]
    found += [("mobile", m) for m in MOBILE.findall(line)]
    return found


class ScanHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.hits: list[str] = []
        self.formatter = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            parts = [record.getMessage()]
        except Exception:  # a broken format string is not our concern here
            parts = [str(record.msg)]
        fields = getattr(record, "fields", None)
        if fields:
            parts.append(json.dumps(fields, ensure_ascii=False, default=str))
        if record.exc_info:
            parts.append(self.formatter.formatException(record.exc_info))
        if record.exc_text:
            parts.append(record.exc_text)
        line = " ".join(parts)
        for kind, number in personal_numbers(line):
            if len(self.hits) < MAX_REPORTED:
                self.hits.append(f"{record.name}: {kind} {number} in {line[:300]!r}")


HANDLER = ScanHandler()
CONTROLLER_HITS: list[str] = []


def pytest_configure(config) -> None:
    logging.getLogger().addHandler(HANDLER)


def pytest_unconfigure(config) -> None:
    logging.getLogger().removeHandler(HANDLER)


def pytest_testnodedown(node, error) -> None:
    """xdist controller: collect what a worker found."""
    CONTROLLER_HITS.extend(getattr(node, "workeroutput", {}).get("log_scan_hits", []))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: report to the controller
        workeroutput["log_scan_hits"] = HANDLER.hits
        return
    hits = HANDLER.hits + CONTROLLER_HITS
    if not hits:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.section("personal data in logs", sep="!", red=True)
        for hit in hits:
            reporter.write_line(hit)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
