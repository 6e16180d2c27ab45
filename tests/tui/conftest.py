"""Pilot helpers for the TUI tests: the kit's (``kapjournal.testing``), and two terminal sizes.

``make_app``, ``existing_journal``, ``clock`` and ``monotonic`` are the kit's fixtures.
"""

from __future__ import annotations

from kapjournal.testing import notifications, screen_text, settle, tick, unlock, wait_workers

__all__ = ["notifications", "screen_text", "settle", "tick", "unlock", "wait_workers"]

SIZE_SMALL = (80, 24)
SIZE_LARGE = (120, 40)
