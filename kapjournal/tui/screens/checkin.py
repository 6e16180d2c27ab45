"""Check in: mood, anxiety and energy from 0 to 10, a note if you like, and after a session a
few optional questions a ketamine clinician watches (bladder, sleep, lasting dissociation, urges).

Each scale says what its ends mean: mood 0 worst – 10 best, anxiety 0 none – 10 extreme, energy
0 exhausted – 10 full of energy. The after-session questions appear in an after-session check-in
and in any check-in within a week of a session; every one is optional.

Keys: ↑↓ choose a line; ←→ step; a digit sets it; "1" then "0" sets 10 (or ``+``/end);
enter saves; esc leaves without saving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Static

from kapjournal import measures
from kapjournal.errors import KapJournalError
from kapjournal.measures import CHECKIN_DISCLAIMER, AfterEffect
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
AFTER_DAYS = 7  # after-session questions are asked in check-ins up to a week after a session
CHOICE_LABEL_WIDTH = 18
# Each answer column as wide as its longest answer, so the rows line up.
CHOICE_COLUMNS = [max(len(q.answers[n]) for q in measures.AFTER_EFFECT_QUESTIONS) for n in range(3)]
ASK_HINT = "On a line, its whole question shows here. 0, 1 or 2 answers it."


class Choice(Widget, can_focus=True):
    """One optional 0/1/2 answer on a line: ``› Sleep          [no trouble]  some  a lot``."""

    DEFAULT_CSS = """
    Choice { height: 1; width: auto; min-width: 52; }
    Choice:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("left", "step(-1)", show=False),
        Binding("right", "step(1)", show=False),
        Binding("backspace,delete", "clear", show=False),
    ]

    value: reactive[int | None] = reactive(None)

    @dataclass
    class Focused(Message):
        choice: Choice

    def __init__(self, question: AfterEffect, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question = question

    def render(self) -> Content:
        marker = "› " if self.has_focus else "  "
        parts = [Content(marker + self.question.label.ljust(CHOICE_LABEL_WIDTH - 2))]
        for n, word in enumerate(self.question.answers):
            if n == self.value:
                parts.append(Content.from_markup("[b reverse $primary]$w[/]", w=f"[{word}]"))
            else:
                parts.append(Content(f" {word} "))
            parts.append(Content(" " * (CHOICE_COLUMNS[n] - len(word) + 1)))
        return Content("").join(parts)

    def on_focus(self) -> None:
        self.post_message(self.Focused(self))
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_step(self, delta: int) -> None:
        if self.value is None:
            self.value = 0
        else:
            self.value = min(2, max(0, self.value + delta))

    def action_clear(self) -> None:
        self.value = None

    def on_key(self, event: events.Key) -> None:
        if event.character in ("0", "1", "2"):
            event.stop()
            self.value = int(event.character)

    def on_click(self, event: events.Click) -> None:
        x = event.x - CHOICE_LABEL_WIDTH
        for n in range(len(self.question.answers)):
            width = CHOICE_COLUMNS[n] + 3
            if 0 <= x < width:
                self.value = n
                return
            x -= width


class Box(VerticalScroll, can_focus=False, inherit_bindings=False):
    """Scrolls when the terminal is short (focus brings each line into view), but leaves ↑↓ to
    moving between lines."""


class CheckInScreen(JournalScreen):
    """Three numbers, an optional note, and after a session four optional answers; a CheckIn."""

    DEFAULT_CSS = """
    CheckInScreen { align: center top; }
    CheckInScreen #box { width: 78; max-width: 100%; height: auto; max-height: 100%;
                         padding: 0 1; margin-top: 1; border: round $primary 40%;
                         border-title-color: $text; border-title-style: bold; }
    CheckInScreen #scale-hint { color: $text-muted; margin-bottom: 1; }
    CheckInScreen Scale { margin-left: 0; }
    CheckInScreen #after-heading { margin-top: 1; text-style: bold; }
    CheckInScreen #after-question { color: $text-muted; height: 2; margin-left: 2; }
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

    def asks_after_effects(self) -> bool:
        """After a session: in an after-session check-in, or within a week of a session."""
        if self.context == "after-session":
            return True
        if self.context != "daily":
            return False
        now = self.now()
        return any(
            timedelta(0) <= now - s.when <= timedelta(days=AFTER_DAYS)
            for s in self.journal.sessions()
        )

    def compose(self) -> ComposeResult:
        with Box(id="box"):
            yield Static(
                "Mood is needed; the others are optional. Your own ratings, not a clinical "
                "measure.",
                id="scale-hint",
            )
            yield Scale("Mood", hint=measures.scale_hint("mood"), id="mood")
            yield Scale("Anxiety", optional=True, hint=measures.scale_hint("anxiety"), id="anxiety")
            yield Scale("Energy", optional=True, hint=measures.scale_hint("energy"), id="energy")
            if self.asks_after_effects():
                yield Static(
                    "Since your session (optional; for you and your care team)", id="after-heading"
                )
                for question in measures.AFTER_EFFECT_QUESTIONS:
                    yield Choice(question, id=f"after-{question.field}")
                yield Static(ASK_HINT, id="after-question")
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

    @on(Choice.Focused)
    def _explain(self, event: Choice.Focused) -> None:
        self.query_one("#after-question", Static).update(event.choice.question.question)

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#save")
    def _submit(self) -> None:
        self.action_save()

    def after_effects(self) -> dict[str, int | None]:
        return {c.question.field: c.value for c in self.query(Choice)}

    def action_save(self) -> None:
        mood = self.query_one("#mood", Scale).value
        if mood is None:
            self._say("Choose a mood from 0 to 10 first (a digit, or ← →).")
            self.query_one("#mood", Scale).focus()
            return
        after = self.after_effects()
        try:
            self.journal.add(
                CheckIn,
                mood=mood,
                anxiety=self.query_one("#anxiety", Scale).value,
                energy=self.query_one("#energy", Scale).value,
                note=self.query_one("#note", Input).value.strip(),
                context=self.context,
                session_id=self.session_id,
                **after,
            )
        except KapJournalError as exc:
            self._say(f"Not saved: {exc}")
            return
        message = "Checked in. Thank you for noticing how you are."
        if any(v == 2 for v in after.values()) or after.get("urinary"):
            message += f" {measures.AFTER_EFFECTS_NOTE}"
        self.notify(message, title="Checked in", timeout=10 if after else 5)
        self.dismiss()

    def _say(self, text: str) -> None:
        error = self.query_one("#checkin-error", Static)
        error.update(Content(clean(text)))
        error.remove_class("hidden")

    def action_cancel(self) -> None:
        self.dismiss()
