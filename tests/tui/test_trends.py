"""Trends: the mood chart with sessions marked, score changes, mood around sessions, no data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta

from kapjournal.journal import Journal
from kapjournal.records import CheckIn, DosingSession
from kapjournal.tui.app import KapJournalApp
from kapjournal.tui.widgets.chart import MoodChart
from tests.conftest import FrozenClock
from tests.tui.conftest import unlock
from tests.tui.sample import sample_journal_fixture  # noqa: F401


async def test_trends_with_data(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "TrendsScreen"
        chart = screen.query_one("#mood-chart", MoodChart)
        assert chart.display and len(chart.daily) == 56
        lines = chart.text.splitlines()
        axis = next(line for line in lines if "└" in line)
        assert axis.count("▲") == 4
        assert "•" in chart.text and "─" in chart.text
        assert lines[-1].strip().endswith("2 Nov")
        scores = str(screen.query_one("#scores").content)
        assert "PHQ-9   5 · mild" in scores
        assert "down 3 since the one before (8): within the usual ups and downs" in scores
        assert "first 15 on" in scores and "4 times" in scores
        assert "GAD-7   4 · minimal" in scores
        assert not any(line.startswith("PCL-5") for line in scores.splitlines())
        table = str(screen.query_one("#session-response").content)
        assert "Session 1" in table and "Session 4" in table
        assert "Compared with the week before, on average: " in table
        assert "not a validated measure" in str(screen.query_one("#trends-disclaimer").content)


async def test_trends_without_data_explains_what_will_appear(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("trends")
        await pilot.pause()
        screen = app.screen
        assert not screen.query_one("#mood-chart").display
        assert "No check-ins" in str(screen.query_one("#mood-empty").content)
        assert "No questionnaires yet" in str(screen.query_one("#scores").content)
        assert "No sessions logged yet" in str(screen.query_one("#session-response").content)


def _table_lines(app: KapJournalApp) -> list[str]:
    return str(app.screen.query_one("#session-response").content).splitlines()


async def test_mood_around_sessions_values_sit_under_their_headings(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("trends")
        await pilot.pause()
        header, *rows = _table_lines(app)
        rows = [r for r in rows if r.startswith("Session")]
        assert len(rows) == 4
        for heading in ("week before", "same day", "day 1", "day 3", "day 7"):
            end = header.index(heading) + len(heading)
            for row in rows:
                assert row[end - 1] != " ", (heading, row)  # a value (or ·) ends right there
                assert end == len(row) or row[end] == " ", (heading, row)


async def test_a_day_one_check_in_shows_even_without_a_week_before(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal, clock: FrozenClock
) -> None:
    """The first session often has no check-ins before it; its day 1 is still shown."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        journal = app.journal
        assert journal is not None
        today = clock.now
        clock.now = today - timedelta(days=3)
        journal.add(DosingSession, when=clock.now, route="im")
        # Day 1, 21:00 where the patient lives, written down with a UTC offset (02:00 next day).
        day1 = (today - timedelta(days=2)).replace(hour=21, minute=0).astimezone(UTC)
        clock.now = day1
        journal.add(CheckIn, mood=7)
        clock.now = today
        app.open("trends")
        await pilot.pause()
        header, row = _table_lines(app)[:2]
        end = header.index("day 1") + len("day 1")
        assert row[end - 3 : end] == "7.0"
        assert row[header.index("week before") + len("week before") - 1] == "·"
