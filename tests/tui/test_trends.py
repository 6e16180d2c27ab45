"""Trends: the mood chart with sessions marked, score changes, mood around sessions, no data."""

from __future__ import annotations

from collections.abc import Callable

from kapjournal.journal import Journal
from kapjournal.tui.app import KapJournalApp
from kapjournal.tui.widgets.chart import MoodChart
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
        assert "After sessions, on average: mood" in table
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
