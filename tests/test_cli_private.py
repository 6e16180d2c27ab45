"""Health data off the command line (``--fields``), JSON that cannot drive a terminal, and the
data folder trusted only when it is the user's own."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kapjournal import paths
from kapjournal.cli import cli
from kapjournal.errors import KapJournalError
from kapjournal.journal import Journal
from kapjournal.paths import UnsafeFolder, check_private_dir, ensure_private_dir
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def jpath(tmp_path: Path) -> Path:
    path = tmp_path / "j" / "journal.kapj"
    Journal.create(path, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    return path


def run(jpath: Path, *args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    env = {"KAPJOURNAL_JOURNAL": str(jpath), "KAPJOURNAL_PASSPHRASE": PASSPHRASE}
    result = CliRunner().invoke(cli, list(args), input=stdin, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_a_session_from_fields_on_stdin(jpath: Path) -> None:
    stdin = (
        b"Route: sublingual\ndose: 300 mg\nsetting: home, with a sitter\nsupport: my partner\n"
        b"dissociation: 6\ndate: 2026-11-20 14:30\n\nto meet my grief\nwith kindness\n"
    )
    code, out, err = run(jpath, "session", "add", "--fields", stdin=stdin)
    assert code == 0, err
    (s,) = Journal.unlock(jpath, PASSPHRASE).sessions()
    assert (s.route, s.dose, s.setting, s.support, s.dissociation) == (
        "sublingual", "300 mg", "home, with a sitter", "my partner", 6
    )  # fmt: skip
    assert s.intention == "to meet my grief\nwith kindness"
    assert (s.when.hour, s.when.minute, s.number) == (14, 30, 1)


def test_a_reflection_with_title_and_tags_from_fields(jpath: Path) -> None:
    stdin = b"title: The sea\ntag: sea\ntag: for-therapist\n\nIt was cold, then it wasn't.\n"
    assert run(jpath, "write", "--fields", "--share", stdin=stdin)[0] == 0
    (r,) = Journal.unlock(jpath, PASSPHRASE).reflections()
    assert (r.title, r.tags, r.share) == ("The sea", ("sea", "for-therapist"), True)
    assert r.body == "It was cold, then it wasn't.\n"


def test_a_checkin_from_fields_with_its_note(jpath: Path) -> None:
    assert run(jpath, "mood", "--fields", stdin=b"mood: 4\nenergy: 2\n\nslept badly\n")[0] == 0
    (c,) = Journal.unlock(jpath, PASSPHRASE).checkins()
    assert (c.mood, c.anxiety, c.energy, c.note) == (4, None, 2, "slept badly")


def test_old_flags_still_work_and_say_where_they_land(jpath: Path) -> None:
    code, _, _ = run(jpath, "session", "add", "--route", "iv", "--dose", "0.5 mg/kg", stdin=b"")
    assert code == 0
    assert Journal.unlock(jpath, PASSPHRASE).sessions()[0].dose == "0.5 mg/kg"
    _, help_text, _ = run(jpath, "session", "add", "--help")
    assert "shell history" in help_text and "--fields" in help_text


def test_two_sessions_cannot_share_a_number(jpath: Path) -> None:
    assert run(jpath, "session", "add", "--route", "iv", "--number", "3")[0] == 0
    code, _, err = run(jpath, "session", "add", "--route", "iv", "--number", "3")
    assert code == 1 and "already a session number 3" in err
    assert run(jpath, "session", "add", "--route", "iv")[0] == 0  # the next number is free
    assert sorted(s.number for s in Journal.unlock(jpath, PASSPHRASE).sessions()) == [3, 4]


def test_list_json_escapes_what_could_drive_a_terminal(jpath: Path) -> None:
    hostile = "a\x1b]0;t\x07 b\x9b31m c\u202ed\u2066e\u2069 f\u2028g\x7f 🌊 é"
    assert run(jpath, "write", stdin=hostile.encode())[0] == 0
    code, out, _ = run(jpath, "list", "--json")
    assert code == 0
    assert all(ord(c) >= 0x20 or c == "\n" for c in out)
    assert not any(0x7F <= ord(c) < 0xA0 or c in "\u202e\u2066\u2069\u2028" for c in out)
    assert "🌊 é" in out  # the rest of Unicode stays readable
    assert json.loads(out)[0]["body"] == hostile  # and nothing is lost


# --- the data folder -----------------------------------------------------------------------------------


def test_a_new_folder_is_private(tmp_path: Path) -> None:
    folder = ensure_private_dir(tmp_path / "a" / "b")
    assert folder.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "mode, words",
    [(0o770, "chmod go-w"), (0o702, "chmod go-w"), (0o1777, "shared with everyone")],
)
def test_a_folder_others_can_write_is_refused_with_its_fix(
    tmp_path: Path, mode: int, words: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(mode)
    with pytest.raises(UnsafeFolder) as caught:
        check_private_dir(folder)
    assert words in str(caught.value) and str(folder) in str(caught.value)
    with pytest.raises(UnsafeFolder):
        Journal.create(folder / "journal.kapj", PASSPHRASE, kdf=FAST_KDF)
    assert not (folder / "journal.kapj").exists()
    folder.chmod(0o700)
    check_private_dir(folder)


def test_a_folder_of_another_user_is_refused(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a folder to another user")
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    with pytest.raises(UnsafeFolder, match="another user"):
        check_private_dir(folder)


def test_a_tilde_that_names_no_user_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPJOURNAL_HOME", "~no-such-user-kapjournal")
    with pytest.raises(KapJournalError, match="names no user"):
        paths.data_dir()
