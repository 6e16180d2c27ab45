"""Every secret the command line asks for, asked on a real pseudo-terminal, as a patient meets it.

The prompt appears, what is typed is not echoed, and the command then works. These are also the
README's examples for ``init``, ``passwd``, ``recover`` and ``recovery-key``, run as printed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from kapjournal.errors import WrongPassphrase  # noqa: E402
from kapjournal.journal import Journal  # noqa: E402
from tests.conftest import FAST_KDF, PASSPHRASE  # noqa: E402

NEW = "seven quiet harbour lights"
KEY = re.compile(r"([0-9A-Z]{5}(?:-[0-9A-Z]{5}){10})")
TIMEOUT = 120  # generous: the machine may be busy; nothing here measures time


def spawn(journal: Path, *args: str, shell: str | None = None) -> pexpect.spawn:
    if shell is not None:
        return pexpect.spawn(
            "/bin/sh", ["-c", shell], encoding="utf-8", timeout=TIMEOUT, dimensions=(24, 200)
        )
    return pexpect.spawn(
        sys.executable,
        ["-m", "kapjournal", "--journal", str(journal), *args],
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(24, 200),
    )


def secret(child: pexpect.spawn, prompt: str, value: str) -> None:
    """Answer a prompt and check that the answer is not echoed back."""
    child.expect(prompt)
    child.sendline(value)
    child.expect(r"\r?\n")
    assert value not in (child.before or "")


def finish(child: pexpect.spawn) -> tuple[int, str]:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before or ""


def confirm_key(child: pexpect.spawn) -> str:
    child.expect(KEY)
    key = child.match.group(1)
    child.expect("type its last group")
    child.sendline(key.rsplit("-", 1)[1])
    child.expect("Thank you")
    return key


@pytest.fixture
def jpath(tmp_path: Path) -> Path:
    return tmp_path / "data" / "journal.kapj"


def test_init_asks_twice_hides_it_and_confirms_the_recovery_key(jpath: Path) -> None:
    child = spawn(jpath, "init", "--region", "GB")
    secret(child, "New passphrase", PASSPHRASE)
    secret(child, "The same passphrase again", PASSPHRASE)
    key = confirm_key(child)
    status, rest = finish(child)
    assert status == 0
    journal = Journal.unlock(jpath, PASSPHRASE)
    assert journal.recovery_pending is None  # confirmed
    journal.lock()
    Journal.recover(jpath, key).lock()


def test_init_refuses_a_short_passphrase(jpath: Path) -> None:
    child = spawn(jpath, "init", "--region", "GB")
    secret(child, "New passphrase", "short")
    status, rest = finish(child)
    assert status == 1 and "at least 8 characters" in rest and not jpath.exists()


def test_init_not_confirmed_keeps_the_key_until_next_time(jpath: Path) -> None:
    child = spawn(jpath, "init", "--region", "GB")
    secret(child, "New passphrase", PASSPHRASE)
    secret(child, "The same passphrase again", PASSPHRASE)
    child.expect("type its last group")
    child.sendline("NOPE!")
    status, rest = finish(child)
    assert status == 0 and "Not confirmed" in rest
    journal = Journal.unlock(jpath, PASSPHRASE)
    assert journal.recovery_pending is not None
    journal.lock()


def _existing(jpath: Path) -> str:
    journal, key = Journal.create(jpath, PASSPHRASE, kdf=FAST_KDF)
    journal.lock()
    return key


def test_passwd_asks_current_then_new_twice(jpath: Path) -> None:
    old_key = _existing(jpath)
    child = spawn(jpath, "passwd")
    secret(child, "Passphrase", PASSPHRASE)
    secret(child, "New passphrase", NEW)
    secret(child, "The same passphrase again", NEW)
    child.expect("Passphrase changed")
    status, rest = finish(child)
    assert status == 0 and "Your recovery key still works" in rest
    with pytest.raises(WrongPassphrase):
        Journal.unlock(jpath, PASSPHRASE)
    Journal.unlock(jpath, NEW).lock()
    Journal.recover(jpath, old_key).lock()


def test_passwd_with_the_wrong_current_passphrase_changes_nothing(jpath: Path) -> None:
    _existing(jpath)
    child = spawn(jpath, "passwd")
    secret(child, "Passphrase", "not the passphrase")
    status, rest = finish(child)
    assert status == 1 and "does not open this journal" in rest
    Journal.unlock(jpath, PASSPHRASE).lock()


def test_recover_asks_the_key_and_a_new_passphrase_and_replaces_the_key(jpath: Path) -> None:
    old_key = _existing(jpath)
    child = spawn(jpath, "recover")
    secret(child, "Recovery key", old_key.lower().replace("-", " "))
    secret(child, "New passphrase", NEW)
    secret(child, "The same passphrase again", NEW)
    new_key = confirm_key(child)
    status, _ = finish(child)
    assert status == 0 and new_key != old_key
    with pytest.raises(WrongPassphrase):
        Journal.recover(jpath, old_key)
    Journal.unlock(jpath, NEW).lock()
    Journal.recover(jpath, new_key).lock()


def test_recovery_key_command_replaces_the_key(jpath: Path) -> None:
    old_key = _existing(jpath)
    child = spawn(jpath, "recovery-key")
    secret(child, "Passphrase", PASSPHRASE)
    new_key = confirm_key(child)
    status, _ = finish(child)
    assert status == 0
    with pytest.raises(WrongPassphrase):
        Journal.recover(jpath, old_key)
    Journal.recover(jpath, new_key).lock()


def test_the_passphrase_comes_from_the_terminal_while_text_comes_from_stdin(
    jpath: Path,
) -> None:
    _existing(jpath)
    cmd = f"echo 'the sea was warm' | {sys.executable} -m kapjournal --journal {jpath} write"
    child = spawn(jpath, shell=cmd)
    secret(child, "Passphrase", PASSPHRASE)
    status, rest = finish(child)
    assert status == 0 and "Saved reflection" in rest
    assert Journal.unlock(jpath, PASSPHRASE).reflections()[0].body.strip() == "the sea was warm"


def test_export_passphrase_is_asked_twice(jpath: Path, tmp_path: Path) -> None:
    _existing(jpath)
    out = tmp_path / "summary.md.age"
    child = spawn(jpath, "export", "--passphrase", "-o", str(out))
    secret(child, "Passphrase for this export", "an export secret")
    secret(child, "The same passphrase again", "an export secret")
    secret(child, "Passphrase", PASSPHRASE)
    status, rest = finish(child)
    assert status == 0, rest
    assert out.read_bytes().startswith(b"age-encryption.org/v1")
