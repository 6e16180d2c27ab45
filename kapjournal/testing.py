"""A pilot kit for testing kapjournal: fakes for time, a cheap-KDF app factory, and helpers.

Installed with kapjournal and registered as a pytest plugin (entry point ``pytest11`` named
``kapjournal``), so its fixtures are there in any project that has kapjournal installed; turn it off
with ``-p no:kapjournal``. See TESTING.md for a worked example.

Fixtures: ``kapjournal_home`` (a private ``KAPJOURNAL_HOME`` in ``tmp_path``), ``clock``
(``FrozenClock``), ``monotonic`` (``FakeMonotonic``), ``journal_path``, ``journal`` (an unlocked
journal), ``existing_journal`` (a journal on disk, locked again), ``make_app`` (the app factory).
Helpers: ``unlock``, ``wait_workers``, ``tick``, ``settle``, ``screen_text``, ``notifications``.

pytest loads this module in every run of every project that installs kapjournal, so it imports
nothing heavy at load time: Textual, the journal and the crypto are imported inside the fixtures
and helpers that need them. ``FAST_KDF`` is built on first use.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

    from kapjournal.journal import Journal, KdfCost
    from kapjournal.tui.app import KapJournalApp

    FAST_KDF: KdfCost

__all__ = [
    "FAST_KDF",
    "PASSPHRASE",
    "T0",
    "FakeMonotonic",
    "FrozenClock",
    "notifications",
    "screen_text",
    "settle",
    "tick",
    "unlock",
    "wait_workers",
]

PASSPHRASE = "correct horse battery staple"
"""The passphrase of every journal the fixtures create."""

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
"""Where ``FrozenClock`` starts: Monday 2 November 2026, 09:00 at UTC-05:00."""

# Environment variables that would point a test at a real journal, passphrase or debug output.
PRIVATE_ENV = (
    "KAPJOURNAL_JOURNAL",
    "KAPJOURNAL_PASSPHRASE",
    "KAPJOURNAL_EXPORT_PASSPHRASE",
    "KAPJOURNAL_RECOVERY_KEY",
    "KAPJOURNAL_DEBUG",
)


@functools.cache
def _fast_kdf() -> KdfCost:
    from kapjournal.journal import KdfCost

    # Cheap Argon2id, for tests only; passed explicitly, as no setting or variable can lower it.
    return KdfCost(memory_kib=64, passes=1, lanes=1)


def __getattr__(name: str) -> Any:
    """``FAST_KDF`` is built on first use, so loading the plugin does not import the journal."""
    if name == "FAST_KDF":
        return _fast_kdf()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- time ----------------------------------------------------------------------------------------


class FrozenClock:
    """A wall clock that stands still until a test moves it (``advance`` or set ``now``).

    Pass it as ``clock=``: records are stamped with it and "today" is its date."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move forward by ``timedelta(**delta)``, e.g. ``advance(days=1)``."""
        self.now += timedelta(**delta)


class FakeMonotonic:
    """A monotonic clock (seconds) that stands still until a test moves it.

    Pass it as ``monotonic=``: autosave and auto-lock measure time with it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock never goes back")
        self.now += seconds


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def kapjournal_home(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A private ``KAPJOURNAL_HOME`` (config, prompt packs) in ``tmp_path``, and a private, empty
    ``HOME`` beside it (an export's default file is ``~/kapjournal-summary-….md.age``); the
    variables that could reach a real journal or passphrase are removed for the test."""
    home = tmp_path / "home"
    monkeypatch.setenv("KAPJOURNAL_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("user")))
    for name in PRIVATE_ENV:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def clock() -> FrozenClock:
    """A ``FrozenClock`` at ``T0``."""
    return FrozenClock()


@pytest.fixture
def monotonic() -> FakeMonotonic:
    """A ``FakeMonotonic`` at 1000.0 s."""
    return FakeMonotonic()


@pytest.fixture
def journal_path(tmp_path: Path, kapjournal_home: Path) -> Path:
    """Where the test's journal lives (the file does not exist until something creates it)."""
    return tmp_path / "data" / "journal.kapj"


@pytest.fixture
def journal(journal_path: Path, clock: FrozenClock) -> Iterator[Journal]:
    """A new, unlocked journal at ``journal_path`` (cheap KDF, passphrase ``PASSPHRASE``)."""
    from kapjournal.journal import Journal

    opened, _recovery_key = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=_fast_kdf())
    yield opened
    if not opened.locked:
        opened.lock()


