"""Opening hours: validation and an "open now" check that is a bit lookup on the hot path.

Input shape: {"always": true} or {"weekly": {"mon": [["08:00", "20:00"]], …},
"closed_dates": ["2026-02-10"]}; {} (closed dates allowed) when the hours are unknown, which
the API shows as `hours_known: false` and `open_now: null` (false on a closed date), never
as open. A range may cross midnight (["22:00", "06:00"] on Friday
opens Friday 22:00 and closes Saturday 06:00). Hours are Asia/Shanghai wall-clock times.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from app.core.i18n import N_, translate
from app.core.time import SHANGHAI

# how to write the hours in an import cell, with an example (said when a cell is not that)
CELL_FORMAT = N_('write JSON such as {"weekly": {"mon": [["09:00", "18:00"]]}} '
                  '(Monday 09:00 to 18:00), or 24h for always open')
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_WEEK = 7 * 1440
UNKNOWN_MASK = b""  # the read model's pattern of unknown hours (Moment.is_open → None)


def known(hours: dict) -> bool:
    """The weekly hours are given (always open, or a week): not {} nor closed dates only."""
    return hours.get("always") is True or "weekly" in hours or "always" in hours


def _minutes(text: str) -> int:
    if not re.fullmatch(r"[0-9]{2}:[0-9]{2}", text):
        raise ValueError(text)
    hours, minutes = text.split(":")
    value = int(hours) * 60 + int(minutes)
    if not (len(hours) == 2 and len(minutes) == 2 and 0 <= int(minutes) < 60
            and 0 <= value <= 1440):
        raise ValueError(text)
    return value


def problems(hours: dict) -> list[str]:
    """Human-readable problems with an opening-hours object (empty when valid), in the
    request's language."""
    if not isinstance(hours, dict):
        return [translate(N_("must be an object"))]
    unknown = set(hours) - {"always", "weekly", "closed_dates"}
    found = [translate(N_("unknown key %(key)s"), {"key": key}) for key in sorted(unknown)]
    closed = hours.get("closed_dates", [])
    if not isinstance(closed, list):
        return found + [translate(N_("closed_dates must be a list of YYYY-MM-DD dates"))]
    for day in closed:
        try:
            if not (isinstance(day, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day)):
                raise ValueError(day)
            datetime.strptime(day, "%Y-%m-%d")
        except (ValueError, TypeError):
            found.append(translate(N_("bad closed date %(day)s"), {"day": repr(day)}))
    if "always" in hours and hours["always"] is not True:
        found.append(translate(N_('give {"always": true}, a "weekly" object, or {} when the '
                                  'hours are unknown')))
    if "weekly" not in hours:  # always open, or unknown hours; a week given is checked
        return found
    weekly = hours.get("weekly")
    if not isinstance(weekly, dict) or not weekly:
        return found + [translate(N_('give {"always": true}, a "weekly" object, or {} when the '
                                     'hours are unknown'))]
    for day, ranges in weekly.items():
        if day not in DAYS:
            found.append(translate(N_("unknown weekday %(day)s"), {"day": day}))
            continue
        if not isinstance(ranges, list):
            found.append(translate(N_("%(day)s must be a list of [open, close] pairs"),
                                   {"day": day}))
            continue
        for pair in ranges:
            try:
                start, end = (_minutes(part) for part in pair)
                if len(pair) != 2 or start == end or start == 1440:
                    raise ValueError
            except (ValueError, TypeError, AttributeError):
                found.append(translate(N_('%(day)s: bad range %(pair)s (use ["HH:MM", "HH:MM"])'),
                                       {"day": day, "pair": repr(pair)}))
    return found


_TIME = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
# the shape above as the OpenAPI document states it; what it cannot state (a range opens and
# closes at different times, never opens at 24:00) is the field's domain rule
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "always": {"type": "boolean", "enum": [True]},
        "weekly": {"type": "object", "additionalProperties": False, "minProperties": 1,
                   "properties": {day: {"type": "array", "items": {
                       "type": "array", "minItems": 2, "maxItems": 2,
                       "items": {"type": "string", "pattern": _TIME}}} for day in DAYS}},
        "closed_dates": {"type": "array", "items": {"type": "string", "format": "date"}},
    },
}


def week_mask(hours: dict) -> int | None:
    """Bit m of the result is set when the station is open at minute m of the week (Mon 00:00
    = 0); None means always open."""
    if hours.get("always") is True:
        return None
    mask = 0
    for day, ranges in hours["weekly"].items():
        base = DAYS.index(day) * 1440
        for start_text, end_text in ranges:
            start, end = _minutes(start_text), _minutes(end_text)
            length = end - start if end > start else 1440 - start + end
            first = base + start
            for minute in range(first, first + length):
                mask |= 1 << (minute % MINUTES_PER_WEEK)
    return mask


