"""A questionnaire (PHQ-9, GAD-7, PCL-5), one question at a time, then the score in plain words.

A PHQ-9 question 9 answer above 0 opens Get help now at once, before the end, and the result
repeats a gentle note. Scores are computed by ``measures`` from the answers and saved at the end.
"""

from __future__ import annotations

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
    QuestionnaireScreen .muted { color: $text-muted; }
    """

    BINDINGS = [
        HELP_FIRST,
        Binding("escape", "leave", "leave"),
        Binding("backspace,left", "back", "back"),
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            if self.instrument is None or self.finished:
                return False
            return parameters[0] <= self.instrument.max_answer  # type: ignore[operator]
        if action == "back":
            return self.instrument is not None and not self.finished
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

    @on(OptionList.OptionSelected, "#q-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.action_answer(int(event.option.id or 0))

    def action_answer(self, value: int) -> None:
        inst = self.instrument
        if inst is None or self.finished or value > inst.max_answer:
            return
        del self.answers[self.index :]
        self.answers.append(value)
        if inst.id == "phq9" and self.index == 8 and value > 0:
            self.app.action_help()  # type: ignore[attr-defined]
        if self.index + 1 < len(inst.items):
            self.index += 1
            self._show_item()
        else:
            self._finish()

    def action_back(self) -> None:
        if self.instrument is None or self.finished:
            return
        if self.index == 0:
            return
        self.index -= 1
        self._show_item()

    def _finish(self) -> None:
        inst = self.instrument
        assert inst is not None
        self.finished = True
        scored = measures.score(inst.id, self.answers)
        try:
            self.journal.add_assessment(inst.id, self.answers)
            saved = "Saved in your journal."
        except KapJournalError as exc:
            saved = f"This could not be saved: {exc}"
            self.notify(saved, severity="warning")
        item9 = self.query_one("#q-item9", Static)
        item9.update(ITEM9_NOTE if measures.FLAG_PHQ9_ITEM9 in scored.flags else "")
        item9.set_class(measures.FLAG_PHQ9_ITEM9 not in scored.flags, "hidden")
        self.query_one("#q-score", Static).update(
            Content.from_markup(
                "Your $name score is [b]$score[/b] of $max: [b]$band[/b].\n\n$meaning\n\n"
                "[dim]$saved A score is a snapshot of the last weeks, not a verdict. "
                "Press esc to go back.[/dim]\n",
                name=inst.name,
                score=str(scored.score),
                max=str(inst.max_score),
                band=scored.band_label,
                meaning=scored.meaning,
                saved=saved,
            )
        )
        self.query_one("#q-attribution", Static).update(
            Content(f"{inst.title}. {inst.attribution}")
        )
        self.query_one("#q-box").border_title = f"{inst.name} · done"
        self._show("result")

    def action_leave(self) -> None:
        if self.instrument is not None and self.answers and not self.finished:
            self.notify("Left before the end; nothing was saved.")
        self.dismiss()
