"""Hostile storage: what issue 10 asks of the storage layer (items 4, 5 and 9).

Written before format 2 landed, as strict xfails naming the item each waited for; format 2 made
them pass.
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


def test_a_fifo_at_the_journal_path_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "journal.kapj"
    os.mkfifo(fifo)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kapjournal", "list"],
            env=_env(fifo),
            capture_output=True,
            text=True,
            timeout=60,  # a hang guard; refusing takes well under a second
            start_new_session=True,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("kapjournal waited on a FIFO")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "unexpected error" not in done.stderr


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
@pytest.mark.parametrize("args", [["list"], ["check"], ["plan"]])
def test_reading_needs_no_write_access(jpath: Path, args: list[str]) -> None:
    jpath.parent.chmod(0o500)
    try:
        result = CliRunner().invoke(cli, args, env=_env(jpath))
    finally:
        jpath.parent.chmod(0o700)
    assert result.exit_code == 0, result.stderr


def _app(jpath: Path) -> KapJournalApp:
    return KapJournalApp(jpath, clock=FrozenClock(), kdf=FAST_KDF, timers=False)


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


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="runs the command as another user (nobody), which needs root and setpriv",
)
@pytest.mark.parametrize("args", [["list"], ["check"], ["search", "kept"], ["plan"]])
def test_reading_a_journal_in_a_folder_without_write_access(jpath: Path, args: list[str]) -> None:
    """As a patient whose journal sits in a 0500 folder (or on read-only media) meets it."""
    import pwd
    import tempfile

    nobody = pwd.getpwnam("nobody")
    root = Path(tempfile.mkdtemp(prefix="kapjournal-nobody-", dir="/tmp"))  # others can reach it
    root.chmod(0o755)
    folder, home = root / "journal", root / "home"
    shutil.copytree(jpath.parent, folder)
    home.mkdir(mode=0o700)
    for path in (home, folder, *folder.iterdir()):
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    folder.chmod(0o500)
    env = _env(folder / "journal.kapj") | {"KAPJOURNAL_HOME": str(home), "HOME": str(home)}
    command = [
        "setpriv",
        f"--reuid={nobody.pw_uid}",
        f"--regid={nobody.pw_gid}",
        "--clear-groups",
        sys.executable,
        "-m",
        "kapjournal",
        *args,
    ]
    can_run = subprocess.run(
        [*command[:5], "-c", "import kapjournal"], env=env, capture_output=True, timeout=120
    )
    if can_run.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(
            "the user nobody cannot run this checkout's Python (it sits in a private folder)"
        )
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        listed = sorted(os.listdir(folder))
    finally:
        folder.chmod(0o700)
        shutil.rmtree(root, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert listed == ["journal.kapj"]  # nothing written beside it
