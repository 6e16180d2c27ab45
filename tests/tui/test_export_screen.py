"""The export screen: choices, a preview of exactly what is written, writing, the share log."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pyrage
import pytest
from textual.widgets import Button, Input, RadioButton, Select, Static, TextArea

from kapjournal.journal import Journal
from kapjournal.records import Reflection
from kapjournal.summary.sharing import decrypt_passphrase
from kapjournal.tui.app import KapJournalApp
from tests.conftest import PASSPHRASE, FrozenClock
from tests.tui.conftest import unlock, wait_workers
from tests.tui.sample import sample_journal_fixture  # noqa: F401

SHARED = "The sea held me [b]gently[/b] today"
CANARY = "Canary-Tui-Otter-3"


@pytest.fixture
def identity() -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.generate()


@pytest.fixture
def export_journal(
    sample_journal: Journal,
    journal_path: Path,
    clock: FrozenClock,
    identity: pyrage.x25519.Identity,
) -> Journal:
    """The sample journal, plus a shared and a private reflection and the therapist's key."""
    journal = Journal.unlock(journal_path, PASSPHRASE, clock=clock)
    journal.add(Reflection, body=SHARED, share=True, created=clock.now - timedelta(days=3))
    journal.add(Reflection, body=CANARY, created=clock.now - timedelta(days=2))
    journal.update(journal.settings(), therapist_recipient=str(identity.to_public()))
    journal.lock()
    return journal


async def open_export(app: KapJournalApp, pilot: object) -> None:
    await unlock(pilot)  # type: ignore[arg-type]
    await pilot.press("e")  # type: ignore[attr-defined]
    await wait_workers(pilot)  # type: ignore[arg-type]
    assert type(app.screen).__name__ == "ExportScreen"


def preview(app: KapJournalApp) -> str:
    return app.screen.query_one("#export-preview", TextArea).text


async def choose(pilot: object, app: KapJournalApp, button_id: str) -> None:
    app.screen.query_one(f"#{button_id}", RadioButton).value = True
    await wait_workers(pilot)  # type: ignore[arg-type]


