"""Bindings shared by our screens.

``HELP_FIRST`` repeats the app's f1 binding at the start of a screen's BINDINGS: the app's priority
binding still handles the key, but the footer then shows "f1 Get help now" first, so it is never
cut off on a narrow terminal.
"""

from __future__ import annotations

from textual.binding import Binding

HELP_FIRST = Binding("f1", "app.help", "Get help now")
