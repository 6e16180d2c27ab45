"""Time, injected: every module takes a clock instead of reading ``datetime.now()`` inline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Local time, with its offset, so days are the patient's days."""
    return datetime.now().astimezone()
