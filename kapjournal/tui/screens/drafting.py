"""What the writing screens share: an encrypted draft saved as the patient writes.

The draft is a ``Reflection`` with ``draft=True``. It is saved every ``AUTOSAVE_SECONDS`` when the
words changed, on every step change, on leaving, and before the journal locks, so a crash or a
lock loses at most a few seconds. If a save fails, the words stay in the editor and we say so.

"Every ``AUTOSAVE_SECONDS``" is measured on the app's injected monotonic clock, in ``tick()``,
which the app calls (from its one real timer, or from a test); this screen starts no timer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.widgets import Static

from kapjournal.errors import KapJournalError
from kapjournal.records import Reflection
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.widgets.editor import saved_phrase


class DraftScreen(JournalScreen):
    """A screen that writes one reflection, autosaved as an encrypted draft."""

    AUTOSAVE_SECONDS: ClassVar[float] = 3.0
    STATUS_ID: ClassVar[str] = ""

    def __init__(self, reflection_id: str | None = None) -> None:
        super().__init__()
        self.reflection_id = reflection_id
        self.record: Reflection | None = None
        self._saved_fields: dict[str, Any] | None = None
        self._saved_at: datetime | None = None
        self._error: str | None = None
        self._autosaved_at: float | None = None  # monotonic time of the last autosave check

    # --- to be filled in by each screen ------------------------------------------------------

    def fields(self) -> dict[str, Any]:
        """The reflection's fields as they are on screen now."""
        raise NotImplementedError

    # --- state ---------------------------------------------------------------------------------

    def adopt(self, record: Reflection | None) -> None:
        """Start from a stored reflection (a draft to continue, or one to edit)."""
        self.record = record
        self.reflection_id = record.id if record else None
        self._saved_fields = None

    def start_autosave(self) -> None:
        self._saved_fields = self.fields() if self.record is not None else None
        self._autosaved_at = self.monotonic()
        self.show_status()

    def autosave_due(self) -> bool:
        """True once ``AUTOSAVE_SECONDS`` have passed on the monotonic clock since the last check."""
        return (
            self._autosaved_at is not None
            and self.monotonic() - self._autosaved_at >= self.AUTOSAVE_SECONDS
        )

    def tick(self) -> None:
        """Autosave if due (and the words changed), and refresh "saved N seconds ago"."""
        if getattr(self.app, "journal", None) is None:
            return
        if self.autosave_due():
            self._autosaved_at = self.monotonic()
            self.autosave()
        self.show_status()

    @staticmethod
    def has_words(fields: dict[str, Any]) -> bool:
        return any((a or "").strip() for a in fields.get("answers", ())) or any(
            str(fields.get(k) or "").strip() for k in ("title", "body")
        )

    def unsaved(self) -> bool:
        fields = self.fields()
        if self.record is None:
            return self.has_words(fields)
        return fields != self._saved_fields

    def autosave(self, *, raise_errors: bool = False) -> bool:
        """Save the draft if anything changed. False (and the words kept) if saving failed."""
        if not self.unsaved():
            return True
        return self._write(self.fields(), raise_errors=raise_errors)

    def _write(self, fields: dict[str, Any], *, raise_errors: bool = False) -> bool:
        try:
            if self.record is None:
                fields.setdefault("draft", True)
                self.record = self.journal.add(Reflection, **fields)
                self.reflection_id = self.record.id
            else:
                self.record = self.journal.update(self.record, **fields)
        except KapJournalError as exc:
            self._error = str(exc)
            self.show_status()
            if raise_errors:
                raise
            return False
        fields.pop("draft", None)
        self._saved_fields = self.fields()
        self._saved_at = self.now()
        self._error = None
        self.show_status()
        return True

    def save_final(self, **extra: Any) -> bool:
        """Save as a finished reflection (``draft=False``). On failure the words stay here."""
        fields = {**self.fields(), **extra, "draft": False}
        if not self._write(fields):
            self.notify(
                f"Could not save: {self._error}. Your words are still here; try again.",
                severity="error",
                timeout=10,
            )
            return False
        return True

    def leave(self) -> None:
        """Save what is there (as a draft if it was one) and go back."""
        if getattr(self.app, "journal", None) is None:
            return
        if not self.autosave():
            self.notify(
                f"Could not save: {self._error}. Your words are still here.",
                severity="error",
                timeout=10,
            )
            return
        if self.record is not None and self.record.draft:
            self.notify("Kept as a draft. You can continue it from Exercises or the timeline.")
        self.dismiss()

    # --- the lock hooks ------------------------------------------------------------------------

    def before_lock(self) -> None:
        self.autosave(raise_errors=True)

    # --- the status line -----------------------------------------------------------------------

    def status_text(self) -> str:
        share = self.fields().get("share", False)
        privacy = "shared with my therapist" if share else "private"
        if self._error:
            return f"not saved: {self._error} · your words are still here · {privacy}"
        if self._saved_at is not None:
            seconds = (self.now() - self._saved_at).total_seconds()
            return f"{saved_phrase(seconds)} · {privacy}"
        if self.record is not None:
            return f"saved · {privacy}"
        return f"saves as you write · {privacy}"

    def show_status(self) -> None:
        if not self.STATUS_ID:
            return
        for status in self.query(self.STATUS_ID).results(Static):
            status.update(self.status_text())
            status.set_class(bool(self._error), "error")
