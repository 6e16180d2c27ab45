"""Home: today's exercises, the last session and check-in, and a month of mood at a glance.

Everything is computed from the journal's in-memory lists once per visit, so home stays quick
with years of entries. It reloads whenever it becomes the active screen again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Label, ListItem, ListView, Static

from kapjournal import dates, trends
from kapjournal.errors import KapJournalError
from kapjournal.plan import Plan, PlanItem, SmallStep, open_small_step
from kapjournal.records import ROUTE_LABELS, CheckIn, DosingSession
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.widgets.chart import MoodChart
from kapjournal.tui.widgets.keys import HELP_FIRST, KEYS_PANEL
from kapjournal.tui.widgets.text import days_ago, one_line, when_words

SPARK_DAYS = 30
PANEL_FAILED = "This part could not be shown (a record in it looks damaged); the rest works."
WIDE = (110, 30)  # columns and rows from which Home draws the month as a chart
TALL = 30  # rows from which Home lists every key beside the footer's few
KEYS = Content.from_markup(
    "[b]c[/b] check in · [b]w[/b] write · [b]x[/b] exercises\n"
    "[b]s[/b] log a session · [b]l[/b] sessions\n"
    "[b]t[/b] timeline · [b]r[/b] trends · [b]e[/b] export\n"
    "[b]q[/b] questionnaire · [b],[/b] settings\n"
    "[b]a[/b] calendar reminders · [b]ctrl+q[/b] quit"
)
WELCOME = (
    "Welcome. This journal is yours alone: everything in it is encrypted, and nothing is "
    "shared unless you choose to.\n\n"
    "A gentle first step: press c to check in, just three numbers for how you are right now. "
    "When you have a session, press s to log it, and exercises for the days after will appear "
    "here. Or press w to write anything at all."
)
FIRST_TITLE = "If you like, something small for today"


def _short_day(day: date, today: date) -> str:
    """ "Tue" within the coming week, else "9 Nov"."""
    if day == today + timedelta(days=1):
        return "tomorrow"
    return day.strftime("%a") if 0 <= (day - today).days < 7 else day.strftime("%-d %b")


class DueItem(ListItem):
    """A due exercise in the list; remembers which exercise and session it is for."""

    def __init__(self, item: PlanItem, label: Content) -> None:
        super().__init__(Label(label))
        self.exercise_id = item.exercise.id
        self.session_id = item.session.id if item.session else None


class HomeScreen(JournalScreen):
    """The first screen after unlocking."""

    DEFAULT_CSS = """
    HomeScreen #header { height: 1; padding: 0 1; background: $panel; }
    HomeScreen #brand { width: 1fr; text-style: bold; }
    HomeScreen #today-date { width: auto; margin-right: 3; }
    HomeScreen #lock-hint { width: auto; color: $text-muted; }
    HomeScreen #columns { height: 1fr; }
    HomeScreen #left { width: 1fr; max-width: 76; height: auto; max-height: 100%; }
    HomeScreen #today { height: auto; max-height: 100%;
                        border: round $primary 40%; border-title-color: $text; padding: 0 1; }
    HomeScreen .wide-only { display: none; }
    HomeScreen.-wide .wide-only { display: block; }
    HomeScreen.-wide .narrow-only { display: none; }
    HomeScreen #side { width: 1fr; max-width: 76; height: auto; max-height: 100%; }
    HomeScreen.-wide #side { max-width: 110; }
    HomeScreen #keys { margin: 1 1 0 1; color: $text-muted; display: none; }
    HomeScreen.-tall #keys { display: block; }
    HomeScreen #mood-panel, HomeScreen .last-checkin, HomeScreen .small-step {
        height: auto; border: round $primary 40%; border-title-color: $text; padding: 0 1; }
    HomeScreen .section { width: 100%; margin-top: 1; text-style: bold; color: $text-muted; }
    HomeScreen #due-list { height: auto; max-height: 8; background: transparent; }
    HomeScreen.-wide #due-list { max-height: 16; }
    HomeScreen #due-list > ListItem { background: transparent; }
    HomeScreen #due-list Label { width: 100%; }
    HomeScreen #due-list:focus > ListItem.-highlight { background: $boost; }
    HomeScreen #mood-sparkline { color: $primary; }
    HomeScreen #mood-markers { color: $secondary; }
    HomeScreen #safety-line { margin: 1 1 0 1; color: $text-muted; }
    HomeScreen #welcome { margin-bottom: 1; }
    """

    BINDINGS = [
        HELP_FIRST,
        Binding("c", "go('checkin')", "check in"),
        Binding("w", "go('write')", "write"),
        Binding("x", "go('exercises')", "exercises", show=False),
        Binding("s", "go('session_form')", "log a session", show=False),
        Binding("l", "go('sessions')", "sessions", show=False),
        Binding("t", "go('timeline')", "timeline", show=False),
        Binding("r", "go('trends')", "trends", show=False),
        Binding("q", "go('questionnaire')", "questionnaire", show=False),
        Binding("e", "go('export')", "share with my therapist", show=False),
        Binding("comma", "go('settings')", "settings", key_display=",", show=False),
        Binding("a", "go('reminders')", "calendar reminders", show=False),
        KEYS_PANEL,
        Binding("ctrl+q", "app.quit", "quit", priority=True),
    ]
    KEY_NOTES = [("↑ ↓, ⏎", "choose a due exercise and open it")]

    def compose(self) -> ComposeResult:
        with Horizontal(id="header"):
            yield Static("kapjournal", id="brand")
            yield Static("", id="today-date")
            yield Static("ctrl+l lock", id="lock-hint")
        with Horizontal(id="columns"):
            with Vertical(id="left"):
                with VerticalScroll(id="today"):
                    yield Static(WELCOME, id="welcome", classes="hidden")
                    yield Static("", id="session-summary")
                    yield Label("Due", classes="section", id="due-title")
                    yield ListView(id="due-list")
                    yield Static("", id="due-empty", classes="muted hidden")
                    yield Label("Coming", classes="section", id="coming-title")
                    yield Static("", id="coming")
                # On a wide terminal these two sit under Today, beside a larger mood chart.
                yield Static("", id="last-checkin-wide", classes="last-checkin wide-only")
                yield Static("", id="small-step-wide", classes="small-step wide-only hidden")
            with Vertical(id="side"):
                with Vertical(id="mood-panel"):
                    yield Static("", id="mood-sparkline", markup=False)
                    yield Static("", id="mood-markers", markup=False)
                    yield MoodChart(id="mood-chart", classes="hidden")
                    yield Static("", id="mood-means")
                yield Static("", id="last-checkin", classes="last-checkin narrow-only")
                yield Static("", id="small-step", classes="small-step narrow-only hidden")
                yield Static(
                    Content.from_markup(
                        "Hard moment? Press [b]f1[/b] or [b]ctrl+g[/b] for crisis lines and your "
                        "safety plan."
                    ),
                    id="safety-line",
                )
                yield Static(KEYS, id="keys")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._wide()
        self.query_one("#today").border_title = "Today"
        self.query_one("#mood-panel").border_title = f"Mood, last {SPARK_DAYS} days"
        for panel in self.query(".last-checkin"):
            panel.border_title = "Last check-in"
        for panel in self.query(".small-step"):
            panel.border_title = "Your small step"

    async def on_resize(self) -> None:
        if self._wide() and self.is_current:
            await self.on_screen_resume()  # the wide flag is part of what was seen: redraws

    def _wide(self) -> bool:
        """Room for the month as a chart: set the class; True when it changed."""
        width, height = self.size
        wide = width >= WIDE[0] and height >= WIDE[1]
        changed = wide != self.has_class("-wide")
        self.set_class(wide, "-wide")
        self.set_class(height >= TALL, "-tall")
        if wide:
            self.query_one("#mood-chart").styles.height = max(8, min(20, height * 2 // 5))
        return changed

    async def on_screen_resume(self) -> None:
        journal = self.kapp.journal
        if journal is None:
            return
        seen = (id(journal), journal.version, self.now().date(), self.has_class("-wide"))
        if seen != getattr(self, "_seen", None):  # nothing changed: nothing to redraw
            self._seen = seen
            await self.reload()
        self.query_one("#due-list", ListView).focus()

    # --- data ------------------------------------------------------------------------------------

    async def reload(self) -> None:
        """Read the journal once and fill every panel."""
        now = self.now()
        self.query_one("#today-date", Static).update(now.strftime("%a %-d %b"))
        # A record dated outside 1900-2100 (a typo kept by an older version) is in the timeline,
        # where it can be fixed, but never the "last" of anything here.
        sessions = [s for s in self.journal.sessions() if dates.in_bounds(s.when)]
        checkins = [c for c in self.journal.checkins() if dates.in_bounds(c.created)]
        try:
            plan = self.journal.plan(self.catalog)
        except Exception as exc:  # one panel's failure must not take Home (and F1) with it
            reason = str(exc) if isinstance(exc, KapJournalError) else "something in the journal"
            self.notify(f"Could not work out today's exercises: {reason}", severity="warning")
            plan = None
        first_time = not sessions and not checkins and not self.journal.reflections()
        self.query_one("#welcome").set_class(not first_time, "hidden")
        for panel, show in (
            ("#session-summary", lambda: self._show_session(sessions, plan)),
            (".small-step", lambda: self._show_small_step(self._open_step(), plan)),
            ("#mood-means", lambda: self._show_mood(checkins, sessions)),
            (".last-checkin", lambda: self._show_last_checkin(checkins)),
        ):
            try:
                show()
            except Exception:
                self._panel_failed(panel)
        try:
            await self._show_plan(plan, first_time)
        except Exception:
            self._panel_failed("#coming")

    def _panel_failed(self, panel: str) -> None:
        """A plain line where a panel could not be drawn; the rest of Home goes on working."""
        for widget in self.query(panel).results(Static):
            widget.update(Content.styled(PANEL_FAILED, "$text-muted"))
            widget.set_class(False, "hidden")

    def _open_step(self) -> SmallStep | None:
        return open_small_step(self.journal.reflections(), self.catalog)

    def _show_session(self, sessions: list[DosingSession], plan: Plan | None) -> None:
        now = self.now()
        today = now.date()
        past = [s for s in sessions if s.when <= now]
        lines: list[Content] = []
        if past:
            last = past[-1]
            name = f"Session {last.number}" if last.number else "Your last session"
            ago = days_ago(dates.in_zone(last.when, now.tzinfo).date(), today)
            route = ROUTE_LABELS.get(last.route, last.route)
            lines.append(Content(f"{name} was {ago} ({route})."))
            intention = one_line(last.intention, 64)
            if intention:
                lines.append(
                    Content.from_markup('[i]Your intention: "$words"[/i]', words=intention)
                )
        upcoming = plan.next_session if plan else None
        if upcoming is not None:
            day = dates.in_zone(upcoming.when, now.tzinfo)
            name = f"Session {upcoming.number}" if upcoming.number else "Your next session"
            lines.append(Content(f"{name} is on {day:%A %-d %B} at {day:%-H:%M}."))
        summary = self.query_one("#session-summary", Static)
        summary.update(Content("\n").join(lines))
        summary.set_class(not lines, "hidden")

    async def _show_plan(self, plan: Plan | None, first_time: bool) -> None:
        due_list = self.query_one("#due-list", ListView)
        await due_list.clear()
        due = plan.due_today() if plan else []
        await due_list.extend(DueItem(item, self._due_label(item)) for item in due)
        due_list.index = 0 if due else None
        coming = plan.coming() if plan else []
        self.query_one("#due-title", Label).update(FIRST_TITLE if first_time else "Due")
        empty = self.query_one("#due-empty", Static)
        empty.update("Nothing due today. Rest is part of it too.")
        for widget_id, hide in (
            ("#due-title", first_time and not due),
            ("#due-list", not due),
            ("#due-empty", first_time or bool(due)),
            ("#coming-title", not coming),
            ("#coming", not coming),
        ):
            self.query_one(widget_id).set_class(hide, "hidden")
        wide = self.has_class("-wide")  # one line each; else the day under the title, as in Due
        text = [
            Content.from_markup(
                "○ $title  [dim]from $opens[/dim]"
                if wide
                else "○ $title\n  [dim]from $opens[/dim]",
                title=one_line(item.exercise.title, 44),
                opens=_short_day(item.opens, self.now().date()),
            )
            for item in coming[: 8 if wide else 3]
        ]
        self.query_one("#coming", Static).update(Content("\n").join(text))

    def _show_small_step(self, step: SmallStep | None, plan: Plan | None) -> None:
        """The small step the patient chose, on Home until they have looked back at it."""
        panels = list(self.query(".small-step").results(Static))
        for panel in panels:
            panel.set_class(step is None, "hidden")
        if step is None:
            return
        due = plan.due_today() if plan else []
        if any(item.exercise.followup_of for item in due):
            later = "looking back at it is in today's list"
        else:
            later = "look back at it before your next session"
        text = Content.from_markup(
            '[i]"$step"[/i]\n[dim]chosen $when · $later[/dim]',
            step=one_line(step.text, 160),
            when=when_words(step.committed, self.now()).removeprefix("on "),
            later=later,
        )
        for panel in panels:
            panel.update(text)

    def _due_label(self, item: PlanItem) -> Content:
        when = ""
        if item.session is not None and item.session.number:
            when = f"after session {item.session.number}"
        if item.status == "overdue":
            when = "still open" + (f", {when}" if when else "")
        return Content.from_markup(
            "● $title  [dim]$minutes min[/dim]" + ("\n  [dim]$when[/dim]" if when else ""),
            title=one_line(item.exercise.title, 44),
            minutes=str(item.exercise.minutes),
            when=when,
        )

    def _show_mood(self, checkins: list[CheckIn], sessions: list[DosingSession]) -> None:
        today, zone = self.now().date(), self.now().tzinfo
        start = today - timedelta(days=SPARK_DAYS - 1)
        series = trends.daily_series(checkins, start, today, tz=zone)
        spark = self.query_one("#mood-sparkline", Static)
        markers = self.query_one("#mood-markers", Static)
        means = self.query_one("#mood-means", Static)
        chart = self.query_one("#mood-chart", MoodChart)
        if not any(v is not None for v in series.values):
            chart.set_class(True, "hidden")
            spark.set_class(False, "hidden")
            markers.set_class(False, "hidden")
            spark.update("No check-ins in the last 30 days yet.")
            spark.add_class("muted")
            markers.update("")
            means.update(
                Content.from_markup("[dim]Press [b]c[/b] to check in; a line grows here.[/dim]")
            )
            return
        spark.update(trends.sparkline(series.values))
        spark.remove_class("muted")
        positions = trends.session_positions(sessions, start, today, tz=zone)
        markers.update(trends.marker_line(positions, SPARK_DAYS))
        wide = self.has_class("-wide")
        chart.set_class(not wide, "hidden")
        spark.set_class(wide, "hidden")
        markers.set_class(wide, "hidden")
        if wide:
            chart.show(series.values, trends.rolling_mean(series.values), positions, start)
        week = [v for v in series.values[-7:] if v is not None]
        weeks = trends.change_since_first_week(checkins, today, tz=zone)
        first = weeks.first_week
        parts = []
        if week:
            parts.append(f"7-day mean {sum(week) / len(week):.1f}")
        else:
            parts.append("no check-ins this week")
        if first is not None and weeks.last_week:
            parts.append(f"first week {first:.1f}")
        means.update(Content.from_markup("[dim]$means[/dim]", means=" · ".join(parts)))

    def _show_last_checkin(self, checkins: list[CheckIn]) -> None:
        panels = list(self.query(".last-checkin").results(Static))
        if not checkins:
            for panel in panels:
                panel.update(Content.from_markup("[dim]None yet. Press c whenever you like.[/dim]"))
            return
        last = checkins[-1]
        numbers = [f"mood {last.mood}"]
        if last.anxiety is not None:
            numbers.append(f"anxiety {last.anxiety}")
        if last.energy is not None:
            numbers.append(f"energy {last.energy}")
        markup = "$numbers\n[dim]$when[/dim]"
        note = one_line(last.note, 60)
        if note:
            markup += '\n[i]"$note"[/i]'
        text = Content.from_markup(
            markup,
            numbers=" · ".join(numbers),
            when=when_words(last.created, self.now()),
            note=note,
        )
        for panel in panels:
            panel.update(text)

    # --- actions ---------------------------------------------------------------------------------

    def action_go(self, name: str, **kwargs: Any) -> None:
        try:
            self.app.open(name, **kwargs)  # type: ignore[attr-defined]
        except (ImportError, AttributeError):
            self.notify("That part of kapjournal is not ready yet.", severity="warning")

    @on(ListView.Selected, "#due-list")
    def open_exercise(self, event: ListView.Selected) -> None:
        item = event.item
        if isinstance(item, DueItem):
            self.action_go("exercise", exercise_id=item.exercise_id, session_id=item.session_id)
