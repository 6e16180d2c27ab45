"""What every journal screen shares: the open journal, the clock, and the lock hooks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.screen import ModalScreen, Screen

from kapjournal.tui.widgets.keys import HelpFirst

if TYPE_CHECKING:
    from kapjournal.exercises import Catalog
    from kapjournal.journal import Journal
    from kapjournal.tui.app import KapJournalApp


class JournalMixin(HelpFirst):
    """Access to the unlocked journal from a screen; only valid while unlocked (f1 shown first)."""

    @property
    def kapp(self) -> KapJournalApp:
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

    def before_lock(self) -> None:
        """Save anything unsaved (as an encrypted draft) before the journal locks."""

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        """How to reopen this screen after unlocking: a screen name and its arguments."""
        return None


class JournalScreen(JournalMixin, Screen[Any]):
    """A full screen of the unlocked journal."""


class JournalModal(JournalMixin, ModalScreen[Any]):
    """A dialog over a journal screen."""
