"""Is anything on screen cut off? Checks a mounted screen the way a patient would notice it.

``cut_off(screen)`` lists, in words, every visible widget that:

- sticks out sideways past what clips it (a label wider than its panel: "something small for tod"),
- is cut at the bottom by a container that cannot scroll to it,
- holds more text than it has room for (a one-line status with two lines of text, a no-wrap
  label wider than itself),
- scrolls sideways (a table wider than the screen, a footer with more keys than room).

Text boxes (Input, TextArea) are left out of the last check: what a person types may scroll.
``footer_keys(screen)`` lists the keys a footer shows, whole, on screen.
"""

from __future__ import annotations

from typing import Any

from textual.geometry import Size
from textual.screen import Screen
from textual.scrollbar import ScrollBar, ScrollBarCorner
from textual.widget import Widget
from textual.widgets import Footer, Input, Static, TextArea
from textual.widgets._footer import FooterKey


def _name(widget: Widget) -> str:
    label = type(widget).__name__
    if widget.id:
        label += f"#{widget.id}"
    text = str(getattr(widget, "content", "") or getattr(widget, "description", "") or "")
    text = " ".join(text.split())
    return f"{label} {text[:40]!r}" if text else label


def _scrolls_to(widget: Widget) -> bool:
    """Some ancestor can scroll vertically, so a part below the fold can be reached."""
    return any(isinstance(node, Widget) and node.allow_vertical_scroll for node in widget.ancestors)


def cut_off(screen: Screen[Any]) -> list[str]:
    problems: list[str] = []
    visible = screen._compositor.visible_widgets  # widget -> (region, clip)
    for widget, (region, clip) in visible.items():
        if widget is screen or isinstance(widget, ScrollBar | ScrollBarCorner):
            continue
        if not widget.display or not widget.visible:
            continue
        if region.x < clip.x or region.right > clip.right:
            problems.append(f"{_name(widget)} is cut at the side ({region} in {clip})")
        if region.bottom > clip.bottom and not _scrolls_to(widget):
            problems.append(f"{_name(widget)} is cut at the bottom ({region} in {clip})")
        if isinstance(widget, Static) and widget.content_region.width > 0:
            box = widget.content_region
            need_h = widget.get_content_height(box.size, screen.size, box.width)
            if need_h > box.height and not widget.allow_vertical_scroll:
                problems.append(f"{_name(widget)} needs {need_h} lines, has {box.height}")
            if widget.styles.text_wrap == "nowrap":
                need_w = widget.get_content_width(Size(10_000, box.height), screen.size)
                if need_w > box.width:
                    problems.append(f"{_name(widget)} needs {need_w} columns, has {box.width}")
        if isinstance(widget, FooterKey):
            need_w = widget.get_content_width(Size(10_000, 1), screen.size)
            if need_w > widget.content_region.width:
                problems.append(f"{_name(widget)} needs {need_w} columns")
        scrolls = widget.is_scrollable and not isinstance(widget, Input | TextArea)
        if scrolls and widget.max_scroll_x > 0:
            problems.append(f"{_name(widget)} scrolls sideways by {widget.max_scroll_x}")
    return problems


def footer_keys(screen: Screen[Any]) -> list[str]:
    """The keys of the screen's footer that are wholly on screen, left to right."""
    visible = screen._compositor.visible_widgets
    keys = []
    for footer in screen.query(Footer):
        for key in footer.query(FooterKey):
            if key in visible:
                region, clip = visible[key]
                if clip.contains_region(region):
                    keys.append((region.x, key.key))
    return [k for _, k in sorted(keys)]
