"""Write without unlocking: a plain editor whose words are sealed to the journal as they come.

For the hour after a session, when a long passphrase is hard to type. The text is sealed to the
journal's public key on every save (never stored in plaintext, as everywhere else): it can be added,
not read, and becomes a private reflection at the next unlock. Nothing of the journal is shown.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from kapjournal.errors import KapJournalError
from kapjournal.tui.widgets.editor import JournalTextArea
from kapjournal.tui.widgets.keys import HELP_FIRST


class CaptureScreen(Screen[None]):
    """Words kept while locked. The same capture is replaced as the patient goes on writing."""

    AUTOSAVE_SECONDS: ClassVar[float] = 3.0
    DEFAULT_CSS = """
    CaptureScreen { align: center top; }
    CaptureScreen #capture-box { width: 80; max-width: 100%; height: 1fr; padding: 1 1 0 1; }
    CaptureScreen #capture-title { text-style: bold; }
    CaptureScreen #capture-note { color: $text-muted; margin-bottom: 1; }
    CaptureScreen #capture-text { height: 1fr; max-width: 78; }
    CaptureScreen #capture-status { color: $text-muted; height: 1; }
    CaptureScreen #capture-status.error { color: $error; }
    """
    BINDINGS = [
        HELP_FIRST,
        Binding("escape", "done", "done"),
        Binding("ctrl+s", "keep", "keep now"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.capture_id = str(uuid.uuid4())
        self._kept_text = ""
        self._error: str | None = None
        self._kept_at: float | None = None  # when keep() last ran, on the app's monotonic clock

    def compose(self) -> ComposeResult:
        with Vertical(id="capture-box"):
            yield Static("Write without unlocking", id="capture-title")
            yield Static(
                "What you write here is sealed as you go. It joins your journal as a private "
                "reflection the next time you unlock; until then nobody can read it, you included.",
                id="capture-note",
            )
            yield JournalTextArea(id="capture-text")
            yield Static("seals as you write", id="capture-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#capture-text", TextArea).focus()
        self._kept_at = self._monotonic()

    def _monotonic(self) -> float:
        return float(self.app.monotonic())  # type: ignore[attr-defined]

    def tick(self) -> None:
        """Called by ``app.tick()``: seal the words every ``AUTOSAVE_SECONDS`` (monotonic)."""
        if self._kept_at is not None and self._monotonic() - self._kept_at >= self.AUTOSAVE_SECONDS:
            self._kept_at = self._monotonic()
            self.keep()

    @property
    def text(self) -> str:
        return self.query_one("#capture-text", TextArea).text

    def keep(self) -> bool:
        """Seal what is on screen if it changed. False (and the words kept here) if it failed."""
        text = self.text
        if not text.strip() or text == self._kept_text:
            return True
        from kapjournal.journal import Journal

        kapp = self.app
        try:
            Journal.capture(
                kapp.journal_path,  # type: ignore[attr-defined]
                text,
                clock=kapp.clock,  # type: ignore[attr-defined]
                capture_id=self.capture_id,
            )
        except KapJournalError as exc:
            self._error = str(exc)
            self._show(f"not kept: {exc} · your words are still here", error=True)
            return False
        self._kept_text, self._error = text, None
        self._show(f"sealed at {kapp.clock():%H:%M} · private")  # type: ignore[attr-defined]
        return True

    def before_lock(self) -> None:
        """Called by the app before it quits or stops: keep what was written."""
        self.keep()

    def _show(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#capture-status", Static)
        status.update(text)
        status.set_class(error, "error")

    @on(TextArea.Changed, "#capture-text")
    def _changed(self) -> None:
        if self._error is None and self.text != self._kept_text:
            self._show("seals as you write")

    def action_keep(self) -> None:
        self.keep()

    def action_done(self) -> None:
        if not self.keep():
            self.notify(
                f"Could not keep it: {self._error}. Your words are still here.",
                severity="error",
                markup=False,
            )
            return
        if self._kept_text:
            self.notify("Kept and sealed. It joins your journal when you next unlock.")
        self.dismiss()
