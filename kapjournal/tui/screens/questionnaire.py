"""A questionnaire (PHQ-9, GAD-7, PCL-5), one question at a time, then the score in plain words.

A PHQ-9 question 9 answer above 0 opens Get help now at once, before the end, and the result
repeats a gentle note. Scores are computed by ``measures`` from the answers and saved as soon as
the last scored question is answered; the PHQ-9 and GAD-7 then ask their unscored difficulty
question (optional: s skips it), which is added to the saved record. The result names the score
range without naming a disorder, says how it moved from the previous score by the instrument's
own rule (a worsening is said plainly), and for the PCL-5 gives the four cluster subtotals.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from kapjournal import measures
from kapjournal.errors import KapJournalError
from kapjournal.records import Assessment
from kapjournal.safety import ITEM9_NOTE
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.widgets.keys import HELP_FIRST

ABOUT = {
    "phq9": "low mood and interest, 9 questions, about 2 minutes",
    "gad7": "worry and anxiety, 7 questions, about 2 minutes",
    "pcl5": "stress after a very hard experience, 20 questions, about 5 minutes",
}


class QuestionnaireScreen(JournalScreen):
    """Choose an instrument (unless given), answer each item, see and save the result."""

    DEFAULT_CSS = """
    QuestionnaireScreen { align: center top; }
    QuestionnaireScreen #q-box { width: 78; max-width: 100%; height: 1fr; padding: 0 2;
                                 border: round $primary 40%; border-title-color: $text; }
    QuestionnaireScreen #q-progress { color: $text-muted; text-align: right; }
    QuestionnaireScreen #q-stem { color: $text-muted; margin-top: 1; }
    QuestionnaireScreen #q-item { text-style: bold; margin: 1 0; }
    QuestionnaireScreen OptionList, QuestionnaireScreen OptionList:focus {
        height: auto; max-height: 12; border: none; background: transparent; padding: 0; }
    QuestionnaireScreen #q-intro { color: $text-muted; margin: 1 0; }
    QuestionnaireScreen #q-result { height: 1fr; }
    QuestionnaireScreen #q-item9 { color: $warning; margin-bottom: 1; }
    QuestionnaireScreen #q-score, QuestionnaireScreen #q-change,
    QuestionnaireScreen #q-detail { margin-bottom: 1; }
    QuestionnaireScreen #q-change.worse { text-style: bold; }
    QuestionnaireScreen .muted { color: $text-muted; }
    """

    BINDINGS = [
        HELP_FIRST,
        Binding("escape", "leave", "leave"),
        Binding("backspace,left", "back", "back"),
        Binding("s", "skip", "skip this one"),
        Binding("0", "answer(0)", "answer", key_display="digit"),
        *(Binding(str(n), f"answer({n})", show=False) for n in range(1, 5)),
    ]

    def __init__(self, instrument: str | None = None) -> None:
        super().__init__()
        self.instrument: measures.Instrument | None = (
            measures.INSTRUMENTS.get(instrument) if instrument else None
        )
        self.answers: list[int] = []
        self.index = 0
        self.finished = False
        self.saved: Assessment | None = None  # once the scored questions are answered
        self.save_error = ""
        self.change: measures.Change | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="q-box"):
            yield Static(
                "Standard questionnaires that many clinicians use. Doing one every couple of "
                "weeks shows how things move. Your answers stay in your journal.",
                id="q-intro",
            )
            yield OptionList(
                *(
                    Option(f"{i.name}  ·  {ABOUT[i.id]}", id=i.id)
                    for i in measures.INSTRUMENTS.values()
                ),
                id="q-choose",
            )
            yield Static("", id="q-progress")
            yield Static("", id="q-stem")
            yield Static("", id="q-item", markup=False)
            yield OptionList(id="q-options")
            with VerticalScroll(id="q-result"):
                yield Static("", id="q-item9")
                yield Static("", id="q-score")
                yield Static("", id="q-change")
                yield Static("", id="q-detail", markup=False)
                yield Static("", id="q-attribution", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        if self.instrument is None:
            self._show("choose")
        else:
            self._start(self.instrument)

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("questionnaire", {"instrument": self.instrument.id if self.instrument else None})

    def _show(self, part: str) -> None:
        parts = {
            "choose": ("#q-intro", "#q-choose"),
            "items": ("#q-progress", "#q-stem", "#q-item", "#q-options"),
            "result": ("#q-result",),
        }
        for widget_id in [w for ws in parts.values() for w in ws]:
            self.query_one(widget_id).set_class(widget_id not in parts[part], "hidden")
        box = self.query_one("#q-box")
        if part == "choose":
            box.border_title = "Which questionnaire?"
            self.query_one("#q-choose").focus()
        elif part == "items":
            self.query_one("#q-options").focus()
        self.refresh_bindings()

    @property
    def asking_difficulty(self) -> bool:
        """Whether the unscored difficulty question is on screen (after the scored ones)."""
        inst = self.instrument
        return inst is not None and not self.finished and self.index == len(inst.items)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            if self.instrument is None or self.finished:
                return False
            top = (
                max(o.value for o in self.instrument.difficulty.options)
                if self.asking_difficulty and self.instrument.difficulty
                else self.instrument.max_answer
            )
            return parameters[0] <= top  # type: ignore[operator]
        if action == "back":
            return self.instrument is not None and not self.finished and not self.asking_difficulty
        if action == "skip":
            return self.asking_difficulty
        return True

    @on(OptionList.OptionSelected, "#q-choose")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._start(measures.INSTRUMENTS[event.option.id or "phq9"])

    def _start(self, instrument: measures.Instrument) -> None:
        self.instrument = instrument
        self.answers = []
        self.index = 0
        self.query_one("#q-box").border_title = instrument.name
        self._show("items")
        self._show_item()

    def _show_item(self) -> None:
        inst = self.instrument
        assert inst is not None
        if self.asking_difficulty:
            self._show_difficulty()
            return
        n = len(inst.items)
        self.query_one("#q-progress", Static).update(
            f"question {self.index + 1} of {n} · press 0–{inst.max_answer}"
            + (" · backspace goes back" if self.index else "")
        )
        stem = inst.stem
        if inst.instructions and self.index == 0:
            stem = f"{inst.instructions}\n\n{stem}"
        self.query_one("#q-stem", Static).update(Content(stem))
        self.query_one("#q-item", Static).update(inst.items[self.index])
        options = self.query_one("#q-options", OptionList)
        options.clear_options()
        options.add_options(Option(f"{o.value}  {o.label}", id=str(o.value)) for o in inst.options)
        previous = self.answers[self.index] if self.index < len(self.answers) else 0
        options.highlighted = previous
        options.focus()
        self.refresh_bindings()

    def _show_difficulty(self) -> None:
        inst = self.instrument
        assert inst is not None and inst.difficulty is not None
        saved = "Your answers are saved. " if self.saved is not None else ""
        self.query_one("#q-progress", Static).update(
            f"{saved}One more, not scored · press 0–3, or s to skip"
        )
        self.query_one("#q-stem", Static).update(
            Content("This last question is part of the form but not of the score.")
        )
        self.query_one("#q-item", Static).update(inst.difficulty.text)
        options = self.query_one("#q-options", OptionList)
        options.clear_options()
        options.add_options(
            [
                *(
                    Option(f"{o.value}  {o.label}", id=str(o.value))
                    for o in inst.difficulty.options
                ),
                Option("s  Skip this question", id="skip"),
            ]
        )
        options.highlighted = 0
        options.focus()
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#q-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "skip":
            self.action_skip()
        else:
            self.action_answer(int(event.option.id or 0))

    def action_answer(self, value: int) -> None:
        inst = self.instrument
        if inst is None or self.finished:
            return
        if self.asking_difficulty:
            if inst.difficulty is not None and 0 <= value <= 3:
                self._add_difficulty(value)
                self._finish()
            return
        if value > inst.max_answer:
            return
        del self.answers[self.index :]
        self.answers.append(value)
        if inst.id == "phq9" and self.index == 8 and value > 0:
            self.app.action_help()  # type: ignore[attr-defined]
        if self.index + 1 < len(inst.items):
            self.index += 1
            self._show_item()
            return
        self._save()
        if inst.difficulty is not None:
            self.index = len(inst.items)
            self._show_item()
        else:
            self._finish()

    def action_skip(self) -> None:
        if self.asking_difficulty:
            self._finish()

    def action_back(self) -> None:
        if self.instrument is None or self.finished or self.asking_difficulty:
            return
        if self.index == 0:
            return
        self.index -= 1
        self._show_item()

    def _save(self) -> None:
        """Save as soon as the scored questions are answered, so leaving now loses nothing."""
        inst = self.instrument
        assert inst is not None
        new = self.journal.new_assessment(inst.id, self.answers)
        self.change = measures.previous_change(self.journal.assessments(), new)
        try:
            self.saved = self.journal.save(new)
        except KapJournalError as exc:
            self.save_error = f"This could not be saved: {exc}"
            self.notify(self.save_error, severity="warning")

    def _add_difficulty(self, value: int) -> None:
        if self.saved is None:
            return
        try:
            self.saved = self.journal.save(dataclasses.replace(self.saved, difficulty=value))
        except KapJournalError as exc:
            self.notify(f"The last answer could not be saved: {exc}", severity="warning")

    def _finish(self) -> None:
        inst = self.instrument
        assert inst is not None
        self.finished = True
        scored = measures.score(inst.id, self.answers)
        band = inst.band(scored.score)
        saved = self.save_error or "Saved in your journal."
        item9 = self.query_one("#q-item9", Static)
        item9.update(ITEM9_NOTE if measures.FLAG_PHQ9_ITEM9 in scored.flags else "")
        item9.set_class(measures.FLAG_PHQ9_ITEM9 not in scored.flags, "hidden")
        self.query_one("#q-score", Static).update(
            Content.from_markup(
                "Your $name score is [b]$score[/b] of $max, in the $low–$high range.\n\n$meaning",
                name=inst.name,
                score=str(scored.score),
                max=str(inst.max_score),
                low=str(band.low),
                high=str(band.high),
                meaning=scored.meaning,
            )
        )
        change = self.query_one("#q-change", Static)
        if self.change is None:
            change.update(
                Content.styled(
                    f"This is your first {inst.name} here; next time you will see how it moved.",
                    "$text-muted",
                )
            )
        else:
            change.update(measures.change_sentence(inst.id, self.change))
        change.set_class(self.change is not None and self.change.worse, "worse")
        detail: list[str] = []
        if inst.id == "pcl5":
            detail.append("The four groups of questions (DSM-5 clusters):")
            detail += [f"  {line}" for line in measures.pcl5_cluster_lines(self.answers)]
            detail.append("")
        difficulty = self.saved.difficulty if self.saved is not None else None
        if inst.difficulty is not None:
            label = measures.difficulty_label(inst.id, difficulty)
            detail.append(
                f"How difficult these problems made things: {label} (not scored)."
                if label
                else "The difficulty question was skipped; that is fine."
            )
            detail.append("")
        detail.append(
            f"{saved} A score is a snapshot of the last weeks, not a verdict. Press esc to go back."
        )
        self.query_one("#q-detail", Static).update("\n".join(detail))
        self.query_one("#q-attribution", Static).update(
            Content(f"{inst.title}. {inst.attribution}")
        )
        self.query_one("#q-box").border_title = f"{inst.name} · done"
        self._show("result")

    def action_leave(self) -> None:
        if self.asking_difficulty and self.saved is not None:
            self.notify("Your answers are saved, without the last (unscored) question.")
            self.dismiss()
            return
        if self.instrument is None or not self.answers or self.finished:
            self.dismiss()
            return
        from kapjournal.tui.widgets.editor import Confirm

        count = len(self.answers)
        question = (
            f"Leave the {self.instrument.name} now? Your {count} answer"
            f"{'' if count == 1 else 's'} so far would not be saved; a score needs every question."
        )

        def answer(leave: bool | None) -> None:
            if leave:
                self.notify("Left before the end; nothing was saved.")
                self.dismiss()

        self.app.push_screen(Confirm(question, "Leave without saving", "Keep going"), answer)