async def test_defaults_and_a_preview_of_exactly_the_markdown(
    make_app: Callable[..., KapJournalApp],
    export_journal: Journal,
    identity: pyrage.x25519.Identity,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(app, pilot)
        screen = app.screen
        for widget_id in (
            "range",
            "include",
            "format",
            "encrypt",
            "path",
            "preview",
            "write",
            "log",
        ):
            assert screen.query_one(f"#export-{widget_id}")
        assert screen.query_one("#export-range", Select).value == "28"
        assert screen.query_one("#encrypt-therapist", RadioButton).value
        assert "Dr. Rivera's key age1" in str(screen.query_one("#encrypt-therapist").label)
        path = screen.query_one("#export-path", Input).value
        assert path == "~/kapjournal-summary-2026-11-02.md.age"
        text = preview(app)
        assert text.startswith("# Summary, 6 Oct 2026 to 2 Nov 2026")
        assert "patient-reported, not clinically verified" in text.lower()
        assert "The sea held me gently today" not in text  # markup is never interpreted…
        assert "The sea held me \\[b\\]gently\\[/b\\] today" in text  # …and Markdown-escaped
        assert CANARY not in text
        assert "No exports yet." in str(screen.query_one("#export-log", Static).content)


async def test_include_and_format_change_the_preview(
    make_app: Callable[..., KapJournalApp], export_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(app, pilot)
        await choose(pilot, app, "include-all")
        assert CANARY in preview(app)
        await choose(pilot, app, "include-scores")
        assert "sea held me" not in preview(app) and "PHQ-9" in preview(app)
        app.screen.query_one("#export-format", Select).value = "json"
        await wait_workers(pilot)
        assert preview(app).startswith('{"resourceType":"Bundle"')
        assert app.screen.query_one("#export-path", Input).value.endswith(".json.age")
        app.screen.query_one("#export-format", Select).value = "html"
        await wait_workers(pilot)
        text = preview(app)
        assert "<" not in text.split("\n", 1)[0] and "Summary, 6 Oct 2026" in text
        assert "@page" not in text and "<svg" not in text
        app.screen.query_one("#export-range", Select).value = "14"
        await wait_workers(pilot)
        assert "Summary, 20 Oct 2026 to 2 Nov 2026" in preview(app)


async def test_write_to_the_therapist_and_see_it_in_the_log(
    make_app: Callable[..., KapJournalApp],
    export_journal: Journal,
    identity: pyrage.x25519.Identity,
    tmp_path: Path,
) -> None:
    app = make_app()
    target = tmp_path / "for-rivera.md.age"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(app, pilot)
        expected = preview(app)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.click("#export-write")
        await wait_workers(pilot)
        status = str(app.screen.query_one("#export-status", Static).content)
        assert f"Written to {target}" in status and "encrypted to age1" in status
        assert pyrage.decrypt(target.read_bytes(), [identity]).decode() == expected
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert app.journal is not None
        (log,) = app.journal.share_logs()
        assert (log.format, log.include, log.recipient) == (
            "md",
            "shared",
            str(identity.to_public()),
        )
        shown = str(app.screen.query_one("#export-log", Static).content)
        assert "Past exports (1)" in shown and "6 Oct – 2 Nov 2026 · Markdown · shared" in shown
        # The same name again: refused, nothing overwritten, nothing logged.
        before = target.read_bytes()
        await pilot.click("#export-write")
        await wait_workers(pilot)
        assert "already exists" in str(app.screen.query_one("#export-status", Static).content)
        assert target.read_bytes() == before and len(app.journal.share_logs()) == 1


async def test_the_format_follows_the_name_through_age(
    make_app: Callable[..., KapJournalApp],
    export_journal: Journal,
    identity: pyrage.x25519.Identity,
    tmp_path: Path,
) -> None:
    app = make_app()
    target = tmp_path / "summary.html.age"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(app, pilot)
        assert app.screen.query_one("#export-format", Select).value == "md"
        app.screen.query_one("#export-path", Input).value = str(target)
        await wait_workers(pilot)
        assert app.screen.query_one("#export-format", Select).value == "html"
        await pilot.click("#export-write")
        await wait_workers(pilot)
        assert pyrage.decrypt(target.read_bytes(), [identity]).startswith(b"<!DOCTYPE html>")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "summary.html")
        await wait_workers(pilot)
        await pilot.click("#export-write")
        await wait_workers(pilot)
        status = str(app.screen.query_one("#export-status", Static).content)
        assert 'use "summary.html.age"' in status and not (tmp_path / "summary.html").exists()
        assert app.journal is not None
        assert len(app.journal.share_logs()) == 1
        shown = str(app.screen.query_one("#export-log", Static).content)
        assert "HTML" in shown and " records" in shown  # counts, not ids


async def test_passphrase_and_plain(
    make_app: Callable[..., KapJournalApp], export_journal: Journal, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(app, pilot)
        screen = app.screen
        assert not screen.query_one("#passphrase-row").display
        await choose(pilot, app, "encrypt-passphrase")
        assert screen.query_one("#passphrase-row").display
        screen.query_one("#export-path", Input).value = str(tmp_path / "p.md.age")
        screen.query_one("#export-passphrase", Input).value = "by phone"
        screen.query_one("#export-passphrase-again", Input).value = "by fone"
        await pilot.click("#export-write")
        await wait_workers(pilot)
        assert "differ" in str(screen.query_one("#export-status", Static).content)
        assert not (tmp_path / "p.md.age").exists()
        screen.query_one("#export-passphrase-again", Input).value = "by phone"
        await pilot.click("#export-write")
        await wait_workers(pilot)
        assert (
            SHARED.replace("[", "\\[").replace("]", "\\]")
            in decrypt_passphrase((tmp_path / "p.md.age").read_bytes(), "by phone").decode()
        )
        await choose(pilot, app, "encrypt-none")
        assert "will not be encrypted" in str(screen.query_one("#export-status", Static).content)
        assert screen.query_one("#export-path", Input).value == str(tmp_path / "p.md.age")  # edited
        screen.query_one("#export-path", Input).value = str(tmp_path / "plain.md")
        await pilot.click("#export-write")
        await wait_workers(pilot)
        assert "not encrypted" in str(screen.query_one("#export-status", Static).content)
        assert (tmp_path / "plain.md").read_text() == preview(app)
        assert app.journal is not None
        assert [log.recipient for log in app.journal.share_logs()] == ["passphrase", "none"]


async def test_escape_goes_back_and_write_waits_for_the_preview(
    make_app: Callable[..., KapJournalApp], export_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(app, pilot)
        assert not app.screen.query_one("#export-write", Button).disabled
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_without_a_therapist_key_the_passphrase_is_the_default(
    make_app: Callable[..., KapJournalApp], sample_journal: Journal
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(app, pilot)
        screen = app.screen
        assert screen.query_one("#encrypt-therapist", RadioButton).disabled
        assert screen.query_one("#encrypt-passphrase", RadioButton).value
        assert screen.query_one("#passphrase-row").display
