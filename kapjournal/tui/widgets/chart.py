"""A small mood chart of our own: daily means as dots, the 7-day mean as a line, sessions ▲.

Drawn with box characters, one or more columns per day, y from 0 to 10. Gaps stay gaps: a day
without a check-in has no dot, and the line breaks where the 7-day mean has no value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from textual.content import Content
from textual.widget import Widget

from kapjournal.trends import SESSION_MARK

AXIS = 6  # "10 ┤ " before the plot
LO, HI = 0.0, 10.0


def _row(value: float, rows: int) -> int:
    """Row index from the bottom (0) to the top (rows - 1) for a value from 0 to 10."""
    scaled = round((value - LO) / (HI - LO) * (rows - 1))
    return min(rows - 1, max(0, scaled))


def draw(
    daily: Sequence[float | None],
    mean: Sequence[float | None],
    sessions: Sequence[int],
    start: date,
    *,
    width: int,
    rows: int,
) -> list[list[tuple[str, str]]]:
    """The chart as lines of (text, style) pairs: ``rows`` plot lines, the axis, the dates."""
    days = len(daily)
    per_day = max(1, min(3, (width - AXIS) // max(1, days)))
    cols = days * per_day
    grid = [[(" ", "")] * cols for _ in range(rows)]

    def put(row: int, col: int, char: str, style: str) -> None:
        grid[rows - 1 - row][col] = (char, style)

    for i, value in enumerate(daily):
        if value is not None:
            put(_row(value, rows), i * per_day + per_day // 2, "•", "$text-muted")
    line = "$primary"
    previous: int | None = None
    for c in range(cols):
        value = mean[c // per_day]
        if value is None:
            previous = None
            continue
        here = _row(value, rows)
        if previous is None or previous == here:
            put(here, c, "─", line)
        elif here > previous:
            put(previous, c, "╯", line)
            for r in range(previous + 1, here):
                put(r, c, "│", line)
            put(here, c, "╭", line)
        else:
            put(previous, c, "╮", line)
            for r in range(here + 1, previous):
                put(r, c, "│", line)
            put(here, c, "╰", line)
        previous = here

    out: list[list[tuple[str, str]]] = []
    for index, cells in enumerate(grid):
        value = HI - (HI - LO) * index / max(1, rows - 1)
        labelled = index in (0, rows - 1) or abs(value - 5) < (HI - LO) / (2 * (rows - 1))
        label = f"{value:>3.0f} ┤ " if labelled else "    │ "
        out.append([(label[:-1], "$text-muted"), (" ", ""), *cells])
    axis = [("─", "$text-muted")] * cols
    for p in sessions:
        if 0 <= p < days:
            axis[p * per_day + per_day // 2] = (SESSION_MARK, "$secondary")
    out.append([("    └", "$text-muted"), ("─", "$text-muted"), *axis])
    first = start.strftime("%-d %b")
    last = (start + timedelta(days=days - 1)).strftime("%-d %b")
    gap = max(1, cols - len(first) - len(last))
    out.append([("      " + first + " " * gap + last, "$text-muted")])
    return out


class MoodChart(Widget):
    """Daily mood (dots), its 7-day mean (line) and sessions (▲) over a range of days."""

    DEFAULT_CSS = """
    MoodChart { height: 10; width: 1fr; text-wrap: nowrap; text-overflow: clip; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.daily: tuple[float | None, ...] = ()
        self.mean: tuple[float | None, ...] = ()
        self.sessions: tuple[int, ...] = ()
        self.start = date.today()

    def show(
        self,
        daily: Sequence[float | None],
        mean: Sequence[float | None],
        sessions: Sequence[int],
        start: date,
    ) -> None:
        self.daily, self.mean, self.sessions, self.start = (
            tuple(daily),
            tuple(mean),
            tuple(sessions),
            start,
        )
        self.refresh()

    @property
    def text(self) -> str:
        """The chart as plain text (for tests and screen readers)."""
        return "\n".join(
            "".join(ch for ch, _ in line)
            for line in draw(
                self.daily,
                self.mean,
                self.sessions,
                self.start,
                width=max(AXIS + len(self.daily), self.size.width),
                rows=max(3, self.size.height - 2),
            )
        )

    def render(self) -> Content:
        if not self.daily:
            return Content("")
        lines = draw(
            self.daily,
            self.mean,
            self.sessions,
            self.start,
            width=self.size.width,
            rows=max(3, self.size.height - 2),
        )
        return Content("\n").join(Content.assemble(*line) for line in lines)