@pytest.fixture
def existing_journal(journal_path: Path, clock: FrozenClock) -> Journal:
    """A journal on disk, locked again: an app made by ``make_app`` starts at the unlock screen.
    Unlock it in a test with ``Journal.unlock(journal_path, PASSPHRASE)`` to add data first."""
    from kapjournal.journal import Journal

    created, _recovery_key = Journal.create(journal_path, PASSPHRASE, clock=clock, kdf=_fast_kdf())
    created.lock()
    return created


@pytest.fixture
def make_app(
    journal_path: Path, clock: FrozenClock, monotonic: FakeMonotonic
) -> Callable[..., KapJournalApp]:
    """``make_app(**overrides)`` builds ``KapJournalApp`` as the CLI does, but on ``journal_path``
    with the ``clock`` and ``monotonic`` fixtures, the cheap KDF and ``timers=False`` (no real timer
    runs: call ``tick``). Any keyword overrides these, e.g. ``make_app(prompt_dirs=[folder])``."""

    def make(**overrides: Any) -> KapJournalApp:
        from kapjournal.tui.app import KapJournalApp

        options: dict[str, Any] = {
            "clock": clock,
            "kdf": _fast_kdf(),
            "monotonic": monotonic,
            "timers": False,
        }
        options.update(overrides)
        return KapJournalApp(journal_path, **options)

    return make


# --- helpers for a test running an app under the pilot ------------------------------------------


async def wait_workers(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs (KDF, loading, saving, export, locking) and the messages they
    posted are handled: the screen they lead to is mounted. A worker that failed raises here."""
    app = pilot.app
    for _ in range(50):  # workers may start workers (unlock, then the home screen loads)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            return


async def unlock(pilot: Pilot[Any], passphrase: str = PASSPHRASE) -> None:
    """On the unlock screen: type the passphrase, press enter, wait for the workers. Afterwards
    the app is on Home (or on the unlock screen with ``#unlock-error``, for a wrong one)."""
    pilot.app.screen.query_one("#passphrase").focus()
    await pilot.press(*passphrase)
    await pilot.press("enter")
    await wait_workers(pilot)


async def tick(pilot: Pilot[Any], seconds: float = 0.0) -> None:
    """Let ``seconds`` pass, then run the app's timers once (``app.tick()``) and wait for what they
    started. Time passes on the app's ``monotonic`` (what autosave and auto-lock measure) and on its
    ``clock`` (what "saved 2 minutes ago" reads) if they are the kit's fakes."""
    app = pilot.app
    if seconds:
        for name in ("monotonic", "clock"):
            fake = getattr(app, name, None)
            if isinstance(fake, FakeMonotonic):
                fake.advance(seconds)
            elif isinstance(fake, FrozenClock):
                fake.advance(seconds=seconds)
            elif name == "monotonic":
                raise TypeError("tick(seconds=...) needs the app built with a FakeMonotonic")
    app.tick()  # type: ignore[attr-defined]
    await wait_workers(pilot)


async def settle(pilot: Pilot[Any], *, clear_notifications: bool = True) -> None:
    """Bring the screen to rest before a snapshot: workers done, animations finished, text
    cursors steady (not blinking), and notifications cleared unless asked to keep them."""
    app = pilot.app
    await wait_workers(pilot)
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    if clear_notifications:
        app.clear_notifications()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def screen_text(app: App[Any]) -> str:
    """Everything the active screen shows in its ``Static`` widgets, as plain text, one widget a
    line (``Label`` and ``Button`` are ``Static`` too; inputs and lists are not)."""
    from textual.widgets import Static

    return "\n".join(str(w.content) for w in app.screen.query(Static) if w.display)


def notifications(app: App[Any]) -> list[str]:
    """The notifications ("toasts") the app holds now, as ``"title: message"`` or ``"message"``.
    With ``timers=False`` they stay until cleared (``app.clear_notifications()``)."""
    return [f"{n.title}: {n.message}" if n.title else n.message for n in app._notifications]
