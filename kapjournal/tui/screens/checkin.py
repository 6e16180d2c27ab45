"""Check in: mood, anxiety and energy from 0 to 10, and a note if you like.

Keys: ↑↓ choose a line; ←→ step; a digit sets it; "1" then "0" sets 10 (or ``+``/end);
enter saves; esc leaves without saving.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Footer, Input, Static

from kapjournal.errors import KapJournalError
from kapjournal.measures import CHECKIN_DISCLAIMER
from kapjournal.records import CheckIn
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.widgets.editor import JournalInput
from kapjournal.tui.widgets.keys import HELP_FIRST
from kapjournal.tui.widgets.scale import Scale
from kapjournal.tui.widgets.text import clean

TITLES = {
    "daily": "How are you right now?",
    "before-session": "Before your session: how are you right now?",
    "after-session": "After your session: how are you right now?",
}


class CheckInScreen(JournalScreen):
    """Three numbers and an optional note; saved as a CheckIn."""

    DEFAULT_CSS = """
    CheckInScreen { align: center top; }
    CheckInScreen #box { width: 76; max-width: 100%; height: auto; max-height: 100%;
                         padding: 0 1; margin-top: 1; border: round $primary 40%;
                         border-title-color: $text; border-title-style: bold; }
    CheckInScreen #scale-hint { color: $text-muted; margin-bottom: 1; }
    CheckInScreen Scale { margin-left: 0; }
    CheckInScreen #note-row { height: auto; margin-top: 1; margin-left: 2; }
    CheckInScreen #note-label { width: 10; color: $text-muted; }
    CheckInScreen #note { width: 1fr; }
    CheckInScreen #checkin-error { color: $warning; height: auto; margin: 1 0 0 2; }
    CheckInScreen #checkin-buttons { height: auto; margin-top: 1; }
    CheckInScreen #keys-hint { color: $text-muted; width: 1fr; }
    CheckInScreen #save { width: auto; min-width: 10; }
    CheckInScreen #disclaimer { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        HELP_FIRST,
        Binding("escape", "cancel", "cancel"),
        Binding("enter", "save", "save"),
        Binding("up", "app.focus_previous", "previous line", show=False),
        Binding("down", "app.focus_next", "next line", show=False),
    ]

    def __init__(self, context: str = "daily", session_id: str | None = None) -> None:
        super().__init__()
        self.context = context if context in TITLES else "daily"
        self.session_id = session_id

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static("0 worst · 10 best · not a clinical measure", id="scale-hint")
            yield Scale("Mood", id="mood")
            yield Scale("Anxiety", optional=True, id="anxiety")
            yield Scale("Energy", optional=True, id="energy")
            with Horizontal(id="note-row"):
                yield Static("Note", id="note-label")
                yield JournalInput(
                    placeholder="optional: a few words", max_length=500, compact=True, id="note"
                )
            yield Static("", id="checkin-error", classes="hidden")
            with Horizontal(id="checkin-buttons"):
                yield Static(
                    "↑↓ choose a line · ←→ or a digit sets it · 1 then 0 is 10",
                    id="keys-hint",
                )
                yield Button("Save", id="save", variant="primary", compact=True)
            yield Static(CHECKIN_DISCLAIMER, id="disclaimer")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#box").border_title = TITLES[self.context]
        self.query_one("#mood", Scale).focus()

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("checkin", {"context": self.context, "session_id": self.session_id})

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#save")
    def _submit(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        mood = self.query_one("#mood", Scale).value
        if mood is None:
            self._say("Choose a mood from 0 to 10 first (a digit, or ← →).")
            self.query_one("#mood", Scale).focus()
            return
        try:
            self.journal.add(
                CheckIn,
                mood=mood,
                anxiety=self.query_one("#anxiety", Scale).value,
                energy=self.query_one("#energy", Scale).value,
                note=self.query_one("#note", Input).value.strip(),
                context=self.context,
                session_id=self.session_id,
            )
        except KapJournalError as exc:
            self._say(f"Not saved: {exc}")
            return
        self.notify("Checked in. Thank you for noticing how you are.", title="Checked in")
        self.dismiss()

    def _say(self, text: str) -> None:
        error = self.query_one("#checkin-error", Static)
        error.update(Content(clean(text)))
        error.remove_class("hidden")

    def action_cancel(self) -> None:
        self.dismiss()
