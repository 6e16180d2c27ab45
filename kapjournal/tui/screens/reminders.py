"""Calendar reminders: the plan saved as an iCalendar file for the calendar the patient already uses.

The dialog lists exactly the events the file will hold (their days and titles, which say nothing
private) and writes a new file (0600, never overwriting an existing one).
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Static

from kapjournal.calendar import Reminder, default_name, reminders, to_ics
from kapjournal.errors import KapJournalError
from kapjournal.tui.base import JournalModal
from kapjournal.tui.widgets.editor import JournalInput
from kapjournal.tui.widgets.keys import HELP_FIRST

ABOUT = (
    "kapjournal never contacts anyone. To be reminded, save your plan as a calendar file and open "
    "it with the calendar you already use. Calendars sync and show on lock screens, so the "
    "reminders say nothing about what you write:"
)


class RemindersScreen(JournalModal):
    """Write the plan's coming exercises, and the day before a known next session, as .ics."""

    DEFAULT_CSS = """
    RemindersScreen { align: center middle; }
    RemindersScreen #reminders-box { width: 72; max-width: 100%; height: auto; max-height: 100%;
                                     border: round $primary 40%; border-title-color: $text;
                                     background: $surface; padding: 0 1; }
    RemindersScreen #reminders-scroll { height: auto; max-height: 1fr; }
    RemindersScreen #reminders-about { color: $text-muted; margin-bottom: 1; }
    RemindersScreen #reminders-list { margin-bottom: 1; }
    RemindersScreen #reminders-row { height: 1; }
    RemindersScreen #reminders-row > Static { width: 6; color: $text-muted; }
    RemindersScreen #reminders-path { width: 1fr; background: $boost; }
    RemindersScreen #reminders-write { margin-left: 1; min-width: 12; }
    RemindersScreen #reminders-status { height: auto; color: $warning; }
    """
    BINDINGS = [
        HELP_FIRST,
        Binding("enter", "write", "write file", priority=True),
        Binding("escape", "cancel", "cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Reminder] = []

    def compose(self) -> ComposeResult:
        now = self.now()
        try:
            self.items = reminders(self.journal.plan(self.catalog), now)
        except KapJournalError:
            self.items = []
        with Vertical(id="reminders-box"):
            with VerticalScroll(id="reminders-scroll"):
                yield Static(ABOUT, id="reminders-about")
                yield Static(self._listing(), id="reminders-list", markup=False)
            with Horizontal(id="reminders-row"):
                yield Static("File")
                yield JournalInput(
                    f"~/{default_name(now.date())}", compact=True, id="reminders-path"
                )
                yield Button("Write file", id="reminders-write", variant="primary", compact=True)
            yield Static("", id="reminders-status", markup=False)
        yield Footer(show_command_palette=False)

    def _listing(self) -> str:
        if not self.items:
            return (
                "Nothing is planned yet. Reminders appear here once you log a session (s on Home)."
            )
        today = self.now().date()
        days = [f"{r.day:%a %-d %b}" + ("" if r.day.year == today.year else f" {r.day.year}")
                for r in self.items]  # fmt: skip
        width = max(map(len, days))
        lines = [f"  {day:<{width}}   {r.title}" for day, r in zip(days, self.items, strict=True)]
        lines += ["", "Each is an all-day event with a reminder at 9:00."]
        return "\n".join(lines)

    def on_mount(self) -> None:
        self.query_one("#reminders-box").border_title = "Calendar reminders"
        self.query_one("#reminders-path", Input).focus()

    @on(Input.Submitted, "#reminders-path")
    @on(Button.Pressed, "#reminders-write")
    def action_write(self) -> None:
        from kapjournal.summary.sharing import write_new

        status = self.query_one("#reminders-status", Static)
        if not self.items:
            status.update("There is nothing to remind you of yet.")
            return
        raw = self.query_one("#reminders-path", Input).value.strip()
        if not raw:
            status.update("Give the file a name first.")
            return
        text = to_ics(self.items, self.now())
        try:
            written = write_new(Path(raw).expanduser(), text.encode())
        except KapJournalError as exc:
            status.update(f"Not written: {exc}.")
            return
        except OSError as exc:
            status.update(f"Not written: {exc.strerror or 'the file could not be created'}.")
            return
        count = len(self.items)
        self.notify(
            f"{count} reminder{'' if count == 1 else 's'} written to {written}. "
            "Open the file with your calendar app.",
            timeout=10,
        )
        self.dismiss()

    def action_cancel(self) -> None:
        self.dismiss()
