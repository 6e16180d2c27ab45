"""Writing exports: age to a recipient or a passphrase, mode 0600, never overwriting, all or nothing."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from datetime import UTC
from pathlib import Path

import pyrage
import pytest

from kapjournal.errors import ExportError
from kapjournal.summary import sharing
from kapjournal.summary.sharing import write_export

DATA = b"Summary: the sea was warm. <b>patient text</b>\n" * 50


@pytest.fixture
def identity() -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.generate()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_plaintext_is_0600_even_with_a_loose_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = write_export(DATA, tmp_path / "s.md")
    finally:
        os.umask(old)
    assert path.read_bytes() == DATA
    assert mode(path) == 0o600


def test_never_overwrites(tmp_path: Path, identity: pyrage.x25519.Identity) -> None:
    plain, sealed = tmp_path / "s.md", tmp_path / "s.md.age"
    for path in (plain, sealed):
        path.write_bytes(b"precious")
    for path, kwargs in ((plain, {}), (sealed, {"recipient": str(identity.to_public())})):
        with pytest.raises(ExportError, match="already exists"):
            write_export(DATA, path, **kwargs)  # type: ignore[arg-type]
        assert path.read_bytes() == b"precious"


def test_does_not_follow_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / "link.md").symlink_to(target)
    with pytest.raises(ExportError):
        write_export(DATA, tmp_path / "link.md")
    assert not target.exists()


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        write_export(DATA, tmp_path / "nope" / "s.md")


def test_age_round_trip_to_a_recipient(tmp_path: Path, identity: pyrage.x25519.Identity) -> None:
    path = write_export(DATA, tmp_path / "s.md.age", recipient=str(identity.to_public()))
    blob = path.read_bytes()
    assert blob.startswith(b"age-encryption.org/v1\n") and b"patient text" not in blob
    assert mode(path) == 0o600
    assert pyrage.decrypt(blob, [identity]) == DATA
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(blob, [pyrage.x25519.Identity.generate()])


def test_tampered_file_is_refused(tmp_path: Path, identity: pyrage.x25519.Identity) -> None:
    blob = bytearray(
        write_export(DATA, tmp_path / "s.age", recipient=str(identity.to_public())).read_bytes()
    )
    blob[-20] ^= 0x01
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(bytes(blob), [identity])


def test_passphrase_round_trip(tmp_path: Path) -> None:
    path = write_export(DATA, tmp_path / "s.age", passphrase="tell them by phone")
    blob = path.read_bytes()
    assert b"patient text" not in blob
    assert sharing.decrypt_passphrase(blob, "tell them by phone") == DATA
    with pytest.raises(pyrage.DecryptError):
        sharing.decrypt_passphrase(blob, "wrong")


def test_a_busy_computer_does_not_refuse_a_passphrase_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """rage measures this computer's speed on every decryption; a busy moment made it refuse a file
    it had just written ("Excessive work parameter"). Another try measures again."""
    blob = sharing.encrypt(DATA, passphrase="tell them by phone")
    real = pyrage.passphrase.decrypt
    busy = iter([True, True, True])

    def measured_while_busy(data: bytes, passphrase: str) -> bytes:
        if next(busy, False):
            raise pyrage.DecryptError("Excessive work parameter for passphrase.")
        return real(data, passphrase)

    monkeypatch.setattr(pyrage.passphrase, "decrypt", measured_while_busy)
    assert sharing.decrypt_passphrase(blob, "tell them by phone") == DATA


def test_a_file_that_asks_too_much_work_is_refused_apart_from_a_wrong_passphrase() -> None:
    blob = sharing.encrypt(DATA, passphrase="tell them by phone")
    header, _, rest = blob.partition(b"\n---")
    heavy = re.sub(rb"^(-> scrypt \S+) \d+$", rb"\1 40", header, flags=re.M) + b"\n---" + rest
    with pytest.raises(ExportError, match="more work to open"):
        sharing.decrypt_passphrase(heavy, "tell them by phone")


def test_bad_recipient_or_both_options_write_nothing(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="age1"):
        write_export(DATA, tmp_path / "a.age", recipient="age1notakey")
    with pytest.raises(ExportError, match="not both"):
        write_export(DATA, tmp_path / "b.age", recipient="x", passphrase="y")
    with pytest.raises(ExportError, match="empty"):
        write_export(DATA, tmp_path / "c.age", passphrase="")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    calls = []

    def flaky(fd: int, data: bytes) -> int:
        calls.append(1)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        return real_write(fd, bytes(data)[:100])

    monkeypatch.setattr(os, "write", flaky)
    with pytest.raises(ExportError, match="disk is full"):
        write_export(DATA, tmp_path / "s.md")
    assert list(tmp_path.iterdir()) == []


def test_no_plaintext_temp_files(
    tmp_path: Path, identity: pyrage.x25519.Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    out = tmp_path / "out"
    out.mkdir()
    write_export(DATA, out / "s.age", recipient=str(identity.to_public()))
    assert list(tmp.iterdir()) == [] and [p.name for p in out.iterdir()] == ["s.age"]


def test_new_identity_is_age_keygen_shaped() -> None:
    from datetime import datetime

    text, public = sharing.new_identity(datetime(2026, 11, 2, tzinfo=UTC))
    lines = text.splitlines()
    assert lines[0] == "# created: 2026-11-02T00:00:00+00:00"
    assert lines[1] == f"# public key: {public}" and public.startswith("age1")
    identity = pyrage.x25519.Identity.from_str(lines[2])
    assert str(identity.to_public()) == public


AGE = shutil.which("age")


@pytest.mark.skipif(AGE is None, reason="the age command is not installed")
def test_the_age_command_opens_our_files(tmp_path: Path) -> None:
    text, public = sharing.new_identity(__import__("datetime").datetime.now().astimezone())
    key = sharing.write_new(tmp_path / "key.txt", text.encode())
    path = write_export(DATA, tmp_path / "s.md.age", recipient=public)
    done = subprocess.run([AGE, "-d", "-i", str(key), str(path)], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == DATA


@pytest.mark.skipif(AGE is None, reason="the age command is not installed")
def test_we_open_what_the_age_command_writes(
    tmp_path: Path, identity: pyrage.x25519.Identity
) -> None:
    done = subprocess.run(
        [AGE, "-r", str(identity.to_public())], input=DATA, capture_output=True, timeout=120
    )
    assert done.returncode == 0
    assert pyrage.decrypt(done.stdout, [identity]) == DATA
