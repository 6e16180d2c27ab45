"""Trends on fixed data: daily series, rolling means, per-session response, sparklines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from kapjournal import trends
from kapjournal.measures import new_assessment
from kapjournal.records import CheckIn, DosingSession

D0 = date(2026, 11, 1)


def at(day: int, hour: int = 9, tz: timezone = UTC) -> datetime:
    """A moment on day ``day`` after D0."""
    d = D0 + timedelta(days=day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=tz)


_n = 0


def ci(day: int, mood: int, hour: int = 9, **kw: object) -> CheckIn:
    global _n
    _n += 1
    t = at(day, hour)
    return CheckIn(f"c{_n}", t, t, mood=mood, **kw)  # type: ignore[arg-type]


def session(day: int, hour: int = 10, number: int = 1, sid: str = "s1") -> DosingSession:
    t = at(day, hour)
    return DosingSession(sid, t, t, when=t, number=number)


# --- daily series ------------------------------------------------------------------------------


def test_daily_series_keeps_gaps_and_averages_several_a_day() -> None:
    data = [ci(0, 4), ci(0, 6, hour=20), ci(2, 7), ci(5, 3)]
    s = trends.daily_series(data, D0, D0 + timedelta(days=5))
    assert s.values == (5.0, None, 7.0, None, None, 3.0)
    assert s.end == D0 + timedelta(days=5)
    assert s.get(D0 + timedelta(days=2)) == 7.0 and s.get(D0 - timedelta(days=1)) is None


def test_daily_series_ignores_checkins_outside_the_range() -> None:
    s = trends.daily_series([ci(-1, 9), ci(1, 2), ci(9, 9)], D0, D0 + timedelta(days=2))
    assert s.values == (None, 2.0, None)


def test_daily_series_of_an_optional_field_skips_missing_values() -> None:
    data = [ci(0, 5, anxiety=8), ci(0, 5), ci(1, 5)]
    s = trends.daily_series(data, D0, D0 + timedelta(days=1), field="anxiety")
    assert s.values == (8.0, None)


def test_checkin_day_is_its_own_local_day_unless_tz_given() -> None:
    late = datetime(2026, 11, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # 04:30 UTC on 2nd
    c = CheckIn("late", late, late, mood=6)
    own = trends.daily_series([c], D0, D0 + timedelta(days=1))
    in_utc = trends.daily_series([c], D0, D0 + timedelta(days=1), tz=UTC)
    assert own.values == (6.0, None)
    assert in_utc.values == (None, 6.0)


def test_empty_range_is_refused() -> None:
    with pytest.raises(ValueError):
        trends.daily_series([], D0, D0 - timedelta(days=1))


# --- rolling mean ------------------------------------------------------------------------------


def test_rolling_mean_uses_available_days_in_trailing_week() -> None:
    values = [2.0, None, 4.0, None, None, None, None, None, None, 8.0]
    out = trends.rolling_mean(values)
    assert out[0] == 2.0  # first day: only itself
    assert out[2] == 3.0  # mean of 2 and 4; the gap is not a zero
    assert out[6] == 3.0  # day 6 still sees day 0
    assert out[7] == 4.0  # day 0 has left the window
    assert out[8] == 4.0  # days 2..8: only day 2 has data
    assert out[9] == 8.0


def test_rolling_mean_is_none_when_window_is_empty_or_too_thin() -> None:
    values = [5.0] + [None] * 8
    assert trends.rolling_mean(values)[7] is None
    assert trends.rolling_mean([5.0, 6.0, None], min_days=2) == (None, 5.5, 5.5)
    with pytest.raises(ValueError):
        trends.rolling_mean([1.0], window=3, min_days=4)


# --- per-session response ----------------------------------------------------------------------


def test_one_session_before_and_after_windows() -> None:
    data = [
        ci(-8, 1),  # outside the 7-day window
        ci(-7, 3),
        ci(-3, 5),
        ci(-3, 5, hour=21),
        ci(0, 4, hour=8),  # same day, before the session: counts as before
        ci(0, 7, hour=14),  # same day, after the session
        ci(1, 8),
        ci(3, 6),
        # nothing on day 7
    ]
    r = trends.session_response(data, session(0))
    assert r.day == D0 and r.session_id == "s1" and r.number == 1
    assert r.before == pytest.approx((3 + 5 + 4) / 3)
    assert (r.same_day, r.day1, r.day3, r.day7) == (7.0, 8.0, 6.0, None)
    assert r.change(1) == pytest.approx(8 - 4)
    assert r.change(7) is None


def test_session_with_no_checkins_is_all_none() -> None:
    r = trends.session_response([], session(0))
    assert (r.before, r.same_day, r.day1, r.day3, r.day7) == (None,) * 5
    assert r.change(0) is None


def test_several_sessions_in_time_order_with_their_own_windows() -> None:
    data = [ci(d, 5 + d % 3) for d in range(-7, 20)]
    s2 = session(10, number=2, sid="s2")
    s1 = session(0, number=1, sid="s1")
    out = trends.session_responses(data, [s2, s1])
    assert [r.session_id for r in out] == ["s1", "s2"]
    by_day = {d: 5 + d % 3 for d in range(-7, 20)}
    # the 7 days before, plus the session day's 09:00 check-in written before the 10:00 dose
    assert out[1].before == pytest.approx(sum(by_day[d] for d in range(3, 11)) / 8)
    assert out[1].day7 == by_day[17]
    assert out[0].same_day is None  # the 09:00 check-in came before the 10:00 session


# --- change since the first week ---------------------------------------------------------------


def test_change_since_first_week() -> None:
    data = [ci(d, 3) for d in range(0, 7)] + [ci(d, 7) for d in range(20, 23)]
    wc = trends.change_since_first_week(data, today=D0 + timedelta(days=24))
    assert wc.first_start == D0 and wc.first_week == 3.0 and wc.last_week == 7.0
    assert wc.change == 4.0


def test_change_is_none_while_weeks_overlap_or_without_data() -> None:
    data = [ci(d, 4) for d in range(0, 10)]
    assert trends.change_since_first_week(data, today=D0 + timedelta(days=12)).change is None
    assert trends.change_since_first_week(data, today=D0 + timedelta(days=13)).change == 0.0
    empty = trends.change_since_first_week([], today=D0)
    assert (empty.first_week, empty.last_week, empty.change) == (None, None, None)


def test_change_ignores_checkins_after_today() -> None:
    data = [ci(0, 2), ci(30, 9)]
    wc = trends.change_since_first_week(data, today=D0 + timedelta(days=20))
    assert wc.first_week == 2.0 and wc.last_week is None


# --- scores ------------------------------------------------------------------------------------


def test_score_series_recomputes_from_answers_in_time_order() -> None:
    a2 = new_assessment("a2", at(14), "phq9", [1] * 9)
    a1 = new_assessment("a1", at(0), "phq9", [2] * 9)
    g = new_assessment("g", at(1), "gad7", [0] * 7)
    tampered = a2.__class__(a2.id, a2.created, a2.updated, "phq9", a2.answers, score=0)
    out = trends.score_series([tampered, g, a1], "phq9")
    assert [(p.assessment_id, p.score, p.band) for p in out] == [
        ("a1", 18, "moderately_severe"),
        ("a2", 9, "mild"),
    ]


# --- sparkline and markers ---------------------------------------------------------------------


def test_sparkline_scale_and_gaps() -> None:
    assert trends.sparkline([0, 10, None, 5]) == "▁█ ▅"
    assert trends.sparkline([]) == ""
    assert trends.sparkline([-3, 14]) == "▁█"  # clamped
    assert trends.sparkline([0, 1, 2, 3, 4, 5, 6, 7], lo=0, hi=7) == "▁▂▃▄▅▆▇█"
    with pytest.raises(ValueError):
        trends.sparkline([1], lo=5, hi=5)


def test_session_positions_and_marker_line() -> None:
    sessions = [session(-1, sid="a"), session(2, sid="b"), session(4, sid="c"), session(9, sid="d")]
    pos = trends.session_positions(sessions, D0, D0 + timedelta(days=6))
    assert pos == (2, 4)
    assert trends.marker_line(pos, 7) == "  ▲ ▲  "
    spark = trends.sparkline([5] * 7)
    assert len(trends.marker_line(pos, len(spark))) == len(spark)
