"""An exercise, one step at a time, autosaved as an encrypted draft; and the exercise picker.

Keys: ctrl+→ (or ctrl+n) next step, ctrl+← (or ctrl+b) back, ctrl+s save now, esc later (keeps
a draft). TextArea uses ctrl+←/→ for word jumps; our bindings take priority because moving between
steps matters more here, and ctrl+n/ctrl+b are there for terminals that eat ctrl+arrows.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from kapjournal import dates
from kapjournal.exercises import Exercise
from kapjournal.plan import placeholder_values
from kapjournal.records import DosingSession, Reflection
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.screens.drafting import DraftScreen
from kapjournal.tui.screens.reflection import ReflectionScreen
from kapjournal.tui.widgets.editor import (
    Confirm,
    JournalInput,
    JournalTextArea,
    parse_tags,
)
from kapjournal.tui.widgets.keys import HELP_FIRST
from kapjournal.tui.widgets.text import clean, one_line

__all__ = ["ExercisePickerScreen", "ExerciseScreen", "ReflectionScreen"]

SHARE_NOTE = {
    False: "private: only you can read this",
    True: "shared: included when you export for your therapist",
}


def session_label(exercise: Exercise, session: DosingSession | None) -> str:
    if session is None:
        return "before your next session" if exercise.timing == "before" else ""
    name = f"session {session.number}" if session.number else "your session"
    return f"before {name}" if exercise.timing == "before" else f"after {name}"


class ExerciseScreen(DraftScreen):
    """One exercise: the intro, then each step's prompt above a text box, then tags and sharing."""

    STATUS_ID = "#exercise-status"
    DEFAULT_CSS = """
    ExerciseScreen { align-horizontal: center; }
    ExerciseScreen #exercise-body { width: 100%; max-width: 80; height: 1fr; padding: 0 1; }
    ExerciseScreen #exercise-header { height: 2; border-bottom: solid $primary 30%; }
    ExerciseScreen #exercise-title { width: 1fr; text-style: bold; }
    ExerciseScreen #exercise-progress { width: auto; color: $text-muted; }
    ExerciseScreen #exercise-step { height: 1fr; }
    ExerciseScreen #exercise-intro { color: $text-muted; margin-bottom: 1; max-width: 76; }
    ExerciseScreen #exercise-prompt { margin-bottom: 1; max-width: 76; }
    ExerciseScreen #exercise-answer { height: 1fr; min-height: 6; max-width: 78; }
    ExerciseScreen #exercise-finish-box { height: auto; max-width: 78; }
    ExerciseScreen #exercise-finish-box Input { margin-bottom: 1; }
    ExerciseScreen #exercise-share-note { color: $text-muted; padding-left: 4; margin-bottom: 1; }
    ExerciseScreen #exercise-status { height: 1; color: $text-muted; }
    ExerciseScreen #exercise-status.error { color: $warning; }
    """
    BINDINGS = [
        HELP_FIRST,  # so the footer shows it before the text box's own keys push it off
        Binding("ctrl+left,ctrl+b", "back", "back", key_display="^←", priority=True),
        Binding("ctrl+right,ctrl+n", "next", "next", key_display="^→", priority=True),
        Binding("ctrl+s", "save_now", "save", priority=True),
        Binding("escape", "later", "later"),
        Binding("ctrl+o", "app.ground", "ground", key_display="^o", priority=True),
    ]

    def __init__(
        self,
        exercise_id: str,
        session_id: str | None = None,
        draft_id: str | None = None,
        step: int | None = None,
    ) -> None:
        super().__init__(draft_id)
        self.exercise_id = exercise_id
        self.session_id = session_id
        self.step = step
        self.answers: list[str] = []
        self.exercise: Exercise | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="exercise-body"):
            with Horizontal(id="exercise-header"):
                yield Static("", id="exercise-title", markup=False)
                yield Static("", id="exercise-progress")
            with VerticalScroll(id="exercise-step"):
                yield Static("", id="exercise-intro", markup=False)
                yield Static("", id="exercise-prompt", markup=False)
                yield JournalTextArea(id="exercise-answer")
                with Vertical(id="exercise-finish-box"):
                    yield JournalInput(
                        placeholder="Tags, separated by commas (optional)", id="exercise-tags"
                    )
                    yield Checkbox("Share with my therapist", id="exercise-share")
                    yield Static(SHARE_NOTE[False], id="exercise-share-note")
                    yield Button("Finish", id="exercise-finish", variant="primary")
            yield Static("", id="exercise-status")
        yield Footer()

    def on_mount(self) -> None:
        found = self.catalog.get(self.exercise_id)
        record = self._find_draft()
        if found is None:
            if record is not None:  # the pack went away: the words are still worth showing
                self.app.switch_screen(ReflectionScreen(record.id))
            else:
                self.notify("That exercise is not in your prompt packs any more.")
                self.dismiss()
            return
        session = self.journal.get(self.session_id) if self.session_id else None
        if session is not None and not isinstance(session, DosingSession):
            session = None
        values = placeholder_values(session, self.journal.reflections(), self.now(), self.catalog)
        self.exercise = found.filled(values)
        steps = len(self.exercise.steps)
        self.adopt(record)
        self.answers = list(record.answers[:steps]) if record else []
        self.answers += [""] * (steps - len(self.answers))
        if record is not None:
            self.query_one("#exercise-tags", Input).value = ", ".join(record.tags)
            self.query_one("#exercise-share", Checkbox).value = record.share
            if self.step is None and record.draft:
                self.notify("Your draft is here, just as you left it.", timeout=4)
        if self.step is None and record is not None and record.draft:
            # A draft keeps its answers up to the step the patient was on (see fields()).
            self.step = max(0, min(len(record.answers), steps) - 1)
        elif self.step is None:
            written = [i for i, a in enumerate(self.answers) if a.strip()]
            self.step = written[-1] if written else 0
        self.step = max(0, min(self.step, steps))
        title = clean(self.exercise.title)
        label = session_label(self.exercise, session)
        self.query_one("#exercise-title", Static).update(f"{title} · {label}" if label else title)
        self.show_step()
        self.start_autosave()

    def _find_draft(self) -> Reflection | None:
        """The reflection asked for, or an unfinished draft of this exercise for this session."""
        if self.reflection_id:
            found = self.journal.get(self.reflection_id)
            if isinstance(found, Reflection):
                if found.session_id and not self.session_id:
                    self.session_id = found.session_id
                return found
            self.reflection_id = None
        drafts = [
            d
            for d in self.journal.drafts()
            if d.exercise_id == self.exercise_id and d.session_id == self.session_id
        ]
        return max(drafts, key=lambda d: d.updated, default=None)

    # --- the reflection's fields -----------------------------------------------------------------

    @staticmethod
    def has_words(fields: dict[str, Any]) -> bool:
        """Only the patient's answers count: opening an exercise and leaving keeps nothing."""
        return any((a or "").strip() for a in fields.get("answers", ()))

    def fields(self) -> dict[str, Any]:
        answers = list(self.answers)
        if self.exercise is not None and self.step is not None and self.step < len(answers):
            answers[self.step] = self.query_one("#exercise-answer", TextArea).text
        # Empty answers after the step on screen are dropped; those up to it stay, so a draft
        # reopens on the step where the patient left it.
        keep = (self.step or 0) + 1
        while len(answers) > keep and not answers[-1]:
            answers.pop()
        return {
            "exercise_id": self.exercise_id,
            "session_id": self.session_id,
            "title": self.exercise.title if self.exercise else "",
            "answers": tuple(answers),
            "tags": parse_tags(self.query_one("#exercise-tags", Input).value),
            "share": self.query_one("#exercise-share", Checkbox).value,
        }

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return (
            "exercise",
            {
                "exercise_id": self.exercise_id,
                "session_id": self.session_id,
                "draft_id": self.record.id if self.record else None,
                "step": self.step,
            },
        )

    # --- steps -----------------------------------------------------------------------------------

    def show_step(self) -> None:
        assert self.exercise is not None and self.step is not None
        steps = self.exercise.steps
        finishing = self.step >= len(steps)
        intro = self.query_one("#exercise-intro", Static)
        intro.update(clean(self.exercise.intro))
        # The intro is shown first; an intention review keeps it, since it quotes the patient.
        intro.display = self.step == 0 or (
            self.exercise.category == "intention-review" and not finishing
        )
        prompt = self.query_one("#exercise-prompt", Static)
        answer = self.query_one("#exercise-answer", JournalTextArea)
        box = self.query_one("#exercise-finish-box")
        answer.display = not finishing
        box.display = finishing
        progress = self.query_one("#exercise-progress", Static)
        if finishing:
            progress.update("last: tags and sharing")
            prompt.update(
                "That is all the steps. Add a few tags if you like, and choose whether this "
                "reflection is shared with your therapist when you export. It stays private "
                "unless you tick the box."
            )
            self.query_one("#exercise-tags", Input).focus()
        else:
            progress.update(f"step {self.step + 1} of {len(steps)} · ctrl+→ skips")
            prompt.update(clean(steps[self.step]))
            answer.load_text(self.answers[self.step])
            answer.move_cursor(answer.document.end)
            answer.focus()
        self.query_one("#exercise-step", VerticalScroll).scroll_home(animate=False)

    def _keep_answer(self) -> None:
        assert self.exercise is not None and self.step is not None
        if self.step < len(self.exercise.steps):
            self.answers[self.step] = self.query_one("#exercise-answer", TextArea).text

    def go_to(self, step: int) -> None:
        if self.exercise is None or self.step is None:
            return
        step = max(0, min(step, len(self.exercise.steps)))
        if step == self.step:
            return
        self._keep_answer()
        self.step = step
        self.show_step()
        self.autosave()
        self.show_status()

    def action_next(self) -> None:
        if self.step is not None:
            self.go_to(self.step + 1)

    def action_back(self) -> None:
        if self.step is not None:
            self.go_to(self.step - 1)

    def action_save_now(self) -> None:
        if self.autosave():
            self.show_status()

    def action_later(self) -> None:
        if self.exercise is not None:
            self._keep_answer()
        self.leave()

    @on(Checkbox.Changed, "#exercise-share")
    def _share_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#exercise-share-note", Static).update(SHARE_NOTE[event.value])
        self.show_status()

    @on(Button.Pressed, "#exercise-finish")
    def action_finish(self) -> None:
        if self.exercise is None:
            return
        self._keep_answer()
        answers = list(self.fields()["answers"])
        while answers and not answers[-1]:
            answers.pop()
        if self.save_final(answers=tuple(answers)):
            shared = (
                "shared with your therapist" if self.record and self.record.share else "private"
            )
            self.notify(f"Saved · {shared}. Thank you for taking the time.")
            self.dismiss()


