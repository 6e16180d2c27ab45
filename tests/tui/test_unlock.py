"""First run, unlock, wrong passphrase, lock and auto-lock, under the pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kapjournal.journal import Journal
from kapjournal.records import Reflection
from kapjournal.tui.app import KapJournalApp
from tests.conftest import PASSPHRASE
from tests.tui.conftest import unlock, wait_workers


async def test_first_run_creates_journal_and_shows_recovery_key_once(
    make_app: Callable[..., KapJournalApp], journal_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert type(app.screen).__name__ == "CreateScreen"
        await pilot.press(*"short")
        assert "too short" in str(app.screen.query_one("#strength").content)
        app.screen.query_one("#new-passphrase").value = ""
        await pilot.press(*"four quiet river stones")
        assert "strong" in str(app.screen.query_one("#strength").content)
        await pilot.press("enter", *"four quiet river stoned", "enter")
        assert "differ" in str(app.screen.query_one("#create-error").content)
        await pilot.press(*"four quiet river stones", "enter")
        await wait_workers(pilot)
        assert type(app.screen).__name__ == "RecoveryKeyScreen"
        key = str(app.screen.query_one("#recovery-key").content).replace("\n", "")
        assert app.screen.query_one("#continue").disabled
        await pilot.click("#saved")
        await pilot.click("#continue")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
    assert Journal.recover(journal_path, key).count() == 0
    Journal.unlock(journal_path, "four quiet river stones").lock()


async def test_wrong_passphrase_says_so_and_right_one_opens(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        assert type(app.screen).__name__ == "UnlockScreen"
        await unlock(pilot, "not my passphrase")
        assert type(app.screen).__name__ == "UnlockScreen"
        assert "does not open" in str(app.screen.query_one("#unlock-error").content)
        assert app.screen.query_one("#passphrase").value == ""
        await unlock(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.journal is not None and not app.journal.locked


async def test_lock_key_clears_everything_and_unlock_returns(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await unlock(pilot)
        journal = app.journal
        assert journal is not None
        journal.add(Reflection, body="secret words")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.journal is None and journal.locked
        assert [type(s).__name__ for s in app.screen_stack][-1] == "UnlockScreen"
        assert len(app.screen_stack) == 2
        await unlock(pilot)
        assert type(app.screen).__name__ == "HomeScreen"


async def test_auto_lock_after_idle_minutes(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    ticks = [1000.0]
    app = make_app(monotonic=lambda: ticks[0])
    async with app.run_test() as pilot:
        await unlock(pilot)
        assert app.journal is not None
        minutes = app.journal.settings().autolock_minutes
        ticks[0] += minutes * 60 - 1
        app.lock_if_idle()
        await wait_workers(pilot)
        assert app.journal is not None
        ticks[0] += 2
        app.lock_if_idle()
        await wait_workers(pilot)
        assert app.journal is None
        assert type(app.screen).__name__ == "UnlockScreen"


async def test_help_is_one_key_away_even_when_locked(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        # No region chosen on this computer: the directories that cover most countries.
        text = "".join(str(w.content) for w in app.screen.query("Static"))
        assert "findahelpline.com" in text and "your local emergency number" in text


def test_passphrase_strength_hint() -> None:
    from kapjournal.tui.screens.unlock import strength

    assert strength("password")[0] == "weak"
    assert strength("abc")[0] in ("weak", "too short")
    assert strength("four quiet river stones")[0] == "strong"
    assert PASSPHRASE


async def test_second_running_copy_is_told(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal
) -> None:
    first, second = make_app(), make_app()
    async with first.run_test(), second.run_test() as pilot:
        await pilot.pause()
        messages = [n.message for n in second._notifications]
        assert any("already open" in m for m in messages)
    assert first._lock_fd is not None


def test_an_unexpected_error_shows_no_traceback(
    make_app: Callable[..., KapJournalApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from rich.console import Console

    monkeypatch.delenv("KAPJOURNAL_DEBUG", raising=False)
    app = make_app()
    out = io.StringIO()
    app.error_console = Console(file=out, width=100)
    app._exit_renderables.append("Traceback ... body='CANARY words' ...")
    app._print_error_renderables()
    assert "unexpected error" in out.getvalue()
    assert "CANARY" not in out.getvalue() and "Traceback" not in out.getvalue()


async def _create(app: KapJournalApp, pilot: object) -> str:
    await pilot.press(*"four quiet river stones", "enter", *"four quiet river stones", "enter")  # type: ignore[attr-defined]
    await wait_workers(pilot)  # type: ignore[arg-type]
    assert type(app.screen).__name__ == "RecoveryKeyScreen"
    return str(app.screen.query_one("#recovery-key").content).replace("\n", "")


async def test_locking_while_the_recovery_key_is_shown_brings_the_same_key_back(
    make_app: Callable[..., KapJournalApp], journal_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        key = await _create(app, pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert type(app.screen).__name__ == "UnlockScreen"
        await unlock(pilot, "four quiet river stones")
        assert type(app.screen).__name__ == "RecoveryKeyScreen"
        assert str(app.screen.query_one("#recovery-key").content).replace("\n", "") == key
        await pilot.click("#saved")
        await pilot.click("#continue")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
    journal = Journal.unlock(journal_path, "four quiet river stones")
    assert journal.recovery_pending is None
    journal.lock()
    Journal.recover(journal_path, key).lock()


async def test_a_key_never_confirmed_is_replaced_at_the_next_start(
    make_app: Callable[..., KapJournalApp], journal_path: Path
) -> None:
    first = make_app()
    async with first.run_test(size=(80, 24)) as pilot:
        old_key = await _create(first, pilot)
        await pilot.press("ctrl+q")  # the app stops before the patient confirmed
    second = make_app()
    async with second.run_test(size=(80, 24)) as pilot:
        await unlock(pilot, "four quiet river stones")
        assert type(second.screen).__name__ == "RecoveryKeyScreen"
        assert "never confirmed" in str(second.screen.query_one("#recovery-intro").content)
        new_key = str(second.screen.query_one("#recovery-key").content).replace("\n", "")
        assert new_key != old_key
    from kapjournal.errors import WrongPassphrase

    with pytest.raises(WrongPassphrase):
        Journal.recover(journal_path, old_key)
    Journal.recover(journal_path, new_key).lock()


async def test_an_older_copy_asks_before_anything_is_saved(
    make_app: Callable[..., KapJournalApp],
    existing_journal: Journal,
    journal_path: Path,
    tmp_path: Path,
) -> None:
    import shutil
    import sqlite3

    old = tmp_path / "old.kapj"
    src, out = sqlite3.connect(journal_path), sqlite3.connect(old)
    src.backup(out)
    src.close()
    out.close()
    j = Journal.unlock(journal_path, PASSPHRASE)
    j.add(Reflection, body="newer")
    j.lock()
    shutil.copyfile(old, journal_path)
    Path(f"{journal_path}-wal").unlink(missing_ok=True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert type(app.screen).__name__ == "OlderCopyScreen"
        await pilot.click("#accept-older")
        await pilot.pause()
        assert app.journal is not None and not app.journal.rolled_back
        app.journal.add(Reflection, body="saved after the patient chose")
