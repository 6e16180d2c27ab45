"""The pilot kit, kapjournal.testing: a pytest plugin that is cheap to load and honest to use."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import kapjournal.testing as kit
from kapjournal.journal import Journal, KdfCost
from kapjournal.testing import FakeMonotonic, FrozenClock

HEAVY = ("textual", "rich", "sqlmodel", "sqlalchemy", "cryptography", "pyrage", "orjson", "click")


def test_the_kit_is_a_pytest_plugin_by_entry_point() -> None:
    (plugin,) = [ep for ep in entry_points(group="pytest11") if ep.name == "kapjournal"]
    assert plugin.value == "kapjournal.testing"


def test_loading_the_plugin_imports_nothing_heavy(tmp_path: Path) -> None:
    code = (
        "import json, sys, kapjournal.testing\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r} or (m.startswith('kapjournal.') and m != 'kapjournal.testing'"
        " and m != 'kapjournal.clock'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert json.loads(done.stdout) == []


def test_fast_kdf_is_cheap_and_only_ever_explicit() -> None:
    assert KdfCost(memory_kib=64, passes=1, lanes=1) == kit.FAST_KDF
    assert KdfCost() != kit.FAST_KDF  # the default is the real cost
    with pytest.raises(AttributeError):
        _ = kit.NO_SUCH_NAME  # type: ignore[attr-defined]


def test_the_clock_fakes_move_only_when_told() -> None:
    clock = FrozenClock()
    assert clock() == kit.T0 and clock() == kit.T0
    clock.advance(days=1, minutes=5)
    assert (clock() - kit.T0).total_seconds() == 86_400 + 300
    monotonic = FakeMonotonic(5.0)
    assert monotonic() == 5.0
    monotonic.advance(2.5)
    assert monotonic() == 7.5
    with pytest.raises(ValueError):
        monotonic.advance(-1)


def test_the_fixtures_keep_a_test_private(
    kapjournal_home: Path, journal_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    assert os.environ["KAPJOURNAL_HOME"] == str(kapjournal_home)
    assert kapjournal_home.is_relative_to(tmp_path) and journal_path.is_relative_to(tmp_path)
    home = Path(os.environ["HOME"])
    assert home.is_dir() and not any(home.iterdir()) and not home.is_relative_to(tmp_path)
    assert Path("~/x").expanduser() == home / "x"
    for name in kit.PRIVATE_ENV:
        assert name not in os.environ


def test_make_app_builds_the_app_as_the_cli_does_but_cheap_and_without_timers(
    make_app, clock: FrozenClock, monotonic: FakeMonotonic, journal_path: Path
) -> None:
    app = make_app()
    assert app.journal_path == journal_path
    assert app.clock is clock and app.monotonic is monotonic
    assert app.kdf == kit.FAST_KDF and app.timers is False
    other = make_app(timers=True, monotonic=None)
    assert other.timers is True and other.monotonic is not monotonic


def test_existing_journal_is_on_disk_and_locked(
    existing_journal: Journal, journal_path: Path
) -> None:
    assert existing_journal.locked and journal_path.exists()
    again = Journal.unlock(journal_path, kit.PASSPHRASE)
    again.lock()
