"""Everything, newest first: search as you type, filters, and a preview on wide terminals.

Keys: / search, enter open, e edit, x share/unshare a reflection, d delete (asks first), esc back.
The list draws only the rows on screen, so 10,000 entries open at once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Checkbox, Footer, Input, Select, Static

from kapjournal import dates
from kapjournal.errors import KapJournalError
from kapjournal.records import KINDS, CheckIn, DosingSession, Record, Reflection
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.widgets.editor import Confirm, JournalInput
from kapjournal.tui.widgets.keys import HELP_FIRST, KEYS_PANEL, HelpFirst
from kapjournal.tui.widgets.record_list import RecordList
from kapjournal.tui.widgets.record_view import KIND_OPTIONS, preview, row, title_of
from kapjournal.tui.widgets.text import clean

WIDE = 110  # columns from which the preview pane is shown


class RecordModal(HelpFirst, ModalScreen[None]):
    """The whole of one record, read-only (check-ins and questionnaires on narrow terminals)."""

    DEFAULT_CSS = """
    RecordModal { align: center middle; }
    RecordModal #record-box { width: 78; max-width: 100%; height: auto; max-height: 90%;
                              border: round $primary 40%; background: $surface; padding: 1 2; }
    """
    BINDINGS = [HELP_FIRST, Binding("escape,enter,q", "dismiss", "close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="record-box"):
            yield Static(self.text, id="record-text", markup=False)
        yield Footer(show_command_palette=False)


class TimelineScreen(JournalScreen):
    """Sessions, reflections, check-ins and questionnaires in one list, newest first."""

    SEARCH_DELAY: ClassVar[float] = 0.15
    DEFAULT_CSS = """
    TimelineScreen #timeline-filters { height: 2; padding: 0 1;
                                       border-bottom: solid $primary 30%; }
    TimelineScreen #timeline-search { width: 1fr; min-width: 12; }
    TimelineScreen #timeline-filters Select { width: 15; margin-left: 1; }
    TimelineScreen #timeline-tag { width: 13; }
    TimelineScreen #timeline-session { width: 16; }
    TimelineScreen #timeline-shared { width: auto; margin-left: 1; }
    TimelineScreen #timeline-main { height: 1fr; }
    TimelineScreen #timeline-list { width: 1fr; }
    TimelineScreen #timeline-preview { width: 40%; min-width: 40; max-width: 78; border-left: solid $primary 30%;
                                       padding: 0 1; display: none; }
    TimelineScreen.-wide #timeline-preview { display: block; }
    TimelineScreen #timeline-count { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("slash", "search", "search"),
        Binding("e", "edit", "edit", show=False),
        Binding("x", "share", "share"),
        Binding("d", "delete", "delete", show=False),
        Binding("down", "to_results", "to the results", show=False),
        Binding("escape", "back", "back"),
        KEYS_PANEL,
    ]
    KEY_NOTES = [
        ("⏎", "open the highlighted entry"),
        ("↑ ↓", "move through the list (↓ from the search box goes to it)"),
        ("tab", "the filters above the list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._search_timer: Timer | None = None
        self.total = 0
        self._shown = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="timeline-filters"):
            yield JournalInput(placeholder="/ search", id="timeline-search", compact=True)
            yield Select(KIND_OPTIONS, prompt="all kinds", id="timeline-kind", compact=True)
            yield Select([], prompt="all tags", id="timeline-tag", compact=True)
            yield Select([], prompt="all sessions", id="timeline-session", compact=True)
            yield Checkbox("shared only", id="timeline-shared", compact=True)
        with Horizontal(id="timeline-main"):
            yield RecordList(self._row, empty="Nothing yet.", id="timeline-list")
            with VerticalScroll(id="timeline-preview"):
                yield Static("", id="timeline-preview-text", markup=False)
        yield Static("", id="timeline-count")
        yield Footer()

    def on_mount(self) -> None:
        self._zone = self.now().tzinfo
        self._year = self.now().year
        self.set_class(self.size.width >= WIDE, "-wide")
        self.fill_choices()
        self.apply_filters()
        self.query_one("#timeline-list", RecordList).focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE, "-wide")
        self.show_preview()

    def on_screen_resume(self) -> None:
        if not self._shown:  # the first resume is the opening: on_mount filled the list
            self._shown = True
            return
        if getattr(self.app, "journal", None) is not None:
            self.fill_choices()
            self.apply_filters()

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("timeline", {})

    def _row(self, record: Record, width: int) -> Text:
        return row(record, width, self.catalog, self._zone, self._year)

    # --- filters -------------------------------------------------------------------------------

    def fill_choices(self) -> None:
        tags: dict[str, str] = {}
        for r in self.journal.reflections(drafts=True):
            for tag in r.tags:
                tags.setdefault(tag.casefold(), tag)
        tag_select = self.query_one("#timeline-tag", Select)
        with self.prevent(Select.Changed):
            current = tag_select.value
            tag_select.set_options([(clean(t), k) for k, t in sorted(tags.items())])
            if current in tags:
                tag_select.value = current
            session_select = self.query_one("#timeline-session", Select)
            current = session_select.value
            sessions = list(reversed(self.journal.sessions()))
            session_select.set_options([(f"session {s.number}", s.id) for s in sessions])
            if any(s.id == current for s in sessions):
                session_select.value = current

    @on(Input.Changed, "#timeline-search")
    def _typed(self) -> None:
        self._stop_search_timer()
        if not self.kapp.timers:  # no real timer (tests): every keystroke filters at once
            self.apply_filters()
            return
        self._search_timer = self.set_timer(self.SEARCH_DELAY, self.apply_filters)

    def _stop_search_timer(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None

    @on(Input.Submitted, "#timeline-search")
    def _search_done(self) -> None:
        self._stop_search_timer()
        self.apply_filters()
        self.query_one("#timeline-list").focus()

    @on(Select.Changed)
    @on(Checkbox.Changed, "#timeline-shared")
    def _filter_changed(self) -> None:
        self.apply_filters()

    def filtered(self) -> list[Record]:
        query = self.query_one("#timeline-search", Input).value.strip()
        kind = self.query_one("#timeline-kind", Select).value
        tag = self.query_one("#timeline-tag", Select).value
        session = self.query_one("#timeline-session", Select).value
        shared = self.query_one("#timeline-shared", Checkbox).value
        kinds = [KINDS[kind]] if isinstance(kind, str) else None
        if query:
            found = self.journal.search(query, kinds)
        else:
            found = self.journal.timeline()
            if kinds:
                found = [r for r in found if r.kind == kind]
        if isinstance(tag, str):
            found = [
                r
                for r in found
                if isinstance(r, Reflection) and any(t.casefold() == tag for t in r.tags)
            ]
        if isinstance(session, str):
            found = [
                r for r in found if r.id == session or getattr(r, "session_id", None) == session
            ]
        if shared:
            found = [r for r in found if isinstance(r, Reflection) and r.share and not r.draft]
        return found

    def narrowed(self) -> bool:
        """A search or a filter is on: an empty list means "no matches", not "nothing yet"."""
        return bool(
            self.query_one("#timeline-search", Input).value.strip()
            or any(
                isinstance(self.query_one(f"#timeline-{name}", Select).value, str)
                for name in ("kind", "tag", "session")
            )
            or self.query_one("#timeline-shared", Checkbox).value
        )

    def apply_filters(self) -> None:
        """Search and filter in the journal, then hand the list over; rows draw when seen."""
        if getattr(self.app, "journal", None) is None:
            return
        timeline = self.query_one("#timeline-list", RecordList)
        keep, index = timeline.current, timeline.cursor
        found = self.filtered()
        cursor = index
        if keep is not None:
            cursor = next((i for i, r in enumerate(found) if r.id == keep.id), index)
        narrowed = self.narrowed()
        timeline.empty = "No matches." if narrowed else "Nothing yet."
        timeline.set_items(found, cursor)
        self.total = len(found)
        count = f"{len(found):,} entr{'y' if len(found) == 1 else 'ies'} · newest first"
        if self.query_one("#timeline-search", Input).value.strip():
            count += " · matching your search"
        elif narrowed:
            count += " · filtered"
        self.query_one("#timeline-count", Static).update(count)
        self.show_preview()

    # --- the preview ---------------------------------------------------------------------------

    @on(RecordList.Highlighted, "#timeline-list")
    def show_preview(self) -> None:
        if not self.has_class("-wide"):
            return
        record = self.query_one("#timeline-list", RecordList).current
        text = preview(record, self.catalog, self._zone) if record is not None else ""
        self.query_one("#timeline-preview-text", Static).update(text)
        self.query_one("#timeline-preview", VerticalScroll).scroll_home(animate=False)

    # --- actions -------------------------------------------------------------------------------

    def current(self) -> Record | None:
        record: Record | None = self.query_one("#timeline-list", RecordList).current
        return self.journal.get(record.id) if record is not None else None

    def action_search(self) -> None:
        self.query_one("#timeline-search", Input).focus()

    def action_to_results(self) -> None:
        """↓ from the search box or a filter goes down to the list."""
        self.query_one("#timeline-list", RecordList).focus()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id == "timeline-search":
            self.query_one("#timeline-list").focus()
            return
        self.dismiss()

    @on(RecordList.Selected, "#timeline-list")
    def open_current(self) -> None:
        record = self.current()
        if isinstance(record, Reflection | DosingSession):
            self.action_edit()
        elif record is not None:
            self.app.push_screen(RecordModal(preview(record, self.catalog, self._zone)))

    def action_edit(self) -> None:
        from kapjournal.tui.screens.exercise import ExerciseScreen, ReflectionScreen
        from kapjournal.tui.screens.sessions import SessionFormScreen

        record = self.current()
        match record:
            case Reflection() if record.draft and self.catalog.get(record.exercise_id):
                assert record.exercise_id is not None
                self.app.push_screen(
                    ExerciseScreen(record.exercise_id, record.session_id, draft_id=record.id)
                )
            case Reflection():
                self.app.push_screen(ReflectionScreen(record.id))
            case DosingSession():
                self.app.push_screen(SessionFormScreen(record.id))
            case CheckIn() | None:
                if record is not None:
                    self.notify("Check-ins are kept as you made them; this shows the whole entry.")
                    self.open_current()
            case _:
                self.notify("Questionnaires are kept as you answered them.")
                self.open_current()

    def action_share(self) -> None:
        record = self.current()
        if not isinstance(record, Reflection):
            self.notify("Only reflections are shared or kept private.")
            return
        try:
            self.journal.update(record, share=not record.share)
        except KapJournalError as exc:
            self.notify(f"Could not change that: {exc}", severity="error")
            return
        if record.share:
            self.notify("Now private: only you can read it.")
        else:
            self.notify("Now shared: it will be included when you export for your therapist.")
        self.apply_filters()
        self.query_one("#timeline-list", RecordList).redraw()

    def action_delete(self) -> None:
        record = self.current()
        if record is None:
            return
        name = clean(title_of(record, self.catalog))
        when = dates.in_zone(record.at, self._zone).strftime("%a %d %b %Y")

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.journal.delete(record.id)
            except KapJournalError as exc:
                self.notify(f"Could not delete: {exc}", severity="error")
                return
            self.notify("Deleted.")
            self.fill_choices()
            self.apply_filters()

        question = f"Delete “{name}” from {when}? It cannot be brought back."
        self.app.push_screen(Confirm(question, "Delete", "Keep it"), answer)
