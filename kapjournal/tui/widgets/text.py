"""Make the patient's text safe to show: no control or escape sequences, never read as markup.

Pair with ``Static(..., markup=False)`` or ``Content.from_markup("… $text …", text=clean(t))``:
variables in ``from_markup`` are inserted as plain text, so a ``[b]`` the patient typed stays text.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from kapjournal import dates, text

# Whole ANSI escape sequences (CSI, OSC and two-character escapes) go first, so their arguments
# do not show as words; then kapjournal.text, the one sanitiser, removes every other control.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def clean(value: str) -> str:
    """The text with escape sequences and control characters removed; newlines and tabs kept."""
    return text.safe_text(_ANSI.sub("", value.replace("\r\n", "\n"))).replace("\t", "    ")


def one_line(value: str, width: int = 60) -> str:
    """The text cleaned, on one line, cut at ``width`` characters with an ellipsis."""
    return text.one_line(_ANSI.sub("", value[: width * 4 + 256]), width)


def when_words(moment: datetime, now: datetime) -> str:
    """When something happened, in words: "this morning", "yesterday evening", "on Monday"."""
    local = dates.in_zone(moment, now.tzinfo)
    days = (now.date() - local.date()).days
    part = "morning" if local.hour < 12 else "afternoon" if local.hour < 18 else "evening"
    if days == 0:
        return f"this {part}" if local <= now else "later today"
    if days == 1:
        return "last night" if part == "evening" else f"yesterday {part}"
    if 1 < days < 7:
        return f"on {local.strftime('%A')}"
    if days < 0:
        return f"on {local.strftime('%a %-d %b')}"
    return f"on {local.strftime('%-d %b')}" if local.year == now.year else f"on {local:%-d %b %Y}"


def days_ago(day: date, today: date) -> str:
    """ "today", "yesterday", "3 days ago", "in 2 days", "tomorrow"."""
    n = (today - day).days
    if n == 0:
        return "today"
    if n == 1:
        return "yesterday"
    if n == -1:
        return "tomorrow"
    return f"{n} days ago" if n > 0 else f"in {-n} days"
