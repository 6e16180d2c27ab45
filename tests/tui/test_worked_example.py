"""The worked example in TESTING.md, kept here so the document cannot drift from the app."""

from __future__ import annotations

from collections.abc import Callable

from kapjournal.journal import Journal
from kapjournal.tui.app import KapJournalApp
from tests.tui.conftest import unlock


async def test_check_in(make_app: Callable[..., KapJournalApp], existing_journal: Journal) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)  # now on HomeScreen
        await pilot.press("c")  # check in
        await pilot.pause()  # screen switches are deferred in Textual 8
        await pilot.press("7", "down", "3", "enter")
        await pilot.pause()
        assert app.journal is not None
        (checkin,) = app.journal.checkins()  # what was stored
        assert (checkin.mood, checkin.anxiety) == (7, 3)
        assert "mood 7" in str(app.screen.query_one("#last-checkin").content)  # what is shown