def mask_to_bytes(mask: int | None) -> bytes | None:
    return None if mask is None else mask.to_bytes(MINUTES_PER_WEEK // 8, "little")


class Moment:
    """One instant as opening hours see it: the Shanghai date and the minute of the week.

    Computed once per request so that checking each station is a bit test, not a time-zone
    conversion."""

    __slots__ = ("date", "minute")

    def __init__(self, when: datetime) -> None:
        local = when.astimezone(SHANGHAI)
        self.date = local.strftime("%Y-%m-%d")
        self.minute = local.weekday() * 1440 + local.hour * 60 + local.minute

    def is_open(self, mask_bytes: bytes | None, closed_dates: str | None) -> bool | None:
        """closed_dates is a comma-joined string of YYYY-MM-DD dates; None: unknown hours
        (UNKNOWN_MASK) on a day not closed."""
        if closed_dates and self.date in closed_dates:
            return False
        if mask_bytes is None:
            return True
        if not mask_bytes:
            return None
        minute = self.minute
        return bool(mask_bytes[minute >> 3] >> (minute & 7) & 1)


def is_open(mask_bytes: bytes | None, closed_dates: str | None, when: datetime) -> bool | None:
    """Open at `when` (any tz) in Asia/Shanghai."""
    return Moment(when).is_open(mask_bytes, closed_dates)


def open_at(hours: dict, when: datetime) -> bool | None:
    """`is_open` of these (valid) hours at `when`, without building the week's bitmap: what a
    station detail or a list row asks once per station (None: unknown hours)."""
    moment = Moment(when)
    closed = ",".join(hours.get("closed_dates", []) or [])
    if closed and moment.date in closed:
        return False
    if hours.get("always") is True:
        return True
    if not known(hours):
        return None
    for day, ranges in hours["weekly"].items():
        base = DAYS.index(day) * 1440
        for start_text, end_text in ranges:
            start, end = _minutes(start_text), _minutes(end_text)
            length = end - start if end > start else 1440 - start + end
            if (moment.minute - base - start) % MINUTES_PER_WEEK < length:
                return True
    return False


# --- an opening-hours cell of an import, as officers write it -------------------------------

ALWAYS_WORDS = ("24h", "24小时", "24 小时", "全天", "全天开放", "always", "24/7")
CLOSED_WORDS = ("休息", "不开放", "闭馆", "关闭", "closed")
_DAY = (r"(?:周|星期|礼拜)[一二三四五六日天]|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?"
        r"|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?")
_GROUPS = {"每天": DAYS, "每日": DAYS, "daily": DAYS, "every day": DAYS, "工作日": DAYS[:5],
           "weekdays": DAYS[:5], "周末": DAYS[5:], "weekends": DAYS[5:], "weekend": DAYS[5:]}
_CHINESE_DAYS = "一二三四五六日"
_FULL_WIDTH = str.maketrans({"：": ":", "－": "-", "—": "-", "–": "-", "~": "-", "～": "-",
                             "至": "-", "到": "-", "，": ",", "、": ",", "；": ";", "\n": ";",
                             "\r": ";", "\u3000": " "})


def _day_index(token: str) -> int:
    if token[-1] in _CHINESE_DAYS or token[-1] == "天":
        return _CHINESE_DAYS.index(token[-1].replace("天", "日"))
    return DAYS.index(token[:3])


def _days(spec: str) -> list[str]:
    """`周一-周五`, `sat,sun`, `周一-周三,周五` → day codes; ValueError when unreadable."""
    found: list[str] = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        if item in _GROUPS:
            found += _GROUPS[item]
            continue
        ends = [end.strip() for end in item.split("-")]
        if len(ends) > 2 or not all(re.fullmatch(_DAY, end) for end in ends):
            raise ValueError(item)
        first, last = _day_index(ends[0]), _day_index(ends[-1])
        found += [DAYS[(first + step) % 7] for step in range((last - first) % 7 + 1)]
    return found


def _time(text: str) -> str:
    hours_text, minutes_text = text.split(":")
    if not (1 <= len(hours_text) <= 2 and len(minutes_text) == 2):
        raise ValueError(text)
    return f"{int(hours_text):02d}:{minutes_text}"


def _ranges(text: str) -> list[list[str]]:
    """`08:00-12:00, 14:00-18:00` (or 全天) → [["08:00", "12:00"], ["14:00", "18:00"]]."""
    if text in ALWAYS_WORDS:
        return [["00:00", "24:00"]]
    found = []
    for item in re.split(r"[,\s]+", text.strip()):
        ends = [end.strip() for end in item.split("-")]
        if len(ends) != 2:
            raise ValueError(item)
        found.append([_time(end) for end in ends])
    if not found:
        raise ValueError(text)
    return found


def from_cell(cell: str) -> dict:
    """Opening hours from an import cell: blank → {} (unknown), 24h → always open, a JSON
    object as the API takes it, or text such as `周一至周五 08:00-20:00；周六 休息` /
    `mon-fri 08:00-20:00; sat-sun 09:00-17:00` (days default to every day; a later part
    overrides an earlier one for its days). ValueError when the cell is none of these; the
    answer still goes through `problems` (times out of range …)."""
    text = cell.strip()
    if text == "":
        return {}
    if text.lower() in ALWAYS_WORDS:
        return {"always": True}
    if text.startswith("{"):
        value = json.loads(text)  # JSONDecodeError is a ValueError
        if not isinstance(value, dict):
            raise ValueError(text)
        return value
    weekly: dict[str, list[list[str]]] = {}
    for part in filter(None, (p.strip() for p in text.translate(_FULL_WIDTH).split(";"))):
        part = part.lower()
        match = re.match(rf"^((?:{_DAY}|{'|'.join(_GROUPS)})(?:\s*[-,]\s*(?:{_DAY}|"
                         rf"{'|'.join(_GROUPS)}))*)\s*(.*)$", part)
        days, rest = (_days(match.group(1)), match.group(2)) if match else (list(DAYS), part)
        rest = rest.strip().lstrip(":").strip()
        ranges = [] if rest in CLOSED_WORDS else _ranges(rest)
        for day in days:
            if ranges:
                weekly[day] = ranges
            else:
                weekly.pop(day, None)
    if not weekly:
        raise ValueError(text)
    return {"weekly": {day: weekly[day] for day in DAYS if day in weekly}}


# --- today's hours as a card shows them ---------------------------------------------------

def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def day_ranges(mask_bytes: bytes, weekday: int) -> list[tuple[int, int, bool]]:
    """(start, end, ends the next day) minute ranges of the day `weekday` (0 = Monday) in a
    week bitmap; a range open at midnight runs on into the next day's first range."""
    week = int.from_bytes(mask_bytes, "little")
    day = week >> (weekday * 1440) & ((1 << 1440) - 1)
    after = week >> (((weekday + 1) % 7) * 1440) & ((1 << 1440) - 1)
    ranges, minute = [], 0
    while minute < 1440:
        if not day >> minute & 1:
            minute += 1
            continue
        start = minute
        while minute < 1440 and day >> minute & 1:
            minute += 1
        end, next_day = minute, False
        if end == 1440 and start > 0 and after & 1:
            end, next_day = 0, True
            while end < 1440 and after >> end & 1:
                end += 1
            if end == 1440:  # open through the next day: say until midnight
                end, next_day = 1440, False
        ranges.append((start, end, next_day))
    return ranges


# (Chinese, English) wordings of today's hours
TODAY = {
    "open": ("今天 %s", "Today %s"),
    "always": ("今天 24 小时营业", "Open 24 hours today"),
    "closed": ("今天休息", "Closed today"),
    "unknown": ("营业时间未知", "Opening hours unknown"),
    "next_day": ("次日%s", "%s next day"),
    "separator": ("、", ", "),
}


def today_text(mask_bytes: bytes | None, closed_today: bool, weekday: int,
               english: bool = False) -> str:
    """Today's hours as text: `mask_bytes` is the week bitmap (None: always open,
    UNKNOWN_MASK: unknown hours); `closed_today` when today is a closed date."""
    say = 1 if english else 0
    if closed_today:
        return TODAY["closed"][say]
    if mask_bytes is None:
        return TODAY["always"][say]
    if not mask_bytes:
        return TODAY["unknown"][say]
    ranges = day_ranges(mask_bytes, weekday)
    if not ranges:
        return TODAY["closed"][say]
    if ranges == [(0, 1440, False)]:
        return TODAY["always"][say]
    parts = [f"{_clock(start)}–" + (TODAY["next_day"][say] % _clock(end) if next_day
                                    else _clock(end))
             for start, end, next_day in ranges]
    return TODAY["open"][say] % TODAY["separator"][say].join(parts)
