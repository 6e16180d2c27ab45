"""Time, injected: every module takes a clock instead of reading ``datetime.now()`` inline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kapjournal.dates import LOCAL

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Local time in the system's zone, daylight-saving rules included, so days are the patient's."""
    return datetime.now(LOCAL)
