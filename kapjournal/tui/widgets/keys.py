"""Bindings shared by our screens, and the ``?`` panel that lists every key of a screen.

``HELP_FIRST`` repeats the app's help binding at the start of a screen's BINDINGS: the app's
priority binding still handles the key, but the footer then shows "f1/^g Get help now" first, so
it is never cut off on a narrow terminal. ctrl+g ("get help") is there because GNOME Terminal,
Terminator and MATE take f1 for their own help, and Mac laptops need fn+f1.

A footer has room for about seven keys at 80 columns. A screen that offers more shows its main
keys and ``KEYS_PANEL`` ("? keys"); the panel lists all of them, and the keys that work everywhere.
A screen can add lines for keys that belong to its widgets (``KEY_NOTES``: ``[("⏎", "open")]``).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

HELP_KEYS = "f1,ctrl+g"
HELP_KEY_DISPLAY = "f1/^g"
HELP_FIRST = Binding(HELP_KEYS, "app.help", "Get help now", key_display=HELP_KEY_DISPLAY)
KEYS_PANEL = Binding("question_mark", "app.keys", "keys", key_display="?")

EVERYWHERE: list[tuple[str, str]] = [
    ("f1, ctrl+g", "Get help now: crisis lines and your safety plan"),
    ("ctrl+l", "lock the journal at once"),
    ("ctrl+q", "quit (drafts are saved first)"),
    ("ctrl+p", "commands: every screen by name"),
    ("esc", "back, or close a dialog"),
    ("?", "this list (when no text box has the cursor)"),
]
_EVERYWHERE_ACTIONS = {"app.help", "help", "lock", "quit", "command_palette", "keys", "app.keys",
                       "app.lock", "app.quit"}  # fmt: skip
_TEXTUAL_ACTIONS = {"app.focus_next", "app.focus_previous", "screen.copy_text"}  # Screen's own


class HelpFirst:
    """For a screen: the footer lists f1 (Get help now) first, whichever widget has focus.

    Textual orders the footer from the focused widget outwards, so a screen binding that takes
    over a text box's key (ctrl+→ for the next step) would otherwise push f1 to the end.
    """

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        bindings: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        first = {k: v for k, v in bindings.items() if v.binding.action in ("app.help", "help")}
        return {**first, **{k: v for k, v in bindings.items() if k not in first}}


def key_name(display: str) -> str:
    """ "^s" as "ctrl+s": the panel has room to spell it out."""
    return f"ctrl+{display[1:]}" if display.startswith("^") and len(display) > 1 else display


def screen_keys(screen: Screen[Any]) -> list[tuple[str, str]]:
    """The keys a screen offers (its own bindings and notes), one row per action, in order."""
    app = screen.app
    rows: dict[str, tuple[list[str], str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if active.node is not screen or not binding.description:
            continue
        if binding.action in _EVERYWHERE_ACTIONS | _TEXTUAL_ACTIONS:
            continue
        shown = key_name(app.get_key_display(binding))
        keys, _ = rows.setdefault(binding.action, ([], binding.description))
        if shown not in keys:
            keys.append(shown)
    out = [(" / ".join(keys), description) for keys, description in rows.values()]
    out += list(getattr(screen, "KEY_NOTES", ()))
    return out


class KeysScreen(HelpFirst, ModalScreen[None]):
    """Every key of the screen underneath, then the keys that work everywhere."""

    DEFAULT_CSS = """
    KeysScreen { align: center middle; }
    KeysScreen > Footer { dock: bottom; }
    KeysScreen #keys-box { width: 64; max-width: 100%; height: auto; max-height: 100%;
                           border: round $primary 40%; border-title-color: $text;
                           background: $surface; padding: 0 1; }
    KeysScreen #keys-scroll { height: auto; max-height: 1fr; }
    KeysScreen .keys-heading { text-style: bold; margin-top: 1; }
    KeysScreen .keys-heading.-first { margin-top: 0; }
    """
    BINDINGS = [HELP_FIRST, Binding("escape,question_mark,q", "dismiss", "close")]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def _table(self, rows: list[tuple[str, str]]) -> Content:
        width = max(len(k) for k, _ in [*self.rows, *EVERYWHERE])
        return Content("\n").join(
            Content.assemble((k.ljust(width + 2), "bold"), (d, "")) for k, d in rows
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="keys-box"), VerticalScroll(id="keys-scroll"):
            if self.rows:
                yield Static("On this screen", classes="keys-heading -first")
                yield Static(self._table(self.rows), id="keys-screen")
            yield Static("Everywhere", classes="keys-heading" + ("" if self.rows else " -first"))
            yield Static(self._table(EVERYWHERE), id="keys-everywhere")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#keys-box").border_title = "Keys"
