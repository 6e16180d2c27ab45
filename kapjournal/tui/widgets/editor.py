"""The built-in editor and the small dialogs the writing screens share.

The patient's words never leave the app: copy and cut keep the text in the app's own memory
(so paste inside kapjournal still works) and never send it to the terminal's clipboard (OSC 52).
"""

from __future__ import annotations

from rich.segment import Segment
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Button, Footer, Input, Static, TextArea

from kapjournal.tui.widgets.keys import HELP_FIRST, HelpFirst

# C0 controls but tab and newline, DEL and C1: shown as nothing, so text typed or imported with
# escape sequences can never drive the terminal (colours, titles, OSC 52 clipboard writes).
_CONTROLS = {c: None for c in (*range(0, 9), *range(11, 32), 127, *range(0x80, 0xA0))}


def _no_controls(strip: Strip) -> Strip:
    if not any(ch in _CONTROLS for seg in strip for ch in map(ord, seg.text)):
        return strip
    return Strip(
        [Segment(seg.text.translate(_CONTROLS), seg.style, seg.control) for seg in strip],
        strip.cell_length,
    )


class JournalTextArea(TextArea):
    """A soft-wrapping TextArea that never draws control characters (copy stays in the app)."""

    DEFAULT_CSS = """
    JournalTextArea { max-width: 78; height: 8; }
    """

    def __init__(self, text: str = "", **kwargs: object) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        kwargs.setdefault("show_line_numbers", False)
        super().__init__(text, **kwargs)  # type: ignore[arg-type]

    def render_line(self, y: int) -> Strip:
        """The stored text is edited as it is; only what reaches the terminal is cleaned."""
        return _no_controls(super().render_line(y))


class JournalInput(Input):
    """An Input that never sends control characters in its value to the terminal."""

    def render_line(self, y: int) -> Strip:
        return _no_controls(super().render_line(y))


class Confirm(HelpFirst, ModalScreen[bool]):
    """A calm yes/no question. Dismisses with True only for the explicit "yes" button."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm #confirm-box { width: 60; max-width: 100%; height: auto; padding: 1 2;
                           border: round $primary 40%; background: $surface; }
    Confirm #confirm-question { margin-bottom: 1; }
    Confirm Horizontal { height: auto; align-horizontal: right; }
    Confirm Button { margin-left: 2; }
    """
    BINDINGS = [HELP_FIRST, Binding("escape", "no", "cancel")]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal():
                yield Button(self.no, id="confirm-no", variant="primary")
                yield Button(self.yes, id="confirm-yes")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags as typed, separated by commas; a leading # is dropped; duplicates once."""
    seen: dict[str, None] = {}
    for part in text.split(","):
        tag = part.strip().lstrip("#").strip()
        if tag and tag.casefold() not in {t.casefold() for t in seen}:
            seen[tag] = None
    return tuple(seen)


def saved_phrase(seconds: float) -> str:
    """'saved just now', 'saved a few seconds ago', 'saved 3 minutes ago'."""
    if seconds < 2:
        return "saved just now"
    if seconds < 60:
        return "saved a few seconds ago"
    minutes = int(seconds // 60)
    if minutes < 60:
        return "saved a minute ago" if minutes == 1 else f"saved {minutes} minutes ago"
    return "saved over an hour ago"
