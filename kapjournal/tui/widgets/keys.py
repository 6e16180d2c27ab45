"""Bindings shared by our screens.

``HELP_FIRST`` repeats the app's help binding at the start of a screen's BINDINGS: the app's
priority binding still handles the key, but the footer then shows "f1/^g Get help now" first, so
it is never cut off on a narrow terminal. ctrl+g ("get help") is there because GNOME Terminal,
Terminator and MATE take f1 for their own help, and Mac laptops need fn+f1.
"""

from __future__ import annotations

from textual.binding import Binding

HELP_KEYS = "f1,ctrl+g"
HELP_KEY_DISPLAY = "f1/^g"
HELP_FIRST = Binding(HELP_KEYS, "app.help", "Get help now", key_display=HELP_KEY_DISPLAY)
