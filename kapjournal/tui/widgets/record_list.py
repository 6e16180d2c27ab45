"""A list that renders only the rows on screen (Textual's Line API), for 10,000 entries at once.

A ``DataTable`` measures every cell of every row when rows are added; this widget measures
nothing: each visible line is formatted when it is drawn, by a function the screen gives it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

T = TypeVar("T")


class RecordList(ScrollView, Generic[T], can_focus=True):
    """Rows of items, one line each, with a cursor; enter (or a double click) selects."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"record-list--cursor", "record-list--empty"}
    DEFAULT_CSS = """
    RecordList { height: 1fr; overflow-x: hidden; overflow-y: auto; background: $surface; }
    RecordList > .record-list--cursor { background: $primary 25%; }
    RecordList:focus > .record-list--cursor { background: $primary 45%; }
    RecordList > .record-list--empty { color: $text-muted; }
    """
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "up", show=False),
        Binding("down,j", "cursor(1)", "down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "edge(0)", "first", show=False),
        Binding("end", "edge(1)", "last", show=False),
        Binding("enter", "select", "open"),
    ]

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, record_list: RecordList[Any], index: int) -> None:
            super().__init__()
            self.record_list, self.index = record_list, index

        @property
        def control(self) -> RecordList[Any]:
            return self.record_list

    class Selected(Highlighted):
        """Enter, or a double click, on a row."""

    def __init__(
        self,
        format_row: Callable[[T, int], Text],
        *,
        empty: str = "Nothing here yet.",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.format_row = format_row
        self.empty = empty
        self.items: Sequence[T] = ()
        self.cursor = 0
        self._cache: dict[tuple[int, int], Strip] = {}

    # --- data ----------------------------------------------------------------------------------

    def set_items(self, items: Sequence[T], cursor: int = 0) -> None:
        self.items = items
        self._cache.clear()
        self.virtual_size = Size(0, len(items))  # rows are cut to the width: no sideways scroll
        self.cursor = max(0, min(cursor, len(items) - 1))
        self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.cursor))

    def redraw(self) -> None:
        """Format the visible rows again (after an item changed)."""
        self._cache.clear()
        self.refresh()

    @property
    def current(self) -> T | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    # --- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.items:
            if y == 1:
                empty = self.get_component_rich_style("record-list--empty")
                return Strip([Segment("  " + self.empty, base + empty)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self.items):
            return Strip.blank(width, base)
        key = (index, width)
        strip = self._cache.get(key)
        if strip is None:
            text = self.format_row(self.items[index], width)
            text.truncate(width, overflow="ellipsis", pad=True)
            segments = list(text.render(self.app.console))
            strip = Strip(segments).crop_extend(0, width, base)
            if len(self._cache) > 400:
                self._cache.clear()
            self._cache[key] = strip
        if index == self.cursor:
            cursor = self.get_component_rich_style("record-list--cursor")
            strip = strip.apply_style(Style(bgcolor=cursor.bgcolor))
        return strip

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(0, len(self.items))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    # --- moving --------------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self.items:
            return
        index = max(0, min(index, len(self.items) - 1))
        if index != self.cursor:
            self.cursor = index
            self.refresh()
            self.post_message(self.Highlighted(self, index))
        self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        if self.items:
            self.scroll_to_region(
                Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True
            )

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 1))

    def action_edge(self, end: int) -> None:
        self.move_to(len(self.items) - 1 if end else 0)

    def action_select(self) -> None:
        if self.items:
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        _, scroll_y = self.scroll_offset
        index = scroll_y + event.y
        if 0 <= index < len(self.items):
            self.move_to(index)
            if event.chain >= 2:
                self.action_select()
