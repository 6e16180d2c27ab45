"""Trends: eight weeks of mood with sessions marked, questionnaire scores, and mood around sessions.

Numbers are the patient's own ratings; the check-in disclaimer is always on screen. Nothing is
coloured as "bad": a change is shown as a number with a sign, in the theme's ordinary colours.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from kapjournal import measures, trends
from kapjournal.records import Assessment, CheckIn, DosingSession
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.widgets.chart import MoodChart
from kapjournal.tui.widgets.keys import HELP_FIRST

WEEKS = 8
MAX_SESSION_ROWS = 8


def _signed(value: float) -> str:
    return f"{value:+.1f}".replace("-", "−")


def _plain(value: float | None) -> str:
    return "·" if value is None else f"{value:.1f}"


# "Mood around sessions": each value right-aligned under the right edge of its heading.
RESPONSE_HEADINGS = ["", "week before", "same day", "day 1", "day 3", "day 7", ""]
RESPONSE_WIDTHS = [11, 11, 8, 5, 5, 5, 0]


def response_row(cells: list[str]) -> str:
    name, *values, day = cells
    parts = [name.ljust(RESPONSE_WIDTHS[0])]
    parts += [v.rjust(w) for v, w in zip(values, RESPONSE_WIDTHS[1:-1], strict=True)]
    return "  ".join(parts) + (f"   {day}" if day else "")


def score_line(instrument_id: str, assessments: list[Assessment]) -> str | None:
    """The latest score, how it moved from the one before by the instrument's own rule, the
    first score and a sparkline, and for the PCL-5 the latest cluster subtotals; None without
    scores.

        PHQ-9   13 · moderate
                ▲ up 7 since the one before (6): a worsening by the PHQ-9 rule of 5 points
                first 15 on 2 Oct · 6 times  ▃▅▆▄▂▃
    """
    points = trends.score_series(assessments, instrument_id)
    if not points:
        return None
    inst = measures.instrument(instrument_id)
    first, last = points[0], points[-1]
    lines = [f"{inst.name:<7} {last.score} · {last.band_label}"]
    pad = " " * 8
    if len(points) == 1:
        lines.append(f"{pad}once so far, on {last.when:%-d %b}")
    else:
        previous = points[-2]
        moved = measures.change(instrument_id, previous.score, last.score)
        spark = trends.sparkline([p.score for p in points[-12:]], hi=inst.max_score)
        lines.append(pad + measures.change_phrase(instrument_id, moved))
        lines.append(
            f"{pad}first {first.score} on {first.when:%-d %b} · {len(points)} times  {spark}"
        )
    if instrument_id == "pcl5":
        latest = next((a for a in assessments if a.id == last.assessment_id), None)
        if latest is not None:
            lines.append(f"{pad}latest by cluster: {measures.pcl5_cluster_short(latest.answers)}")
    return "\n".join(lines)


class TrendsScreen(JournalScreen):
    """Mood over time, scores, and mood before and after each session."""

    DEFAULT_CSS = """
    TrendsScreen #trends { padding: 0 1; }
    TrendsScreen .heading { text-style: bold; margin-top: 1; }
    TrendsScreen #mood-title { margin-top: 0; }
    TrendsScreen #mood-chart { height: 10; max-width: 180; }
    TrendsScreen #scores, TrendsScreen #session-response { height: auto; }
    TrendsScreen #trends-disclaimer { color: $text-muted; margin-top: 1; max-width: 72; }
    TrendsScreen .muted { color: $text-muted; }
    """

    BINDINGS = [HELP_FIRST, Binding("escape", "leave", "back")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="trends"):
            yield Static("", id="mood-title", classes="heading")
            yield MoodChart(id="mood-chart")
            yield Static("", id="mood-empty", classes="muted hidden")
            yield Static("Questionnaires", classes="heading")
            yield Static("", id="scores", markup=False)
            yield Static("Mood around sessions", classes="heading")
            yield Static("", id="session-response", markup=False)
            yield Static(measures.CHECKIN_DISCLAIMER, id="trends-disclaimer")
        yield Footer()

    def on_resize(self) -> None:
        self.query_one("#mood-chart").styles.height = max(10, self.size.height // 3)

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("trends", {})

    def on_screen_resume(self) -> None:
        if self.kapp.journal is not None:
            self.reload()

    def reload(self) -> None:
        checkins = self.journal.checkins()
        sessions = self.journal.sessions()
        self._mood(checkins, sessions)
        self._scores(self.journal.assessments())
        self._responses(checkins, sessions)

    def _mood(self, checkins: list[CheckIn], sessions: list[DosingSession]) -> None:
        today = self.now().date()
        start = today - timedelta(days=WEEKS * 7 - 1)
        title = Content.from_markup(
            "Mood, last $weeks weeks   [dim]• daily mean   [$primary]─[/] 7-day mean   "
            "[$secondary]▲[/] session[/dim]",
            weeks=str(WEEKS),
        )
        self.query_one("#mood-title", Static).update(title)
        chart = self.query_one("#mood-chart", MoodChart)
        empty = self.query_one("#mood-empty", Static)
        zone = self.now().tzinfo
        series = trends.daily_series(checkins, start, today, tz=zone)
        has_data = any(v is not None for v in series.values)
        chart.set_class(not has_data, "hidden")
        empty.set_class(has_data, "hidden")
        if not has_data:
            empty.update(
                "No check-ins in the last eight weeks. Each check-in (c on the home screen) "
                "adds a dot here, and a line grows from a few of them."
            )
            return
        mean = trends.rolling_mean(series.values)
        positions = trends.session_positions(sessions, start, today, tz=zone)
        chart.show(series.values, mean, positions, start)

    def _scores(self, assessments: list[Assessment]) -> None:
        lines = [line for i in measures.INSTRUMENTS if (line := score_line(i, assessments))]
        if not lines:
            lines = [
                "No questionnaires yet. Press q on the home screen for a PHQ-9 (mood) or a "
                "GAD-7 (anxiety); doing one every two weeks shows how things move."
            ]
        else:
            lines.append("")
            lines.append(
                "Each change is judged against the score before it by the questionnaire's own "
                "rule (PHQ-9 5 points, GAD-7 4, PCL-5 10). Bands are the usual names; only a "
                "clinician can say what a score means for you."
            )
            if any(a.instrument == "pcl5" for a in assessments):
                lines.append(measures.PCL5_CLUSTER_KEY + ".")
        self.query_one("#scores", Static).update("\n".join(lines))

    def _responses(self, checkins: list[CheckIn], sessions: list[DosingSession]) -> None:
        now = self.now()
        past = [s for s in sessions if s.when <= now]
        widget = self.query_one("#session-response", Static)
        if not past:
            widget.update("No sessions logged yet. Press s on the home screen to log one.")
            return
        responses = trends.session_responses(checkins, past, tz=now.tzinfo)
        rows = [response_row(RESPONSE_HEADINGS)]
        for r in responses[-MAX_SESSION_ROWS:]:
            name = f"Session {r.number}" if r.number else "Session"
            values = [_plain(v) for v in (r.before, r.same_day, r.day1, r.day3, r.day7)]
            rows.append(response_row([name, *values, f"{r.day:%-d %b}"]))
        summary = []
        for offset, label in ((1, "on day 1"), (7, "by day 7")):
            changes = [c for r in responses if (c := r.change(offset)) is not None]
            if changes:
                summary.append(f"{_signed(sum(changes) / len(changes))} {label}")
        rows.append("")
        rows.append("Daily mean mood, the week before each session and after it (· no check-in).")
        if summary:
            rows.append(f"Compared with the week before, on average: {', '.join(summary)}.")
        widget.update("\n".join(rows))

    def action_leave(self) -> None:
        self.dismiss()
