"""Working days in Asia/Shanghai, with the operator-loaded holiday calendar.

China's working week is Monday to Friday, except that each year's State Council notice moves
days: public holidays (法定节假日 and the rest days joined to them) are days off, and some
weekend days become working days (调休上班). Operators load each year's calendar with
`flask gonghui holidays load FILE` (format in docs/operations.md); a date not in the table
follows the weekday rule.

Counting convention, shared by every caller: a period of `n` working days starting on a date
does not count that date itself. `add_working_days(start, n)` is the `n`-th working day after
`start`; `working_days_between(a, b)` counts the working days `d` with `a < d <= b` (negative
when `b` is before `a`), so `working_days_between(a, add_working_days(a, n)) == n`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, Date, String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import to_shanghai, utcnow
from app.extensions import db

HOLIDAY = "holiday"   # a day off, whatever weekday it is
WORKDAY = "workday"   # a working day although it is a weekend (调休上班)
KINDS = (HOLIDAY, WORKDAY)


class CalendarDay(db.Model):
    """A date that does not follow the weekday rule."""

    __tablename__ = "calendar_days"
    __table_args__ = (
        CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),
    )

    day: Mapped[date] = mapped_column(Date(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(60), default="")


def shanghai_today(now: datetime | None = None) -> date:
    """Today's date in Asia/Shanghai (the date a working-day period is counted from)."""
    return to_shanghai(now or utcnow()).date()


def _exceptions(first: date, last: date) -> dict[date, str]:
    rows = db.session.execute(
        select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.day.between(first, last))
    )
    return {day: kind for day, kind in rows}


def _working(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind is not None:
        return kind == WORKDAY
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    return _working(day, _exceptions(day, day))


def add_working_days(start: date, n: int) -> date:
    """The `n`-th working day after `start` (`start` itself never counts); `start` for 0."""
    if n < 0:
        raise ValueError("n must not be negative")
    day, left = start, n
    while left:
        # a window comfortably longer than the days still needed: one query per window
        window_end = day + timedelta(days=2 * left + 21)
        exceptions = _exceptions(day + timedelta(days=1), window_end)
        while left and day < window_end:
            day += timedelta(days=1)
            if _working(day, exceptions):
                left -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """The working days `d` with `a < d <= b`; negative when `b` is before `a`."""
    if b < a:
        return -working_days_between(b, a)
    exceptions = _exceptions(a + timedelta(days=1), b)
    count, day = 0, a
    while day < b:
        day += timedelta(days=1)
        if _working(day, exceptions):
            count += 1
    return count


# ---- loading the calendar (the operator command) ----

class CalendarFileError(ValueError):
    """A calendar file that cannot be loaded; nothing was written."""


def parse_calendar(text: str, *, filename: str) -> list[tuple[date, str, str]]:
    """Rows of a CSV (header `date,kind,name`) or JSON (a list of objects with those keys)
    calendar file, checked whole before anything is written."""
    import csv
    import io
    import json

    if filename.lower().endswith(".json"):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CalendarFileError(f"not valid JSON: {exc}") from None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise CalendarFileError("JSON calendar must be a list of objects")
    else:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        if reader.fieldnames is None or not {"date", "kind"} <= set(reader.fieldnames):
            raise CalendarFileError("CSV calendar needs a header row: date,kind,name")
        records = list(reader)
    rows: list[tuple[date, str, str]] = []
    seen: set[date] = set()
    for number, record in enumerate(records, start=1):
        where = f"row {number}"
        raw_day, kind = record.get("date"), (record.get("kind") or "").strip()
        name = (record.get("name") or "").strip()
        try:
            day = date.fromisoformat(str(raw_day).strip())
        except ValueError:
            raise CalendarFileError(f"{where}: date {raw_day!r} is not YYYY-MM-DD") from None
        if kind not in KINDS:
            raise CalendarFileError(f"{where}: kind must be 'holiday' or 'workday'")
        if kind == WORKDAY and day.weekday() < 5:
            raise CalendarFileError(f"{where}: {day} is a weekday, it cannot be a 调休 workday")
        if len(name) > 60:
            raise CalendarFileError(f"{where}: name longer than 60 characters")
        if day in seen:
            raise CalendarFileError(f"{where}: {day} appears twice")
        seen.add(day)
        rows.append((day, kind, name))
    if not rows:
        raise CalendarFileError("the calendar file has no rows")
    return rows


def load_calendar(rows: list[tuple[date, str, str]]) -> dict[str, object]:
    """Replace the calendar of every year the rows cover by exactly these rows (a corrected
    file removes the dates it no longer lists); other years stay. One transaction."""
    from sqlalchemy import delete, or_

    years = sorted({day.year for day, _, _ in rows})
    db.session.execute(delete(CalendarDay).where(or_(*(
        CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)) for year in years))))
    db.session.add_all(CalendarDay(day=day, kind=kind, name=name) for day, kind, name in rows)
    db.session.commit()
    return {"years": years,
            "holidays": sum(1 for _, kind, _ in rows if kind == HOLIDAY),
            "workdays": sum(1 for _, kind, _ in rows if kind == WORKDAY)}
