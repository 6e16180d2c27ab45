"""Hostile storage: what issue 10 asks of the storage layer (the lead's items 4, 5 and 9).

These are written now and marked xfail until format 2 lands; each names the item it waits for,
and turns into an ordinary test (strict xfail fails when it passes) once the storage does it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kapjournal.cli import cli
from kapjournal.errors import KapJournalError
from kapjournal.journal import Journal
from kapjournal.records import Reflection
from kapjournal.tui.app import KapJournalApp
from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock
from tests.tui.conftest import unlock, wait_workers

ITEM_4 = "issue 10 item 4 (lead, format 2): SQLite errors as one line; only regular files opened"
ITEM_4_CREATE = "issue 10 item 4 (lead, format 2): the journal is never created except by init"
ITEM_4_READ_ONLY = "issue 10 item 4 (lead, format 2): read commands open the journal read-only"
ITEM_5 = "issue 10 item 5 (lead, format 2): writes verified on disk before reporting success"
ITEM_9 = "issue 10 item 9 (lead): the open app notices another process's changes"


@pytest.fixture
def jpath(tmp_path: Path) -> Path:
    path = tmp_path / "j" / "journal.kapj"
    journal, _ = Journal.create(path, PASSPHRASE, kdf=FAST_KDF)
    journal.add(Reflection, body="kept")
    journal.lock()
    return path


def _env(jpath: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_")}
    return env | {"KAPJOURNAL_JOURNAL": str(jpath), "KAPJOURNAL_PASSPHRASE": PASSPHRASE}


@pytest.mark.xfail(reason=ITEM_4, strict=True)
def test_a_fifo_at_the_journal_path_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "journal.kapj"
    os.mkfifo(fifo)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kapjournal", "list"],
            env=_env(fifo),
            capture_output=True,
            text=True,
            timeout=8,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("kapjournal waited on a FIFO")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "unexpected error" not in done.stderr


@pytest.mark.xfail(reason=ITEM_4, strict=True)
def test_a_folder_that_vanishes_mid_import_is_one_plain_line(
    jpath: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kapjournal.importers as importers

    save = importers.import_entries

    def vanish_first(journal: Journal, entries: object) -> object:
        shutil.rmtree(jpath.parent)
        return save(journal, entries)  # type: ignore[arg-type]

    monkeypatch.setattr(importers, "import_entries", vanish_first)
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"entries": [{"date": "2026-01-01", "body": "words"}]}))
    result = CliRunner().invoke(
        cli, ["import", "--format", "jrnl-json", str(source)], env=_env(jpath)
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1 and "Imported" not in result.stdout
    assert result.stderr.count("\n") == 1


@pytest.mark.xfail(reason=ITEM_5, strict=True)
def test_an_import_into_a_journal_moved_away_is_not_reported_as_done(
    jpath: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kapjournal.importers as importers

    save = importers.import_entries
    moved = tmp_path / "moved.kapj"

    def move_first(journal: Journal, entries: object) -> object:
        jpath.rename(moved)
        return save(journal, entries)  # type: ignore[arg-type]

    monkeypatch.setattr(importers, "import_entries", move_first)
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"entries": [{"date": "2026-01-01", "body": "words"}]}))
    result = CliRunner().invoke(
        cli, ["import", "--format", "jrnl-json", str(source)], env=_env(jpath)
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1 and "Imported" not in result.stdout
    assert result.stderr.count("\n") == 1
    assert not jpath.exists()  # no new, empty journal where the old one was


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root ignores file modes; a read-only mount needs root"
)
@pytest.mark.xfail(reason=ITEM_4_READ_ONLY, strict=True)
@pytest.mark.parametrize("args", [["list"], ["check"], ["plan"]])
def test_reading_needs_no_write_access(jpath: Path, args: list[str]) -> None:
    jpath.parent.chmod(0o500)
    try:
        result = CliRunner().invoke(cli, args, env=_env(jpath))
    finally:
        jpath.parent.chmod(0o700)
    assert result.exit_code == 0, result.stderr


def _app(jpath: Path) -> KapJournalApp:
    return KapJournalApp(jpath, clock=FrozenClock(), kdf=FAST_KDF)


@pytest.mark.xfail(reason=ITEM_4_CREATE, strict=True)
async def test_saving_after_the_journal_was_moved_away_is_refused_and_creates_nothing(
    jpath: Path, tmp_path: Path
) -> None:
    app = _app(jpath)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        jpath.rename(tmp_path / "moved.kapj")
        assert app.journal is not None
        with pytest.raises(KapJournalError):
            app.journal.add(Reflection, body="after the move")
        assert not jpath.exists()


@pytest.mark.xfail(reason=ITEM_9, strict=True)
async def test_the_open_app_shows_what_the_command_line_wrote(jpath: Path) -> None:
    app = _app(jpath)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        outside = Journal.unlock(jpath, PASSPHRASE)
        outside.add(Reflection, body="written from the command line")
        outside.lock()
        await wait_workers(pilot)
        app.open("timeline")
        await wait_workers(pilot)
        assert app.journal is not None
        assert any(r.body == "written from the command line" for r in app.journal.reflections())
