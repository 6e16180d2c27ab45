"""Logging, editing and deleting sessions through the form and the list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from kapjournal.journal import Journal
from kapjournal.records import DosingSession
from kapjournal.tui.app import KapJournalApp
from tests.conftest import T0
from tests.tui.conftest import unlock


async def open_screen(pilot, name: str, **kwargs: object) -> None:
    pilot.app.open(name, **kwargs)
    await pilot.pause()
    await pilot.pause()


async def focus_and_type(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await pilot.press(*text)


async def test_log_a_session_with_the_form(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_screen(pilot, "session_form")
        form = app.screen
        assert type(form).__name__ == "SessionFormScreen"
        assert form.query_one("#session-when").value == "2026-11-02 09:00"  # now, from the clock
        when = form.query_one("#session-when")
        when.value = ""
        await pilot.press(*"2026-11-01 10:")
        assert "like 2026-11-02" in str(form.query_one("#session-when-hint").content)
        await pilot.press("3", "0")
        assert str(form.query_one("#session-when-hint").content) == ""
        form.query_one("#session-route").focus()
        await pilot.press("enter")  # open the list of routes
        await pilot.pause()
        await pilot.press("down", "down", "down", "down", "enter")  # sublingual lozenge
        await pilot.pause()
        assert form.query_one("#session-route").value == "sublingual"
        await focus_and_type(pilot, "#session-dose", "300 mg")
        await focus_and_type(pilot, "#session-support", "Dr. Rivera")
        await focus_and_type(pilot, "#session-intention", "to meet my grief")
        form.query_one("#side-effect-nausea").focus()
        await pilot.press("space")
        form.query_one("#side-effect-dizziness").focus()
        await pilot.press("space")
        await focus_and_type(pilot, "#session-dissociation", "6")
        await focus_and_type(pilot, "#session-bp-before", "128/84")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        (s,) = app.journal.sessions()
    assert s.number == 1 and s.route == "sublingual" and s.dose == "300 mg"
    assert s.intention == "to meet my grief" and s.support == "Dr. Rivera"
    assert s.side_effects == frozenset({"nausea", "dizziness"})
    assert s.dissociation == 6 and s.bp_before == "128/84" and s.bp_after == ""
    assert s.when == datetime(2026, 11, 1, 10, 30, tzinfo=T0.tzinfo)


async def test_bad_blood_pressure_shows_the_message_and_keeps_everything(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_screen(pilot, "session_form")
        app.screen.query_one("#session-route").value = "iv"
        await focus_and_type(pilot, "#session-intention", "rest")
        await focus_and_type(pilot, "#session-bp-after", "120-80")
        await pilot.click("#session-save")
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionFormScreen"
        error = str(app.screen.query_one("#session-error").content)
        assert "blood pressure is written like 120/80" in error
        assert app.screen.focused.id == "session-bp-after"
        assert app.screen.query_one("#session-intention").text == "rest"
        assert app.journal.sessions() == []
        app.screen.query_one("#session-bp-after").value = "120/80"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.journal.sessions()[0].bp_after == "120/80"


async def test_cancel_with_changes_asks_first(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_screen(pilot, "session_form")
        await focus_and_type(pilot, "#session-dose", "2 sprays")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "Confirm"
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen.query_one("#session-dose").value == "2 sprays"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.journal.sessions() == []
        await open_screen(pilot, "session_form")
        await pilot.press("escape")  # nothing changed: no question
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_sessions_list_edit_and_delete(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        for days in (14, 7):
            app.journal.add(
                DosingSession, when=T0 - timedelta(days=days), route="im", dose="0.5 mg/kg",
                intention=f"intention [b]{days}[/b]", dissociation=4,
            )  # fmt: skip
        await open_screen(pilot, "sessions")
        table = app.screen.query_one("#sessions-list")
        assert table.row_count == 2
        first = [str(c) for c in table.get_row_at(0)]
        assert (
            first[0] == "2" and "IM" in first[2] and "[b]7[/b]" in first[4] and first[5] == "4/10"
        )
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionFormScreen"
        assert app.screen.query_one("#session-intention").text == "intention [b]7[/b]"
        app.screen.query_one("#session-dose").value = "0.75 mg/kg"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionsScreen"
        assert app.journal.session_by_number(2).dose == "0.75 mg/kg"
        assert "0.75" in str(table.get_row_at(0)[3])
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "Confirm"
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.journal.sessions()) == 2
        await pilot.press("d")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert [s.number for s in app.journal.sessions()] == [1]
        assert table.row_count == 1
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionFormScreen"
        assert app.screen.query_one("#session-route").value == "im"  # like the last one


async def test_lock_with_the_form_open_puts_the_typing_back(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_screen(pilot, "session_form")
        await focus_and_type(pilot, "#session-intention", "to rest")
        app.screen.query_one("#side-effect-headache").value = True
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.journal is None
        await unlock(pilot)
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionFormScreen"
        assert app.screen.query_one("#session-intention").text == "to rest"
        assert app.screen.query_one("#side-effect-headache").value is True
        assert app.journal.sessions() == []  # nothing saved without the patient saying so
