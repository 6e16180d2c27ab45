"""Free writing, and editing any reflection (an exercise's answers are shown under their prompts).

Keys: ctrl+s save (a finished reflection), esc leave (a new one is kept as a draft; changes to an
existing one are saved). Autosaved like the exercise screen.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Footer, Input, Static, TextArea

from kapjournal.plan import placeholder_values
from kapjournal.records import DosingSession, Reflection
from kapjournal.tui.screens.drafting import DraftScreen
from kapjournal.tui.widgets.editor import JournalInput, JournalTextArea, parse_tags
from kapjournal.tui.widgets.text import clean

SHARE_NOTE = {
    False: "private: only you can read this",
    True: "shared: included when you export for your therapist",
}


class ReflectionScreen(DraftScreen):
    """A page to write on: a title, the text, tags, and the share choice (private by default)."""

    STATUS_ID = "#reflection-status"
    DEFAULT_CSS = """
    ReflectionScreen { align-horizontal: center; }
    ReflectionScreen #reflection-form { width: 100%; max-width: 80; height: 1fr; padding: 0 1; }
    ReflectionScreen #reflection-heading { text-style: bold; height: 1; margin-bottom: 1; }
    ReflectionScreen #reflection-title { max-width: 78; }
    ReflectionScreen .step-prompt { margin-top: 1; max-width: 76; color: $text-muted; }
    ReflectionScreen .step-answer { height: auto; min-height: 4; max-height: 16; }
    ReflectionScreen #reflection-body { height: 1fr; min-height: 8; }
    ReflectionScreen #reflection-body.with-steps { height: auto; min-height: 4; max-height: 16; }
    ReflectionScreen #reflection-body-label { margin-top: 1; color: $text-muted; }
    ReflectionScreen #reflection-tags { max-width: 78; margin-top: 1; }
    ReflectionScreen #reflection-share-row { height: auto; }
    ReflectionScreen #reflection-share-note { width: 1fr; color: $text-muted; padding: 1 0 0 1; }
    ReflectionScreen #reflection-status { height: 1; color: $text-muted; padding: 0 1; }
    ReflectionScreen #reflection-status.error { color: $warning; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "save", priority=True),
        Binding("escape", "later", "leave"),
    ]

    def __init__(self, reflection_id: str | None = None) -> None:
        super().__init__(reflection_id)
        self.prompts: list[str] = []
        self._loaded = False

    def compose(self) -> ComposeResult:
        record = self._stored()
        self.adopt(record)
        answers = record.answers if record else ()
        exercise = self.catalog.get(record.exercise_id) if record else None
        self.prompts = self._prompts(record, exercise, len(answers))
        heading = "Edit reflection" if record and not record.draft else "Write"
        if exercise is not None:
            heading = f"{heading} · {exercise.title}"
        with VerticalScroll(id="reflection-form"):
            yield Static(clean(heading), id="reflection-heading", markup=False)
            yield JournalInput(
                record.title if record else "",
                placeholder="Title (optional)",
                id="reflection-title",
            )
            for i, (prompt, answer) in enumerate(zip(self.prompts, answers, strict=True)):
                yield Static(clean(prompt), classes="step-prompt", markup=False)
                yield JournalTextArea(answer, id=f"reflection-answer-{i}", classes="step-answer")
            if answers:
                yield Static("More, in your own words (optional)", id="reflection-body-label")
            yield JournalTextArea(
                record.body if record else "",
                id="reflection-body",
                classes="with-steps" if answers else "",
            )
            yield JournalInput(
                ", ".join(record.tags) if record else "",
                placeholder="Tags, separated by commas (optional)",
                id="reflection-tags",
            )
            share = record.share if record else False
            with Horizontal(id="reflection-share-row"):
                yield Checkbox("Share with my therapist", share, id="reflection-share")
                yield Static(SHARE_NOTE[share], id="reflection-share-note")
        yield Static("", id="reflection-status")
        yield Footer()

    def _stored(self) -> Reflection | None:
        if not self.reflection_id:
            return None
        found = self.journal.get(self.reflection_id)
        return found if isinstance(found, Reflection) else None

    def _prompts(self, record: Reflection | None, exercise: Any, count: int) -> list[str]:
        if record is None or exercise is None:
            return [f"Step {i + 1}" for i in range(count)]
        session = self.journal.get(record.session_id) if record.session_id else None
        session = session if isinstance(session, DosingSession) else None
        values = placeholder_values(session, self.journal.reflections(), self.now(), self.catalog)
        steps = exercise.filled(values).steps
        return [steps[i] if i < len(steps) else f"Step {i + 1}" for i in range(count)]

    def on_mount(self) -> None:
        if self.reflection_id and self.record is None:
            self.notify("That reflection is not in the journal any more; this is a new page.")
        first = "#reflection-answer-0" if self.prompts else "#reflection-body"
        if self.record is None:
            first = "#reflection-body"
        area = self.query_one(first, TextArea)
        area.move_cursor(area.document.end)
        area.focus()
        self.start_autosave()

    def fields(self) -> dict[str, Any]:
        answers = tuple(
            self.query_one(f"#reflection-answer-{i}", TextArea).text
            for i in range(len(self.prompts))
        )
        record = self.record
        return {
            "exercise_id": record.exercise_id if record else None,
            "session_id": record.session_id if record else None,
            "title": self.query_one("#reflection-title", Input).value,
            "answers": answers,
            "body": self.query_one("#reflection-body", TextArea).text,
            "tags": parse_tags(self.query_one("#reflection-tags", Input).value),
            "share": self.query_one("#reflection-share", Checkbox).value,
        }

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("write", {"reflection_id": self.record.id if self.record else None})

    @on(Checkbox.Changed, "#reflection-share")
    def _share_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#reflection-share-note", Static).update(SHARE_NOTE[event.value])
        self.show_status()

    def action_save(self) -> None:
        if not self.has_words(self.fields()) and self.record is None:
            self.notify("There is nothing to save yet.")
            return
        if self.save_final():
            shared = (
                "shared with your therapist" if self.record and self.record.share else "private"
            )
            self.notify(f"Saved · {shared}.")
            self.dismiss()

    def action_later(self) -> None:
        self.leave()
