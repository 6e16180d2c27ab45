"""A 0–10 picker on one line: ←→ step, a digit sets, "1" then "0" quickly makes 10.

Keys: ←/→ move one step, home/end jump to 0/10, digits 0–9 set the value, and typing "1" then
"0" within a second and a half sets 10 (as if typing the number); ``+`` also sets 10, and
backspace/delete clears an optional scale. A click on a number sets it too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

TEN_AFTER_ONE_S = 1.5
LABEL_WIDTH = 10


class Scale(Widget, can_focus=True):
    """One 0–10 rating with a label, e.g. ``Mood      0 1 2 3 4 5 6 [7] 8 9 10``."""

    DEFAULT_CSS = """
    Scale { height: 1; width: auto; min-width: 52; }
    Scale:focus { background: $boost; }
    Scale > .scale--label { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"scale--label"}
    BINDINGS = [
        Binding("left", "step(-1)", "lower", show=False),
        Binding("right", "step(1)", "higher", show=False),
        Binding("home", "set(0)", show=False),
        Binding("end,plus", "set(10)", show=False),
        Binding("backspace,delete", "clear", show=False),
    ]

    value: reactive[int | None] = reactive(None)

    @dataclass
    class Changed(Message):
        scale: Scale
        value: int | None

    def __init__(
        self,
        label: str,
        value: int | None = None,
        *,
        optional: bool = False,
        hint: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.optional = optional
        self.hint = hint  # what the ends mean, e.g. "0 none · 10 extreme", always shown
        self.set_reactive(Scale.value, value)
        self._last_one: float | None = None  # when 1 was typed, on the app's monotonic clock

    def render(self) -> Content:
        marker = "› " if self.has_focus else "  "
        parts: list[Content] = [Content(marker + self.label.ljust(LABEL_WIDTH - 2))]
        for n in range(11):
            if n == self.value:
                parts.append(Content.from_markup("[b reverse $primary]$n[/]", n=f"[{n}]"))
            else:
                parts.append(Content(f" {n} "))
        if self.hint:
            parts.append(Content.styled(f"  {self.hint}", "dim"))
        elif self.value is None:
            parts.append(Content.styled("  (optional)" if self.optional else "  (choose)", "dim"))
        return Content("").join(parts)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def watch_value(self, value: int | None) -> None:
        self.post_message(self.Changed(self, value))

    def action_step(self, delta: int) -> None:
        start = 5 if self.value is None else self.value
        self.value = min(10, max(0, start + (delta if self.value is not None else 0)))

    def action_set(self, value: int) -> None:
        self.value = value

    def action_clear(self) -> None:
        if self.optional:
            self.value = None

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.character.isdigit():
            return
        event.stop()
        digit = int(event.character)
        now = getattr(self.app, "monotonic", time.monotonic)()  # injected in tests
        last_one = self._last_one
        if (
            digit == 0
            and self.value == 1
            and last_one is not None
            and now - last_one <= TEN_AFTER_ONE_S
        ):
            self.value = 10
        else:
            self.value = digit
        self._last_one = now if digit == 1 else None

    def on_click(self, event: events.Click) -> None:
        column = event.x - LABEL_WIDTH
        if 0 <= column < 33:
            self.value = column // 3
