"""Settings: saved values, a bad key explained (nothing saved), theme at once, a new passphrase."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button, Input, Select

from kapjournal.errors import WrongPassphrase
from kapjournal.journal import Journal
from kapjournal.records import Settings
from kapjournal.tui.app import KapJournalApp
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock
from tests.tui.conftest import unlock, wait_workers


async def open_settings(app: KapJournalApp, pilot: object) -> None:
    await unlock(pilot)  # type: ignore[arg-type]
    await pilot.press("comma")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert type(app.screen).__name__ == "SettingsScreen"


async def test_autolock_and_therapist_are_saved(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        screen = app.screen
        assert screen.query_one("#autolock", Input).has_focus
        screen.query_one("#autolock", Input).value = ""
        await pilot.press("1", "2")
        screen.query_one("#therapist-name", Input).value = "Dr. Rivera"
        screen.query_one("#region", Select).value = "CA"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.journal is not None
        settings = app.journal.settings()
        assert (settings.autolock_minutes, settings.therapist_name, settings.region) == (
            12,
            "Dr. Rivera",
            "CA",
        )
        assert len(app.journal.of_kind(Settings)) == 1


async def test_bad_recipient_shows_a_message_and_saves_nothing(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        screen = app.screen
        screen.query_one("#autolock", Input).value = "30"
        screen.query_one("#therapist-recipient", Input).value = "age1nope"
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(screen.query_one("#settings-message").content)
        assert "age1 followed by 58" in message
        assert app.journal is not None and app.journal.of_kind(Settings) == []
        screen.query_one("#therapist-recipient", Input).value = ""
        screen.query_one("#autolock", Input).value = "999"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "between 0 (off) and 240" in str(screen.query_one("#settings-message").content)
        assert app.journal.of_kind(Settings) == []


async def test_theme_shows_at_once_and_is_kept_by_save(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        theme = app.screen.query_one("#theme", Select)
        labels = [str(prompt) for prompt, _ in theme._options]
        assert "High contrast" in labels and "Dark" in labels
        assert not any(label.startswith("textual-") for label in labels)
        assert Select.NULL not in [value for _, value in theme._options]  # no blank "Select"
        theme.value = "kapjournal-high-contrast"
        await pilot.pause()
        assert app.theme == "kapjournal-high-contrast"  # a preview at once...
        assert app.journal is not None
        assert app.journal.settings().theme != "kapjournal-high-contrast"  # ...not saved yet
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.journal.settings().theme == "kapjournal-high-contrast"
        assert "Nothing changed" not in [n.message for n in app._notifications]


async def test_leaving_with_changes_asks_and_can_leave_them(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        before = app.theme
        app.screen.query_one("#theme", Select).value = "gruvbox"
        app.screen.query_one("#therapist-name", Input).value = "Dr. Okafor"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "UnsavedSettings"
        await pilot.press("escape")  # esc: back to the form, nothing lost
        await pilot.pause()
        assert app.screen.query_one("#therapist-name", Input).value == "Dr. Okafor"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#unsaved-discard")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.theme == before
        assert app.journal is not None and app.journal.settings().therapist_name == ""


async def test_leaving_with_changes_can_save_them(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        app.screen.query_one("#therapist-name", Input).value = "Dr. Okafor"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # "Save" has the focus
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.journal is not None and app.journal.settings().therapist_name == "Dr. Okafor"


async def test_passphrase_change_works(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    new = "four quiet river stones"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        screen = app.screen
        screen.query_one("#new-passphrase", Input).value = new
        screen.query_one("#confirm-passphrase", Input).value = new
        screen.query_one("#confirm-passphrase", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "current passphrase first" in str(screen.query_one("#passphrase-message").content)
        screen.query_one("#current-passphrase", Input).value = "not my passphrase at all"
        screen.query_one("#confirm-passphrase", Input).focus()
        await pilot.press("enter")
        await wait_workers(pilot)
        assert "not your current passphrase" in str(screen.query_one("#passphrase-message").content)
        screen.query_one("#current-passphrase", Input).value = PASSPHRASE
        screen.query_one("#confirm-passphrase", Input).value = new + "x"
        screen.query_one("#confirm-passphrase", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "differ" in str(screen.query_one("#passphrase-message").content)
        screen.query_one("#new-passphrase", Input).value = "short"
        screen.query_one("#confirm-passphrase", Input).value = "short"
        screen.query_one("#confirm-passphrase", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "stronger" in str(screen.query_one("#passphrase-message").content)
        screen.query_one("#new-passphrase", Input).value = new
        screen.query_one("#confirm-passphrase", Input).value = new
        screen.query_one("#confirm-passphrase", Input).focus()
        await pilot.press("enter")
        await wait_workers(pilot)
        assert screen.query_one("#new-passphrase", Input).value == ""
        assert screen.query_one("#current-passphrase", Input).value == ""
        assert any("Passphrase changed" in n.message for n in app._notifications)
    Journal.unlock(existing_journal.path, new).lock()
    with pytest.raises(WrongPassphrase):
        Journal.unlock(existing_journal.path, PASSPHRASE)


async def test_a_new_recovery_key_from_settings_revokes_the_old_one(
    make_app: Callable[..., KapJournalApp], journal_path: Path, clock: FrozenClock
) -> None:
    journal, old_key = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    journal.lock()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        app.screen.query_one("#current-passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#new-recovery-key", Button).press()
        await pilot.pause()
        await wait_workers(pilot)
        assert type(app.screen).__name__ == "RecoveryKeyScreen"
        shown = str(app.screen.query_one("#recovery-key").content).replace("\n", "")
        assert len(shown.replace("-", "")) == 55 and shown.replace("-", "") not in old_key
        await pilot.click("#saved")
        await pilot.click("#continue")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"
        assert app.journal is not None and app.journal.recovery_pending is None
    with pytest.raises(WrongPassphrase):
        Journal.recover(journal_path, old_key)
    Journal.recover(journal_path, shown).lock()
