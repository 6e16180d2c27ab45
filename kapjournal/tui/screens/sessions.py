"""The course of sessions: a list, and a form to log or edit one.

Keys (list): enter edit, n new, d delete (asks first), esc back.
Keys (form): ctrl+s save, esc cancel (asks first when something changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Input,
    Label,
    Select,
    Static,
    TextArea,
)

from kapjournal import dates
from kapjournal.errors import KapJournalError
from kapjournal.records import ROUTE_LABELS, ROUTES, SIDE_EFFECTS, DosingSession
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.widgets.editor import Confirm, JournalInput, JournalTextArea
from kapjournal.tui.widgets.text import clean, one_line

WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H.%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def parse_when(text: str, now: datetime) -> datetime:
    """A date and time as the patient typed it, in their time zone (the clock's), 1900-2100."""
    return read_when(text, now).moment


def read_when(text: str, now: datetime) -> dates.When:
    """:func:`parse_when`, with a note when daylight saving moved the time (see ``dates``)."""
    text = " ".join(text.split())
    for fmt in WHEN_FORMATS:
        try:
            naive = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if not dates.in_bounds(naive.date()):
            raise ValueError(f"the date must be {dates.BOUNDS}")
        return dates.localize(naive, now.tzinfo)
    raise ValueError("write the date and time like 2026-11-02 09:30")


def side_effect_id(name: str) -> str:
    return "side-effect-" + name.replace(" ", "-")


class SessionFormScreen(JournalScreen):
    """Log a new session, or edit one. Only the date and route are needed; the rest is optional."""

    DEFAULT_CSS = """
    SessionFormScreen { align-horizontal: center; }
    SessionFormScreen #session-form { width: 100%; max-width: 80; height: 1fr; padding: 0 1; }
    SessionFormScreen #session-heading { text-style: bold; margin-bottom: 1; }
    SessionFormScreen .field { height: 1; margin-bottom: 1; }
    SessionFormScreen .field Label { width: 14; color: $text-muted; }
    SessionFormScreen .field Input, SessionFormScreen .field Select { width: 1fr; max-width: 62; }
    SessionFormScreen .hint { color: $warning; padding-left: 14; height: auto; margin-bottom: 1; }
    SessionFormScreen .label-above { color: $text-muted; }
    SessionFormScreen #session-intention { height: 4; margin-bottom: 1; }
    SessionFormScreen #session-notes { height: 4; }
    SessionFormScreen #session-side-effects { height: auto; layout: grid; grid-size: 3;
                                              grid-columns: 20 30 20;
                                              grid-gutter: 0 1; margin-bottom: 1; }
    SessionFormScreen #session-error { color: $warning; height: auto; margin: 1 0 0 0; }
    SessionFormScreen #session-buttons { height: auto; margin: 1 0; }
    SessionFormScreen #session-buttons Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "save", priority=True),
        Binding("escape", "cancel", "cancel"),
    ]

    def __init__(
        self, session_id: str | None = None, unsaved: dict[str, Any] | None = None
    ) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: DosingSession | None = None
        self._initial: dict[str, Any] = {}
        self._unsaved = unsaved  # what was typed before a lock, to put back after unlocking

    def compose(self) -> ComposeResult:
        found = self.journal.get(self.session_id) if self.session_id else None
        s = found if isinstance(found, DosingSession) else None
        self.session = s
        sessions = self.journal.sessions()
        zone = self.now().tzinfo
        when = (dates.in_zone(s.when, zone) if s else self.now()).strftime("%Y-%m-%d %H:%M")
        route: Any = s.route if s else (sessions[-1].route if sessions else Select.NULL)
        heading = f"Session {s.number}" if s else f"Log session {len(sessions) + 1}"
        with VerticalScroll(id="session-form"):
            yield Static(heading, id="session-heading")
            with Horizontal(classes="field"):
                yield Label("Date, time")
                yield JournalInput(
                    when, placeholder="2026-11-02 09:30", id="session-when", compact=True
                )
            yield Static("", id="session-when-hint", classes="hint")
            with Horizontal(classes="field"):
                yield Label("Route")
                yield Select(
                    [(ROUTE_LABELS[r], r) for r in ROUTES],
                    value=route,
                    prompt="How was it taken?",
                    id="session-route",
                    compact=True,
                )
            for key, label, hint in (
                ("dose", "Dose", "as you record it, e.g. 56 mg or 2 sprays"),
                ("setting", "Setting", "where, and what it was like"),
                ("support", "Support", "who was there"),
            ):
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield JournalInput(getattr(s, key) if s else "", placeholder=hint, id=f"session-{key}",
                                compact=True)  # fmt: skip
            yield Static("Your intention, in your words", classes="label-above")
            yield JournalTextArea(s.intention if s else "", id="session-intention")
            yield Static("Side effects", classes="label-above")
            with Vertical(id="session-side-effects"):
                for name in SIDE_EFFECTS:
                    ticked = bool(s and name in s.side_effects)
                    yield Checkbox(name, ticked, id=side_effect_id(name), compact=True)
            with Horizontal(classes="field"):
                yield Label("Dissociation")
                yield JournalInput(
                    "" if s is None or s.dissociation is None else str(s.dissociation),
                    placeholder="0 none … 10 complete (optional)",
                    id="session-dissociation",
                    compact=True,
                )
            with Horizontal(classes="field"):
                yield Label("BP before")
                yield JournalInput(s.bp_before if s else "", placeholder="like 120/80 (optional)",
                            id="session-bp-before", compact=True)  # fmt: skip
            with Horizontal(classes="field"):
                yield Label("BP after")
                yield JournalInput(s.bp_after if s else "", placeholder="like 120/80 (optional)",
                            id="session-bp-after", compact=True)  # fmt: skip
            yield Static("Notes", classes="label-above")
            yield JournalTextArea(s.notes if s else "", id="session-notes")
            yield Static("", id="session-error")
            with Horizontal(id="session-buttons"):
                yield Button("Save", id="session-save", variant="primary", compact=True)
                yield Button("Cancel", id="session-cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#session-when-hint").display = False
        self.query_one("#session-error").display = False
        self._initial = self.values()
        if self._unsaved:
            self.put_back(self._unsaved)
            self._unsaved = None
        self.query_one("#session-when", Input).focus()

    def put_back(self, values: dict[str, Any]) -> None:
        """Fill the form with values from :meth:`values` (after a lock and unlock)."""
        for key in ("when", "dose", "setting", "support", "dissociation", "bp_before", "bp_after"):
            self.query_one(f"#session-{key.replace('_', '-')}", Input).value = values[key]
        if values["route"] in ROUTES:
            self.query_one("#session-route", Select).value = values["route"]
        self.query_one("#session-intention", TextArea).load_text(values["intention"])
        self.query_one("#session-notes", TextArea).load_text(values["notes"])
        for name in SIDE_EFFECTS:
            box = self.query_one(f"#{side_effect_id(name)}", Checkbox)
            box.value = name in values["side_effects"]

    def values(self) -> dict[str, Any]:
        """What the form holds, as typed (not yet checked)."""
        text = lambda wid: self.query_one(wid, Input).value  # noqa: E731
        return {
            "when": text("#session-when"),
            "route": self.query_one("#session-route", Select).value,
            "dose": text("#session-dose"),
            "setting": text("#session-setting"),
            "support": text("#session-support"),
            "intention": self.query_one("#session-intention", TextArea).text,
            "side_effects": frozenset(
                n for n in SIDE_EFFECTS if self.query_one(f"#{side_effect_id(n)}", Checkbox).value
            ),
            "dissociation": text("#session-dissociation").strip(),
            "bp_before": text("#session-bp-before").strip(),
            "bp_after": text("#session-bp-after").strip(),
            "notes": self.query_one("#session-notes", TextArea).text,
        }

    def changed(self) -> bool:
        return self.values() != self._initial

    def show_error(self, message: str, field: str | None = None) -> None:
        error = self.query_one("#session-error", Static)
        error.update(Content(clean(message)))
        error.display = bool(message)
        if message:
            self.notify(message, severity="warning")
        if field:
            widget = self.query_one(field)
            widget.focus()
            widget.scroll_visible()

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        """Unsaved changes ride along in memory (sessions have no drafts) so a lock loses nothing."""
        unsaved = self.values() if self.changed() else None
        return ("session_form", {"session_id": self.session_id, "unsaved": unsaved})

    @on(Input.Changed, "#session-when")
    def _check_when(self, event: Input.Changed) -> None:
        hint = self.query_one("#session-when-hint", Static)
        try:
            hint.update(Content(read_when(event.value, self.now()).note))
        except ValueError as exc:
            hint.update(Content(clean(str(exc))))
        hint.display = bool(hint.content)

    @on(Button.Pressed, "#session-save")
    def action_save(self) -> None:
        v = self.values()
        try:
            when = parse_when(v["when"], self.now())
        except ValueError as exc:
            self.show_error(f"The date: {exc}.", "#session-when")
            return
        if v["route"] is Select.NULL:
            self.show_error("Choose how it was taken (or 'other').", "#session-route")
            return
        dissociation = None
        if v["dissociation"]:
            try:
                dissociation = int(v["dissociation"])
            except ValueError:
                dissociation = -1
            if not 0 <= dissociation <= 10:
                self.show_error("Dissociation is a whole number from 0 to 10, or empty.",
                                "#session-dissociation")  # fmt: skip
                return
        values = {**v, "when": when, "dissociation": dissociation}
        try:
            if self.session is None:
                saved = self.journal.add(DosingSession, **values)
            else:
                saved = self.journal.update(self.session, **values)
        except KapJournalError as exc:
            field = None
            if "blood pressure" in str(exc):
                bad = not v["bp_before"] or _bp_ok(v["bp_before"])
                field = "#session-bp-after" if bad else "#session-bp-before"
            self.show_error(f"Not saved: {exc}. Everything you typed is still here.", field)
            return
        self.session = saved
        self._initial = self.values()
        self.notify(f"Session {saved.number} saved.")
        self.dismiss(saved.id)

    @on(Button.Pressed, "#session-cancel")
    def action_cancel(self) -> None:
        if not self.changed():
            self.dismiss(None)
            return

        def answer(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(
            Confirm("Leave without saving? What you changed here would be lost.",
                    "Leave without saving", "Keep editing"),
            answer,
        )  # fmt: skip


def _bp_ok(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"\d{2,3}/\d{2,3}", value))


COLUMNS = ("#", "date", "route", "dose", "intention", "dissociation")
# How far a column may shrink (with "…") before the next one gives way, in this order.
SHRINK = ((4, 24), (3, 8), (2, 10), (4, 8))  # intention to 24, dose to 8, route to 10, intention
PADDING = 2  # DataTable puts a column of space either side of each cell


def fit_columns(names: Sequence[str], rows: list[list[str]], room: int) -> list[int]:
    """Column widths that fit ``room`` columns: the patient's intention gives way first, but only
    to 24; then dose and route; the number, date and dissociation are always whole."""
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    for index, floor in SHRINK:
        over = sum(widths) + PADDING * len(widths) - room
        if over <= 0:
            break
        widths[index] = max(min(floor, widths[index]), widths[index] - over)
    return widths


class SessionsScreen(JournalScreen):
    """Every session logged, newest first."""

    DEFAULT_CSS = """
    SessionsScreen #sessions-heading { text-style: bold; padding: 0 1; height: 1; }
    SessionsScreen #sessions-list { height: 1fr; }
    SessionsScreen #sessions-empty { color: $text-muted; padding: 1 2; }
    """
    BINDINGS = [
        Binding("enter", "edit", "edit", priority=True),
        Binding("n", "new", "new"),
        Binding("d", "delete", "delete"),
        Binding("escape", "app.pop_screen", "back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("Sessions", id="sessions-heading")
        yield DataTable(id="sessions-list", cursor_type="row", zebra_stripes=False)
        yield Static("No sessions logged yet. Press n to log one.", id="sessions-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.refill()
        self.query_one("#sessions-list", DataTable).focus()

    def on_resize(self) -> None:
        if getattr(self.app, "journal", None) is not None:
            self.refill()

    def on_screen_resume(self) -> None:
        if getattr(self.app, "journal", None) is not None and self.is_mounted:
            self.refill()

    def refill(self, select: str | None = None) -> None:
        table = self.query_one("#sessions-list", DataTable)
        current = select or self._current()
        zone = self.now().tzinfo
        sessions = list(reversed(self.journal.sessions()))
        cells = [
            [
                str(s.number),
                dates.in_zone(s.when, zone).strftime("%-d %b %Y"),
                ROUTE_LABELS.get(s.route, s.route),
                one_line(s.dose, 200),
                one_line(s.intention, 400),
                "" if s.dissociation is None else f"{s.dissociation}/10",
            ]
            for s in sessions
        ]
        widths = fit_columns(COLUMNS, cells, self.size.width - 2)
        table.clear(columns=True)
        for name, width in zip(COLUMNS, widths, strict=True):
            table.add_column(name, width=width)
        for s, row in zip(sessions, cells, strict=True):
            table.add_row(*(one_line(c, w) for c, w in zip(row, widths, strict=True)), key=s.id)
        self.query_one("#sessions-empty").display = not sessions
        table.display = bool(sessions)
        if current is not None:
            ids = [s.id for s in sessions]
            if current in ids:
                table.move_cursor(row=ids.index(current))

    def _current(self) -> str | None:
        table = self.query_one("#sessions-list", DataTable)
        if not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(key.value)

    @on(DataTable.RowSelected, "#sessions-list")
    def action_edit(self) -> None:
        current = self._current()
        if current:
            self.app.push_screen(SessionFormScreen(current))

    def action_new(self) -> None:
        self.app.push_screen(SessionFormScreen())

    def action_delete(self) -> None:
        current = self._current()
        found = self.journal.get(current) if current else None
        if not isinstance(found, DosingSession):
            return
        text = clean(
            f"Delete session {found.number}? What you wrote for it cannot be brought back."
        )

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.journal.delete(found.id)
            except KapJournalError as exc:
                self.notify(f"Could not delete: {exc}", severity="error")
                return
            self.notify(f"Session {found.number} deleted.")
            self.refill()

        self.app.push_screen(Confirm(text, "Delete", "Keep it"), answer)

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("sessions", {})
