"""Chinese resident ID numbers (GB 11643-1999): check digit and birth date."""

from __future__ import annotations

import re
from datetime import date

from app.core.i18n import N_

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CODES = "10X98765432"
PATTERN = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    return CHECK_CODES[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def problem_with(id_number: str) -> str | None:
    """None when valid, else a short reason fit for a 422 message (a message id: pass it as
    `labels.Phrase(problem)` in params, `translate(problem)` under `details.fields`)."""
    if not PATTERN.match(id_number):
        return N_("must be 17 digits followed by a digit or X")
    if birth_date(id_number) is None:
        return N_("the birth date in the number is not a real date")
    if check_digit(id_number[:17]) != id_number[17]:
        return N_("the check digit does not match")
    return None


def normalise(id_number: str) -> str:
    return id_number.strip().upper()


def age_on(id_number: str, day: date) -> int | None:
    born = birth_date(id_number)
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
