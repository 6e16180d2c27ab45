"""What every journal screen shares: the open journal, the clock, and the lock and tick hooks.

Screens see the app through ``JournalApp``, a protocol, so this module never imports the app
(``tui/app.py`` imports this one; the other way round would be an import cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from textual.screen import ModalScreen, Screen

from kapjournal.tui.widgets.keys import HelpFirst

if TYPE_CHECKING:
    from kapjournal.clock import Clock
    from kapjournal.exercises import Catalog
    from kapjournal.journal import Journal, KdfCost


class JournalApp(Protocol):
    """What a journal screen may use of the app (``KapJournalApp`` provides it)."""

    journal_path: Path
    journal: Journal | None
    catalog: Catalog
    clock: Clock
    monotonic: Callable[[], float]
    kdf: KdfCost | None
    demo_passphrase: str | None
    timers: bool

    def open(self, name: str, **kwargs: Any) -> None: ...

    def tick(self) -> None: ...


class JournalMixin(HelpFirst):
    """Access to the unlocked journal from a screen; only valid while unlocked (f1 shown first)."""

    @property
    def kapp(self) -> JournalApp:
        return self.app  # type: ignore[attr-defined,no-any-return]

    @property
    def journal(self) -> Journal:
        journal = self.kapp.journal
        assert journal is not None, "screen used while the journal is locked"
        return journal

    @property
    def catalog(self) -> Catalog:
        return self.kapp.catalog

    def now(self) -> datetime:
        return self.kapp.clock()

    def monotonic(self) -> float:
        """The app's monotonic clock (injected in tests): what timed behaviour is decided by."""
        return self.kapp.monotonic()

    def tick(self) -> None:
        """Called by ``app.tick()`` for every open journal screen: do what is due by now
        (autosave, a status line that says how long ago). Never waits, never starts a timer."""

    def before_lock(self) -> None:
        """Save anything unsaved (as an encrypted draft) before the journal locks."""

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        """How to reopen this screen after unlocking: a screen name and its arguments."""
        return None


class JournalScreen(JournalMixin, Screen[Any]):
    """A full screen of the unlocked journal."""


class JournalModal(JournalMixin, ModalScreen[Any]):
    """A dialog over a journal screen."""
