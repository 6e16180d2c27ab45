"""Mood and score trends over time, for the TUI and the summary alike.

Pure: nothing here reads the clock; ``today`` is passed in. A check-in belongs to the calendar
day of its timestamp in ``tz``, the patient's current zone, which every screen and export passes,
so "today", a period and a chart agree wherever the patient is; without ``tz`` (a bare call), the
offset it was written with. Gaps stay gaps (None): a missing day is never filled in, because a
line drawn through silence looks like data. Records dated outside 1900-2100 are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from kapjournal import dates, measures
from kapjournal.records import Assessment, CheckIn, DosingSession

BLOCKS = "▁▂▃▄▅▆▇█"
SESSION_MARK = "▲"
WEEK = 7


def day_of(moment: datetime, tz: tzinfo | None = None) -> date:
    """The calendar day a moment belongs to: in its own offset, or in ``tz`` when given."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return (dates.in_zone(moment, tz) if tz is not None else moment).date()


def _mean(values: Iterable[float]) -> float | None:
    vals = list(values)
    return sum(vals) / len(vals) if vals else None


def _daily_means(
    checkins: Iterable[CheckIn], field: str = "mood", tz: tzinfo | None = None
) -> dict[date, float]:
    """Mean of a check-in field per day, for days with at least one value."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for c in checkins:
        value = getattr(c, field)
        if value is not None and dates.in_bounds(c.created):
            by_day[day_of(c.created, tz)].append(value)
    return {d: sum(v) / len(v) for d, v in by_day.items()}


def _days(start: date, end: date) -> list[date]:
    if end < start:
        raise ValueError("the end of a range cannot be before its start")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass(frozen=True, slots=True)
class DailySeries:
    """One value (or None) per calendar day from ``start`` to ``end`` inclusive."""

    start: date
    values: tuple[float | None, ...]

    @property
    def end(self) -> date:
        return self.start + timedelta(days=len(self.values) - 1)

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=i) for i in range(len(self.values)))

    def get(self, day: date) -> float | None:
        """The value on ``day``, None when outside the range or a gap."""
        i = (day - self.start).days
        return self.values[i] if 0 <= i < len(self.values) else None


def daily_series(
    checkins: Iterable[CheckIn],
    start: date,
    end: date,
    *,
    field: str = "mood",
    tz: tzinfo | None = None,
) -> DailySeries:
    """Daily mean of ``field`` (mood, anxiety or energy) over ``start``..``end``; gaps are None."""
    if field not in ("mood", "anxiety", "energy"):
        raise ValueError("field must be mood, anxiety or energy")
    means = _daily_means(checkins, field, tz)
    return DailySeries(start, tuple(means.get(d) for d in _days(start, end)))


def rolling_mean(
    values: Sequence[float | None], window: int = WEEK, min_days: int = 1
) -> tuple[float | None, ...]:
    """Trailing mean: for each day, the mean of the days with data among it and the 6 before.

    None where the window holds fewer than ``min_days`` days with data (default 1, so a lone
    check-in still shows; pass e.g. 4 to demand most of a week). Days before the series starts
    count as gaps, so the first values average fewer days.
    """
    if window < 1 or not 1 <= min_days <= window:
        raise ValueError("window must be at least 1 and min_days between 1 and window")
    out: list[float | None] = []
    for i in range(len(values)):
        present = [v for v in values[max(0, i - window + 1) : i + 1] if v is not None]
        out.append(sum(present) / len(present) if len(present) >= min_days else None)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class SessionResponse:
    """Mood around one session: the week before against the same day and days after.

    ``before`` is the mean of daily means over the 7 days before the session day plus any
    check-ins on the session day written before the session began. ``same_day`` counts only
    check-ins from the session's start onwards. Each value is None when there is no check-in.
    """

    session_id: str
    number: int
    day: date
    before: float | None
    same_day: float | None
    day1: float | None
    day3: float | None
    day7: float | None

    def after(self, offset: int) -> float | None:
        """The mean on day +``offset`` (0, 1, 3 or 7)."""
        return {0: self.same_day, 1: self.day1, 3: self.day3, 7: self.day7}[offset]

    def change(self, offset: int) -> float | None:
        """Day +``offset`` minus the week before; None if either is missing."""
        later = self.after(offset)
        return None if later is None or self.before is None else later - self.before


def session_response(
    checkins: Sequence[CheckIn],
    session: DosingSession,
    *,
    before_days: int = WEEK,
    field: str = "mood",
    tz: tzinfo | None = None,
) -> SessionResponse:
    """How mood moved around one session (windows of nearby sessions may overlap)."""
    day = day_of(session.when, tz)
    if not dates.in_bounds(day):
        return SessionResponse(session.id, session.number, day, None, None, None, None, None)
    earlier: list[CheckIn] = []
    later: list[CheckIn] = []
    for c in checkins:
        if day_of(c.created, tz) == day:
            (earlier if c.created < session.when else later).append(c)
    pre_day = [c for c in earlier if getattr(c, field) is not None]
    means = _daily_means(checkins, field, tz)
    before_vals = [
        means[d]
        for d in _days(day - timedelta(days=before_days), day - timedelta(days=1))
        if d in means
    ]
    if pre_day:
        before_vals.append(sum(getattr(c, field) for c in pre_day) / len(pre_day))
    same = _mean(getattr(c, field) for c in later if getattr(c, field) is not None)
    return SessionResponse(
        session_id=session.id,
        number=session.number,
        day=day,
        before=_mean(before_vals),
        same_day=same,
        day1=means.get(day + timedelta(days=1)),
        day3=means.get(day + timedelta(days=3)),
        day7=means.get(day + timedelta(days=7)),
    )


def session_responses(
    checkins: Sequence[CheckIn],
    sessions: Iterable[DosingSession],
    *,
    field: str = "mood",
    tz: tzinfo | None = None,
) -> list[SessionResponse]:
    """One :class:`SessionResponse` per session, in time order."""
    ordered = sorted(sessions, key=lambda s: s.when)
    return [session_response(checkins, s, field=field, tz=tz) for s in ordered]


@dataclass(frozen=True, slots=True)
class WeekChange:
    """The first week with check-ins against the latest week, as means of daily means."""

    first_start: date | None
    first_week: float | None
    last_end: date
    last_week: float | None

    @property
    def change(self) -> float | None:
        if self.first_week is None or self.last_week is None:
            return None
        return self.last_week - self.first_week


def change_since_first_week(
    checkins: Iterable[CheckIn],
    today: date,
    *,
    field: str = "mood",
    tz: tzinfo | None = None,
) -> WeekChange:
    """Mean of the 7 days from the first day with data against the 7 days ending ``today``.

    The last week is None until it no longer overlaps the first (14 days in), so the two
    numbers always describe different days.
    """
    means = {d: v for d, v in _daily_means(checkins, field, tz).items() if d <= today}
    if not means:
        return WeekChange(None, None, today, None)
    first = min(means)
    first_week = _mean(
        means[d] for d in _days(first, first + timedelta(days=WEEK - 1)) if d in means
    )
    last_start = today - timedelta(days=WEEK - 1)
    last_week = None
    if last_start > first + timedelta(days=WEEK - 1):
        last_week = _mean(means[d] for d in _days(last_start, today) if d in means)
    return WeekChange(first, first_week, today, last_week)


@dataclass(frozen=True, slots=True)
class ScorePoint:
    """One questionnaire score in time, recomputed from its answers."""

    when: datetime
    score: int
    band: str
    band_label: str
    flags: tuple[str, ...]
    assessment_id: str


def score_series(assessments: Iterable[Assessment], instrument_id: str) -> list[ScorePoint]:
    """Scores of one instrument in time order; each is recomputed from the stored answers."""
    out = []
    for a in assessments:
        if a.instrument != instrument_id or not dates.in_bounds(a.created):
            continue
        s = measures.rescore(a)
        out.append(ScorePoint(a.created, s.score, s.band, s.band_label, s.flags, a.id))
    return sorted(out, key=lambda p: p.when)


def sparkline(values: Sequence[float | None], lo: float = 0, hi: float = 10) -> str:
    """One block character per value scaled from ``lo`` to ``hi``; a space for each gap."""
    if hi <= lo:
        raise ValueError("hi must be above lo")
    top = len(BLOCKS) - 1
    chars = []
    for v in values:
        if v is None:
            chars.append(" ")
        else:
            step = round((v - lo) / (hi - lo) * top)
            chars.append(BLOCKS[min(top, max(0, step))])
    return "".join(chars)


def session_positions(
    sessions: Iterable[DosingSession], start: date, end: date, *, tz: tzinfo | None = None
) -> tuple[int, ...]:
    """Column (day index from ``start``) of each session between ``start`` and ``end``."""
    _days(start, end)
    found = {(day_of(s.when, tz) - start).days for s in sessions if dates.in_bounds(s.when)}
    return tuple(sorted(i for i in found if 0 <= i <= (end - start).days))


def marker_line(positions: Iterable[int], width: int, mark: str = SESSION_MARK) -> str:
    """A line as wide as a sparkline with ``mark`` under each session's day."""
    cells = [" "] * width
    for p in positions:
        if 0 <= p < width:
            cells[p] = mark
    return "".join(cells)
