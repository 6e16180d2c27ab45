"""The command line as a shell meets it: ``list -n``, a reader that goes away (``list | head``),
and output and exit codes kept when a command ends without the interpreter's teardown."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from kapjournal.journal import Journal
from kapjournal.records import Reflection
from tests.conftest import FAST_KDF, PASSPHRASE, T0


def make_journal(path: Path, count: int) -> list[Reflection]:
    """``count`` reflections, one a day, numbered in their text, saved in shuffled order."""
    journal, _ = Journal.create(path, PASSPHRASE, kdf=FAST_KDF)
    made = [
        journal.new(Reflection, created=T0 + timedelta(days=n), body=f"entry number {n:05d}")
        for n in range(count)
    ]
    journal.save_many(made[1::2] + made[::2])
    journal.lock()
    return made


def kapjournal(
    path: Path, *args: str, stdin: bytes = b"", **popen: object
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPJOURNAL_PASS")}
    env.update(KAPJOURNAL_JOURNAL=str(path), KAPJOURNAL_PASSPHRASE=PASSPHRASE)
    options: dict[str, object] = {
        "stdin": subprocess.PIPE,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        **popen,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "kapjournal", *args],
        env=env,
        start_new_session=True,  # no controlling terminal
        **options,  # type: ignore[call-overload]
    )


def finish(p: subprocess.Popen[bytes], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = p.communicate(stdin, timeout=120)
    return p.returncode, (out or b"").decode(), (err or b"").decode()


def test_list_n_shows_the_newest_n_newest_first(tmp_path: Path) -> None:
    path = tmp_path / "j.kapj"
    make_journal(path, 30)
    code, out, err = finish(kapjournal(path, "list", "-n", "3"))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert [line.rsplit("entry number ", 1)[1][:5] for line in lines] == ["00029", "00028", "00027"]
    code, out, _ = finish(kapjournal(path, "list", "-n", "100"))
    assert code == 0 and len(out.splitlines()) == 30


@pytest.mark.parametrize("n", ["0", "-1", "many"])
def test_list_n_must_be_a_positive_number(tmp_path: Path, n: str) -> None:
    path = tmp_path / "j.kapj"
    make_journal(path, 1)
    code, out, err = finish(kapjournal(path, "list", "-n", n))
    assert code == 2 and out == "" and "-n" in err and "Traceback" not in err


def test_a_reader_that_goes_away_ends_the_listing_quietly(tmp_path: Path) -> None:
    path = tmp_path / "j.kapj"
    make_journal(path, 3000)  # far more than a pipe holds
    p = kapjournal(path, "list")
    assert p.stdout is not None and p.stderr is not None
    first = p.stdout.readline()
    p.stdout.close()  # as head does once it has its lines
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 0
    assert b"entry number 02999" in first
    assert err == ""


def test_output_to_a_file_is_complete(tmp_path: Path) -> None:
    path = tmp_path / "j.kapj"
    make_journal(path, 2500)
    target = tmp_path / "out.txt"
    with target.open("wb") as fh:
        code, _, err = finish(kapjournal(path, "search", "number", stdout=fh))
    assert code == 0 and err == ""
    lines = target.read_text().splitlines()
    assert len(lines) == 2500
    assert "entry number 02499" in lines[0] and "entry number 00000" in lines[-1]


def test_a_write_is_saved_and_said_and_exit_codes_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "j.kapj"
    make_journal(path, 1)
    code, out, err = finish(kapjournal(path, "write"), b"the words I wrote")
    assert code == 0 and out.startswith("Saved reflection") and err == ""
    assert not Path(f"{path}-wal").exists()  # the journal was closed before the process ended
    with Journal.unlock(path, PASSPHRASE) as journal:
        assert "the words I wrote" in [r.body for r in journal.reflections()]
    code, _, err = finish(kapjournal(path, "search"))
    assert code == 1 and "no search words given" in err
    code, _, err = finish(kapjournal(tmp_path / "none.kapj", "list"))
    assert code == 1 and err.startswith("kapjournal: there is no journal")


def test_output_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    path = tmp_path / "j.kapj"
    make_journal(path, 3)
    with open("/dev/full", "wb") as full:
        code, _, err = finish(kapjournal(path, "list", stdout=full))
    assert code == 1 and err.startswith("kapjournal: ") and "Traceback" not in err


def test_standard_output_closed_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "j.kapj"
    make_journal(path, 3)
    p = kapjournal(path, "list", stdout=None, preexec_fn=lambda: os.close(1))
    code, _, err = finish(p)
    assert code == 0 and err == ""
    p = kapjournal(path, "write", stdout=None, preexec_fn=lambda: os.close(1))
    code, _, err = finish(p, b"still saved")
    assert code == 0 and err == ""
    assert "still saved" in [r.body for r in Journal.unlock(path, PASSPHRASE).reflections()]