TIMING_LABELS = {
    "before": "Before a session",
    "same-day": "The same day",
    "next-day": "The next day",
    "days-2-7": "Days 2 to 7",
    "week-after": "The week after",
    "anytime": "Any time",
}


class ExercisePickerScreen(JournalScreen):
    """Every exercise, grouped by when it fits, and the drafts waiting to be continued."""

    DEFAULT_CSS = """
    ExercisePickerScreen { align-horizontal: center; }
    ExercisePickerScreen #picker-body { max-width: 80; padding: 0 1; }
    ExercisePickerScreen #picker-heading { text-style: bold; height: 1; }
    ExercisePickerScreen #picker-list { height: 1fr; border: none; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "back"),
        Binding("d", "delete_draft", "delete draft"),
    ]
    KEY_NOTES = [("↑ ↓, ⏎", "choose an exercise or a draft and open it")]

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-body"):
            yield Static("Exercises · enter to open", id="picker-heading")
            yield OptionList(id="picker-list")
        yield Footer()

    def on_mount(self) -> None:
        self.refill()
        self.query_one("#picker-list", OptionList).focus()

    def on_screen_resume(self) -> None:
        if getattr(self.app, "journal", None) is not None and self.is_mounted:
            self.refill()

    def refill(self) -> None:
        options: list[Option | None] = []
        drafts = sorted(self.journal.drafts(), key=lambda d: d.updated, reverse=True)
        if drafts:
            options.append(Option(Text("Drafts to continue", style="bold"), disabled=True))
            for d in drafts:
                exercise = self.catalog.get(d.exercise_id)
                name = exercise.title if exercise else (d.title or "Free writing")
                when = dates.in_zone(d.updated, self.now().tzinfo).strftime("%a %d %b %H:%M")
                excerpt = one_line(d.text, 30)
                line = Text(f"  ✎ {one_line(name, 34)}  ", no_wrap=True, overflow="ellipsis")
                line.append(f"{when}  {excerpt}", style="dim")
                options.append(Option(line, id=f"draft:{d.id}"))
            options.append(None)
        for timing, heading in TIMING_LABELS.items():
            group = self.catalog.by_timing(timing)
            if not group:
                continue
            options.append(Option(Text(heading, style="bold"), disabled=True))
            for e in group:
                row = Text(f"  {one_line(e.title, 40):<42}", no_wrap=True, overflow="ellipsis")
                row.append(f"{e.minutes:>3} min  ", style="dim")
                row.append(e.category, style="dim")
                options.append(Option(row, id=f"ex:{e.id}"))
        picker = self.query_one("#picker-list", OptionList)
        highlighted = picker.highlighted
        picker.clear_options()
        picker.add_options(options)
        first = next((i for i, o in enumerate(options) if o is not None and not o.disabled), None)
        picker.highlighted = highlighted if highlighted is not None else first

    @on(OptionList.OptionSelected, "#picker-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        kind, _, ident = (event.option.id or "").partition(":")
        if kind == "draft":
            draft = self.journal.get(ident)
            if isinstance(draft, Reflection) and draft.exercise_id:
                self.app.push_screen(
                    ExerciseScreen(draft.exercise_id, draft.session_id, draft_id=draft.id)
                )
            else:
                self.app.push_screen(ReflectionScreen(ident))
        elif kind == "ex":
            self.app.push_screen(ExerciseScreen(ident, self._session_for(ident)))

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("exercises", {})

    def _session_for(self, exercise_id: str) -> str | None:
        """After-session exercises belong to the latest session; "before" ones to the next."""
        exercise = self.catalog.get(exercise_id)
        now = self.now()
        sessions = self.journal.sessions()
        if exercise is not None and exercise.timing == "before":
            upcoming = [s for s in sessions if s.when > now]
            return upcoming[0].id if upcoming else None
        past = [s for s in sessions if s.when <= now]
        return past[-1].id if past else None

    def action_delete_draft(self) -> None:
        picker = self.query_one("#picker-list", OptionList)
        if picker.highlighted is None:
            return
        option = picker.get_option_at_index(picker.highlighted)
        kind, _, ident = (option.id or "").partition(":")
        if kind != "draft":
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.journal.delete(ident)
                self.notify("Draft deleted.")
                self.refill()

        self.app.push_screen(
            Confirm("Delete this draft? Its words cannot be brought back.", "Delete", "Keep it"),
            answer,
        )
