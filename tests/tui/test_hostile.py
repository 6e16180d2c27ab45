"""Hostile data meets the app: packs, stored dates off the calendar, unsafe folders, lock links.

What reaches the terminal is checked as the terminal would get it: the compositor's full update
rendered to the bytes Textual writes, with its own cursor moves and colours taken away, must
hold no other escape, bell or C1 control.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kapjournal.journal import Journal
from kapjournal.records import CheckIn, DosingSession, Reflection
from kapjournal.text import is_safe
from kapjournal.tui.app import KapJournalApp
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock
from tests.tui.conftest import unlock, wait_workers
from tests.tui.sample import screen_text

# An OSC 8 link, written with TOML's escapes inside the pack.
OSC8 = "\\u001b]8;;https://evil.example/\\u0007click me\\u001b]8;;\\u0007"
GOOD_PACK = f"""
[pack]
id = "hostile-but-valid"
title = "Valid, with hostile text"
version = 1
license = "CC0-1.0"

[[exercise]]
id = "sneaky"
title = "[@click=app.quit]Sneaky[/] {OSC8}"
category = "capture"
timing = "anytime"
minutes = 5
intro = "An intro with \\u001b]52;c;Y3VybCB4fHNo\\u0007 OSC 52 and [b]markup[/b]."
steps = ["One \\u009b31m step.", "Two \\u202eesrever steps."]
"""
BAD_PACKS = {
    "deep.toml": b"a = " + b"[" * 100_000 + b"]" * 100_000,
    "dotted.toml": b"a" + b".a" * 50_000 + b" = 1\n",
    "markup.toml": b'[pack]\n"[@click=app.quit]x[/] \x1b]8;;https://evil.example/\x07link" = 1\n',
}
# Textual's own output: cursor moves, colours and modes. Anything else with ESC is an injection.
TEXTUAL_SEQUENCES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def terminal_bytes(app: KapJournalApp) -> str:
    update = app.screen._compositor.render_full_update()
    return update.render_segments(app.console)


def assert_terminal_clean(app: KapJournalApp) -> None:
    rest = TEXTUAL_SEQUENCES.sub("", terminal_bytes(app))
    assert "\x1b" not in rest and "\x07" not in rest
    assert not any(0x80 <= ord(c) < 0xA0 for c in rest)
    assert "\u202e" not in rest and "[@click" not in rest.replace("[@click=app.quit]", "")


def packs(tmp_path: Path) -> Path:
    folder = tmp_path / "therapist-packs"
    folder.mkdir()
    (folder / "valid.toml").write_text(GOOD_PACK, encoding="utf-8")
    for name, content in BAD_PACKS.items():
        (folder / name).write_bytes(content)
    return folder


async def test_hostile_packs_neither_stop_the_app_nor_reach_notify_as_markup(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal, tmp_path: Path
) -> None:
    app = make_app(prompt_dirs=[packs(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        notes = list(app._notifications)
        assert notes, "the skipped packs were not mentioned"
        for note in notes:
            assert note.markup is False
            assert is_safe(note.message) and "\x1b" not in note.message
        assert any("deep.toml" in n.message or "dotted.toml" in n.message for n in notes)
        assert "sneaky" in app.catalog.exercises and "capture" in app.catalog.exercises
        await pilot.pause()
        assert_terminal_clean(app)
        app.open("exercises")
        await pilot.pause()
        await pilot.pause()
        assert_terminal_clean(app)
        app.open("exercise", exercise_id="sneaky")
        await pilot.pause()
        await pilot.pause()
        assert "Sneaky" in screen_text(app) and "click me" in screen_text(app)
        assert_terminal_clean(app)
        await pilot.press("f1")  # Get help now still works
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        assert app.is_running


async def test_a_pack_loader_that_breaks_leaves_help_and_the_journal_working(
    make_app: Callable[..., KapJournalApp],
    existing_journal: Journal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(dirs: object) -> object:
        raise RecursionError

    monkeypatch.setattr("kapjournal.tui.app.load_packs", broken)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        await unlock(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert any("could not be read" in n.message for n in app._notifications)


async def test_every_notification_is_plain_text(make_app: Callable[..., KapJournalApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.notify("[@click=app.quit]quit[/] \x1b]0;title\x07 [b]bold[/b]", title="\x1b[2Jt")
        await pilot.pause()
        (note,) = [n for n in app._notifications if "quit" in n.message]
        assert note.markup is False
        assert note.message == "[@click=app.quit]quit[/] ]0;title [b]bold[/b]"
        assert is_safe(note.title)
        assert_terminal_clean(app)


FAR = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
EARLY = datetime(1, 1, 1, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("hours", [-11, -12, 14], ids=["Pago Pago", "UTC-12", "Kiritimati"])
async def test_records_dated_off_the_calendar_do_not_stop_home_or_the_screens(
    hours: int, journal_path: Path
) -> None:
    """The issue: a Day One entry dated year 1 crashed Home in zones west of UTC."""
    zone = timezone(timedelta(hours=hours))
    clock = FrozenClock(datetime(2026, 11, 2, 9, 0, tzinfo=zone))
    journal, _ = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=FAST_KDF)
    for when in (FAR, EARLY):
        journal.add(DosingSession, when=when, route="iv", intention="off the calendar")
        journal.add(Reflection, created=when, body="old words", title="from long ago")
        journal.add(CheckIn, created=when, mood=3, note="a note")
        journal.save(journal.new_assessment("phq9", [1] * 9, created=when))
    journal.add(CheckIn, mood=6, note="today")
    journal.lock()
    app = KapJournalApp(journal_path, clock=clock, kdf=FAST_KDF, timers=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert "mood 6" in str(app.screen.query_one("#last-checkin").content)
        for name in ("timeline", "sessions", "trends", "exercises"):
            app.open(name)
            await pilot.pause()
            await pilot.pause()
            assert screen_text(app)
            terminal_bytes(app)  # every row draws
            await pilot.press("escape")
            await pilot.pause()
        assert app.is_running


async def test_an_unsafe_folder_is_refused_on_the_unlock_screen(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal, journal_path: Path
) -> None:
    journal_path.parent.chmod(0o777)
    try:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await unlock(pilot)
            await wait_workers(pilot)
            assert type(app.screen).__name__ == "UnlockScreen"
            error = str(app.screen.query_one("#unlock-error").content)
            assert "chmod go-w" in error and "\n" not in error
    finally:
        journal_path.parent.chmod(0o700)


async def test_the_lock_file_is_never_followed_through_a_link(
    make_app: Callable[..., KapJournalApp], existing_journal: Journal, journal_path: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    lock = Path(f"{journal_path}.lock")
    lock.symlink_to(target)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
    assert target.read_text() == "keep me" and lock.is_symlink()
