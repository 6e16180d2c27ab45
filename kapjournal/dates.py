"""Dates and times from outside, checked and made into aware instants. Pure: no clock, no files.

Every date that enters kapjournal (an option on the command line, an imported entry, a form in the
app) passes through here. It must fall between 1900 and 2100: outside that a date is a typo, and
the far ends of Python's calendar overflow as soon as they are moved to another time zone.

A wall time the patient types is made an instant by the rules of their time zone, daylight saving
included, as PEP 495 and the ``zoneinfo`` docs describe:

- a wall time that happens twice (the clocks go back) is the first of the two (``fold=0``);
- a wall time that never happens (the clocks go forward) is moved forward by the gap, with a note:
  02:30 on the night the clocks jump from 02:00 to 03:00 is taken as 03:30. Moving forward is what
  ``fold=0`` means for a gap, and it keeps the calendar day even where the jump is at midnight;
  moving back (the C library's mktime does) stores it an hour early, on the day before there.

``LOCAL`` is the system's time zone as a ``tzinfo`` with its daylight-saving rules, so a summer
day seen in winter is still the summer day; ``datetime.now().astimezone()`` only knows today's
offset.
"""

from __future__ import annotations

import os
import time as _time
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from kapjournal.errors import RecordError

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
BOUNDS = f"between {EARLIEST.year} and {LATEST.year}"
_DAY = 86_400
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H.%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S")


class DateError(RecordError):
    """A date that cannot be read, or lies outside 1900-2100."""


# --- the bounds ----------------------------------------------------------------------------------


def in_bounds(value: date | datetime) -> bool:
    """Whether a day, or an aware moment (on its own calendar), lies between 1900 and 2100."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return False
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST


def check(value: date | datetime, what: str = "the date") -> None:
    """Raise :class:`DateError` unless ``value`` is in bounds (and aware, for a moment)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        raise DateError(f"{what} has no time zone")
    if not in_bounds(value):
        shown = value.date() if isinstance(value, datetime) else value
        raise DateError(f"{what} must be {BOUNDS}, not {shown.isoformat()}")


def in_zone(moment: datetime, zone: tzinfo | None) -> datetime:
    """``moment`` seen in ``zone``; as stored when moving it would fall off the calendar (a
    year-1 time west of UTC, a year-9999 one east of it: only a damaged or very old record)."""
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        return moment


# --- reading what was typed ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class When:
    """An instant read from a wall time, and a note when daylight saving moved it."""

    moment: datetime
    note: str = ""


def _shown(text: str) -> str:
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def parse_day(text: str, what: str = "the date") -> date:
    """A day written YYYY-MM-DD, between 1900 and 2100."""
    try:
        day = date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise DateError(f"cannot read {what} {_shown(text)}; write it like 2026-11-25")
    check(day, what)
    return day


def parse_when(
    text: str,
    zone: tzinfo | None = None,
    *,
    default_time: time = time(9, 0),
    what: str = "the date",
) -> When:
    """A day, or a day and a time, as typed: a wall time in ``zone`` (default: the system's).

    An explicit offset (``2026-11-25T14:30+01:00``) is taken as written.
    """
    zone = zone or LOCAL
    flat = " ".join(text.split())
    naive: datetime | None = None
    if len(flat) == 10:
        naive = datetime.combine(parse_day(flat, what), default_time)
    else:
        for fmt in _FORMATS:
            try:
                naive = datetime.strptime(flat, fmt)
                break
            except ValueError:
                continue
        if naive is None:
            try:
                parsed = datetime.fromisoformat(flat)
            except ValueError:
                parsed = None
            if parsed is None or parsed.tzinfo is None:
                raise DateError(
                    f"cannot read {what} {_shown(text)}; write it like 2026-11-25 or "
                    "'2026-11-25 14:30'"
                )
            check(parsed, what)
            return When(parsed)
    check(naive.date(), what)
    return localize(naive, zone)


