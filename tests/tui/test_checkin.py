"""Check-in: keys set the scales, enter saves, home shows it; esc and a missing mood save nothing."""

from __future__ import annotations

from collections.abc import Callable

from kapjournal.journal import Journal
from kapjournal.tui.app import KapJournalApp
from kapjournal.tui.widgets.scale import Scale
from tests.tui.conftest import unlock


async def test_check_in_with_keys_is_saved_and_shown_on_home(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert type(app.screen).__name__ == "CheckInScreen"
        assert "not a clinical measure" in str(app.screen.query_one("#scale-hint").content)
        await pilot.press("7", "down", "1", "0", "down", "right", "right", "left")
        assert app.screen.query_one("#mood", Scale).value == 7
        assert app.screen.query_one("#anxiety", Scale).value == 10
        assert app.screen.query_one("#energy", Scale).value == 5
        await pilot.press("down", *"slept [well]", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        last = str(app.screen.query_one("#last-checkin").content)
        assert "mood 7 · anxiety 10 · energy 5" in last and '"slept [well]"' in last
        assert any("Checked in" in (n.title or "") for n in app._notifications)
    reopened = Journal.unlock(existing_journal.path, "correct horse battery staple")
    (checkin,) = reopened.checkins()
    assert (checkin.mood, checkin.anxiety, checkin.energy) == (7, 10, 5)
    assert checkin.note == "slept [well]" and checkin.context == "daily"
    reopened.lock()


async def test_enter_without_a_mood_asks_for_one(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")
        assert "Choose a mood" in str(app.screen.query_one("#checkin-error").content)
        assert app.journal is not None and app.journal.checkins() == []
        await pilot.press("right", "plus")
        assert app.screen.query_one("#mood", Scale).value == 10
        await pilot.press("home", "3")
        await pilot.click("#save")
        await pilot.pause()
        assert [c.mood for c in app.journal.checkins()] == [3]
        assert app.journal.checkins()[0].anxiety is None


async def test_escape_cancels_and_saves_nothing(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.open("checkin", context="after-session", session_id="s1")
        await pilot.pause()
        assert "After your session" in str(app.screen.query_one("#box").border_title)
        await pilot.press("5", "escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.journal is not None and app.journal.checkins() == []