def localize(naive: datetime, zone: tzinfo | None = None) -> When:
    """The instant a wall time names in ``zone``: the first of two, or moved past a gap."""
    zone = zone or LOCAL
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return When(first)
    back = first.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) == naive:
        return When(
            first,
            f"{naive:%H:%M} happens twice on {naive:%-d %b %Y} (the clocks go back); "
            "taken as the first",
        )
    return When(
        back,
        f"{naive:%H:%M} does not exist on {naive:%-d %b %Y} (the clocks go forward); "
        f"taken as {back:%H:%M}",
    )


def imported(value: datetime, zone: tzinfo | None, what: str = "the date") -> datetime:
    """A time from another program: a wall time is read in ``zone`` (default: the system's), an
    aware one is moved to ``zone``; either must lie between 1900 and 2100 first."""
    check(value.date() if value.tzinfo is None else value, what)
    if value.tzinfo is None:
        return localize(value, zone).moment
    return value.astimezone(zone or LOCAL)


# --- the system's time zone ----------------------------------------------------------------------


_ZONEINFO: dict[str | None, tzinfo | None] = {}


def _system_zoneinfo() -> tzinfo | None:
    """The system's zone as a ``zoneinfo`` zone (its C code is many times faster than asking
    ``localtime`` per instant), or None when it cannot be named; looked up again if TZ changes."""
    key = os.environ.get("TZ")
    if key in _ZONEINFO:
        return _ZONEINFO[key]
    zone: tzinfo | None = None
    try:
        from zoneinfo import ZoneInfo

        name = key[1:] if key and key.startswith(":") else key
        if name and not name.startswith("/"):
            zone = ZoneInfo(name)
        else:
            with open(name or "/etc/localtime", "rb") as fh:
                zone = ZoneInfo.from_file(fh)
    except Exception:  # an odd TZ string, no tzdata: the localtime path below still works
        zone = None
    _ZONEINFO[key] = zone
    return zone


def _offset_at(timestamp: float) -> timedelta:
    return timedelta(seconds=_time.localtime(timestamp).tm_gmtoff)


@lru_cache(maxsize=2048)
def _local_offsets(wall: datetime) -> tuple[timedelta, timedelta]:
    """The offsets (fold 0, fold 1) of a naive wall time under the system's rules."""
    base = wall.replace(tzinfo=UTC).timestamp()
    before, after = _offset_at(base - _DAY), _offset_at(base + _DAY)
    if before == after:
        return before, before
    valid = [off for off in (before, after) if _offset_at(base - off.total_seconds()) == off]
    if len(valid) == 1:
        return valid[0], valid[0]
    return before, after  # twice (both valid) or never (neither): PEP 495's answer either way


class LocalZone(tzinfo):
    """The system's time zone with its daylight-saving rules (like dateutil's tzlocal)."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return _offset_at(_time.time())
        zone = _system_zoneinfo()
        if zone is not None:
            offset = zone.utcoffset(dt.replace(tzinfo=zone))
            if offset is not None:
                return offset
        offsets = _local_offsets(dt.replace(tzinfo=None, fold=0))
        return offsets[dt.fold]

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        if dt is None:
            return _time.localtime().tm_zone
        stamp = (dt.replace(tzinfo=None) - self.utcoffset(dt)).replace(tzinfo=UTC).timestamp()
        return _time.localtime(stamp).tm_zone

    def fromutc(self, dt: datetime) -> datetime:
        zone = _system_zoneinfo()
        if zone is not None:
            return zone.fromutc(dt.replace(tzinfo=zone)).replace(tzinfo=self)
        offset = _offset_at(dt.replace(tzinfo=UTC).timestamp())
        local = (dt + offset).replace(fold=0)
        if self.utcoffset(local) != offset:
            local = local.replace(fold=1)
        return local

    def __repr__(self) -> str:
        return "kapjournal.dates.LOCAL"

    def __reduce__(self) -> str:
        return "LOCAL"


LOCAL = LocalZone()


def for_many(zone: tzinfo | None) -> tzinfo | None:
    """``zone`` for moving many instants: the system zone's ``zoneinfo`` rules when ``zone`` is
    :data:`LOCAL` and they can be named (the same local times, without a Python call per instant)."""
    if zone is LOCAL:
        return _system_zoneinfo() or zone
    return zone
