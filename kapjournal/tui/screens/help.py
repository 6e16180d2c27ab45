"""Get help now (from anywhere, locked or not), a grounding page, and the patient's safety plan.

Help never needs the journal: the region comes from a small unencrypted file in the config folder
(:mod:`kapjournal.region`), which the locked app can read; with no region saved, the international
directories are shown. Strong colour is kept for the one sentence about danger.
"""

from __future__ import annotations

import contextlib
import functools
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Select, Static, TextArea

from kapjournal import region as region_store
from kapjournal import safety
from kapjournal.errors import KapJournalError
from kapjournal.records import SafetyPlan
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.widgets.editor import JournalTextArea
from kapjournal.tui.widgets.keys import HELP_FIRST
from kapjournal.tui.widgets.text import clean, one_line

if TYPE_CHECKING:
    from textual.app import App

    from kapjournal.exercises import Exercise
    from kapjournal.journal import Journal

GROUNDING_EXERCISE = "grounding"
_GROUNDING_FALLBACK = (
    "Look around and name five things you can see. Feel your feet on the floor and your weight "
    "on the chair. Listen for three sounds, near and far. Breathe out a little longer than you "
    "breathe in. Say to yourself where you are and what day it is."
)


def _keeps_region(app: App[Any]) -> bool:
    """The demo is throwaway: it never writes the patient's real region file."""
    return not getattr(app, "demo_passphrase", None)


def current_region() -> str:
    """The region help shows: the one saved on this computer, else the international list."""
    return safety.known_code(region_store.stored())


def remember_region(code: str, app: App[Any] | None = None) -> None:
    """Save the region the patient chose so help shows it while locked (unencrypted, 0600)."""
    if app is not None and not _keeps_region(app):
        return
    if code and region_store.stored() != region_store.normalise(code):
        region_store.save_quietly(code)


def sync_region(journal: Journal, app: App[Any] | None = None) -> None:
    """On unlock: the region file and the journal's settings agree afterwards.

    The file holds the latest explicit choice (every change writes it, even while locked), so it
    wins; a journal from before the file existed writes its region there once.
    """
    if app is not None and not _keeps_region(app):
        return
    try:
        settings = journal.settings()
        stored = region_store.stored()
        if stored is None:
            region_store.save_quietly(settings.region)
        elif stored != settings.region:
            journal.update(settings, region=stored)
    except KapJournalError:
        pass  # help still works from the file; settings can be fixed by hand


def lines_text(region: str) -> Content:
    """Each crisis line: its name, every way to reach it, hours, and when it was checked."""
    parts: list[Content] = []
    for line in safety.lines_for(region):
        reach = " · ".join(r.label for r in line.reach)
        parts.append(
            Content.from_markup(
                "[b]$name[/b]\n  $reach\n  [dim]$hours · checked $checked[/dim]",
                name=line.name,
                reach=reach,
                hours=line.hours,
                checked=line.checked,
            )
        )
    return Content("\n").join(parts)


class HelpScreen(ModalScreen[None]):
    """Crisis lines for the region, the therapist's contact and the safety plan, one key away."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help-box { width: 76; max-width: 100%; height: auto; max-height: 100%;
                           border: round $warning; border-title-color: $text;
                           border-title-style: bold; background: $surface; padding: 0 1; }
    HelpScreen #help-scroll { height: auto; max-height: 1fr; }
    HelpScreen #help-danger { color: $warning; text-style: bold; margin-bottom: 1; }
    HelpScreen #help-lines { margin-bottom: 1; }
    HelpScreen #help-therapist, HelpScreen #help-plan { margin-bottom: 0; }
    HelpScreen #help-region-row { height: auto; margin-top: 1; }
    HelpScreen #help-region-label { width: auto; margin-right: 1; color: $text-muted; }
    HelpScreen #help-region { width: 34; }
    HelpScreen #help-monitored { color: $text-muted; margin-bottom: 1; }
    HelpScreen #help-ground { margin-top: 1; }
    HelpScreen Footer { dock: bottom; }
    """

    BINDINGS = [
        Binding("escape", "close", "close"),
        Binding("g", "ground", "grounding"),
        Binding("p", "plan", "safety plan"),
        Binding("r", "region", "change region"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.region_code = safety.INTERNATIONAL

    def _start_region(self) -> str:
        """The region saved on this computer; unlocked, the journal's if none is saved."""
        code = region_store.stored()
        if code is None and self.unlocked:
            with contextlib.suppress(KapJournalError):
                code = self.app.journal.settings().region  # type: ignore[attr-defined]
        return safety.known_code(code)

    @property
    def unlocked(self) -> bool:
        journal = getattr(self.app, "journal", None)
        return journal is not None and not journal.locked

    def compose(self) -> ComposeResult:
        self.region_code = self._start_region()
        with Vertical(id="help-box"):
            with VerticalScroll(id="help-scroll"):
                yield Static("", id="help-danger")
                yield Static(safety.NOT_MONITORED, id="help-monitored")
                yield Static("", id="help-lines")
                yield Static("", id="help-therapist")
                yield Static("", id="help-plan")
                yield Static(
                    Content.from_markup(
                        "[b]Feeling far away or overwhelmed?[/b]  [dim]press g for a short "
                        "grounding page[/dim]"
                    ),
                    id="help-ground",
                )
                with Horizontal(id="help-region-row"):
                    yield Static("Crisis lines for", id="help-region-label")
                    yield Select(
                        [(f"{r.name}", r.code) for r in safety.regions()],
                        value=self.region_code,
                        allow_blank=False,
                        compact=True,
                        id="help-region",
                    )
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = "Get help now"
        self.show_region()

    def show_region(self) -> None:
        self.query_one("#help-danger", Static).update(safety.in_danger(self.region_code))
        self.query_one("#help-lines", Static).update(lines_text(self.region_code))
        therapist = self.query_one("#help-therapist", Static)
        plan = self.query_one("#help-plan", Static)
        if not self.unlocked:
            therapist.update(
                Content.styled(
                    "Unlock your journal to see your therapist's contact and your safety plan.",
                    "$text-muted",
                )
            )
            plan.update("")
            plan.display = False
            self.refresh_bindings()
            return
        settings = self.app.journal.settings()  # type: ignore[attr-defined]
        name = one_line(settings.therapist_name, 40)
        contact = one_line(settings.therapist_contact, 60)
        if name or contact:
            therapist.update(
                Content.from_markup(
                    "[b]Your therapist[/b]  $name\n  $contact", name=name, contact=contact
                )
            )
        else:
            therapist.update(
                Content.from_markup(
                    "[b]Your therapist[/b]  [dim]not added yet; add them in settings (,)[/dim]"
                )
            )
        plan.display = True
        plan.update(Content.from_markup("[b]Your safety plan[/b]  [dim]press p to open it[/dim]"))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "plan":
            return self.unlocked
        return True

    @on(Select.Changed, "#help-region")
    def _region_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or event.value == self.region_code:
            return
        self.region_code = str(event.value)
        self.show_region()
        if _keeps_region(self.app) and not region_store.save_quietly(self.region_code):
            self.notify(
                "Could not save the region on this computer; it is shown for now.",
                severity="warning",
            )
        if self.unlocked:
            journal = self.app.journal  # type: ignore[attr-defined]
            try:
                settings = journal.settings()
                if settings.region != self.region_code:
                    journal.update(settings, region=self.region_code)
            except KapJournalError as exc:
                self.notify(f"Could not save the region: {exc}", severity="warning")

    def action_ground(self) -> None:
        self.app.action_ground()  # type: ignore[attr-defined]

    def action_region(self) -> None:
        select = self.query_one("#help-region", Select)
        select.focus()
        select.expanded = True

    def action_plan(self) -> None:
        if not self.unlocked:
            return
        self.dismiss()
        self.app.open("safety_plan")  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss()


@functools.cache
def _shipped_exercise(exercise_id: str) -> Exercise | None:
    """An exercise from the packs shipped with the app (a patient's pack cannot replace it)."""
    from kapjournal.exercises import builtin_prompt_dirs, load_packs

    return load_packs(builtin_prompt_dirs()).get(exercise_id)


class GroundingScreen(ModalScreen[None]):
    """A short grounding page to read slowly, locked or not; unlocked, w writes about it."""

    DEFAULT_CSS = """
    GroundingScreen { align: center middle; }
    GroundingScreen #ground-box { width: 76; max-width: 100%; height: auto; max-height: 100%;
                                  border: round $primary; border-title-color: $text;
                                  border-title-style: bold; background: $surface; padding: 0 1; }
    GroundingScreen #ground-scroll { height: auto; max-height: 1fr; }
    GroundingScreen #ground-intro { color: $text-muted; margin-bottom: 1; }
    GroundingScreen .ground-step { margin-bottom: 1; }
    GroundingScreen #ground-more { color: $text-muted; }
    GroundingScreen Footer { dock: bottom; }
    """

    BINDINGS = [
        Binding("escape", "close", "close"),
        Binding("w", "write", "write about it"),
    ]

    def compose(self) -> ComposeResult:
        exercise = _shipped_exercise(GROUNDING_EXERCISE)
        with Vertical(id="ground-box"):
            with VerticalScroll(id="ground-scroll"):
                if exercise is None:
                    yield Static(_GROUNDING_FALLBACK, classes="ground-step")
                else:
                    yield Static(Content(clean(exercise.intro)), id="ground-intro")
                    for number, step in enumerate(exercise.steps, start=1):
                        yield Static(Content(f"{number}. {clean(step)}"), classes="ground-step")
                yield Static("", id="ground-more")
            yield Footer()

    def on_mount(self) -> None:
        exercise = _shipped_exercise(GROUNDING_EXERCISE)
        box = self.query_one("#ground-box")
        box.border_title = exercise.title if exercise else "Here, now"
        more = (
            "Take your time; nothing here is saved. If you still feel unsafe, f1 or ctrl+g "
            "shows the crisis lines."
        )
        if self.unlocked:
            more += " Press w to write about it in your journal."
        self.query_one("#ground-more", Static).update(more)
        self.query_one("#ground-scroll").focus()

    @property
    def unlocked(self) -> bool:
        journal = getattr(self.app, "journal", None)
        return journal is not None and not journal.locked

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "write":
            return self.unlocked and _shipped_exercise(GROUNDING_EXERCISE) is not None
        return True

    def action_write(self) -> None:
        if not self.check_action("write", ()):
            return
        self.dismiss()
        self.app.open("exercise", exercise_id=GROUNDING_EXERCISE)  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss()


class SafetyPlanScreen(JournalScreen):
    """The safety plan in the patient's own words, saved on ctrl+s, on leaving and on locking."""

    DEFAULT_CSS = """
    SafetyPlanScreen { align: center top; }
    SafetyPlanScreen #plan-scroll { width: 80; max-width: 100%; padding: 0 1; }
    SafetyPlanScreen #plan-title { text-style: bold; margin-top: 1; }
    SafetyPlanScreen .plan-section { text-style: bold; margin-top: 1; }
    SafetyPlanScreen .plan-help { color: $text-muted; max-width: 72; }
    SafetyPlanScreen TextArea { height: 5; }
    SafetyPlanScreen #plan-credit { margin-top: 1; }
    SafetyPlanScreen #plan-status { color: $text-muted; margin: 1 0; }
    """

    BINDINGS = [
        HELP_FIRST,
        Binding("ctrl+s", "save", "save"),
        Binding("escape", "leave", "save and close"),
    ]

    def compose(self) -> ComposeResult:
        plan = self.journal.safety_plan()
        with VerticalScroll(id="plan-scroll"):
            yield Static("My safety plan", id="plan-title")
            yield Static(
                "For hard moments. Work through it from the top: if one step does not help, "
                "go on to the next. Everything here stays private unless you choose to share it.",
                classes="plan-help",
            )
            for section in safety.PLAN_SECTIONS:
                yield Static(section.title, classes="plan-section")
                yield Static(section.help, classes="plan-help")
                if section.field == "contacts" and plan.contacts and not plan.professionals:
                    yield Static(
                        "Plans made before this version kept people and professionals together "
                        "here. If some of these are professionals or services, you can move them "
                        "to the next section.",
                        classes="plan-help",
                        id="plan-moved",
                    )
                yield JournalTextArea(
                    getattr(plan, section.field),
                    id=f"plan-{section.field}",
                    soft_wrap=True,
                    show_line_numbers=False,
                    tab_behavior="focus",
                )
            yield Static(safety.PLAN_CREDIT, classes="plan-help", id="plan-credit")
            yield Static("", id="plan-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(f"#plan-{safety.PLAN_SECTIONS[0].field}", TextArea).focus()

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("safety_plan", {})

    def before_lock(self) -> None:
        self.save()

    def values(self) -> dict[str, str]:
        return {
            s.field: clean(self.query_one(f"#plan-{s.field}", TextArea).text).strip()
            for s in safety.PLAN_SECTIONS
        }

    def save(self) -> SafetyPlan | None:
        """Save when anything changed; raises KapJournalError when it cannot."""
        plan = self.journal.safety_plan()
        changes = {k: v for k, v in self.values().items() if getattr(plan, k) != v}
        if not changes:
            return None
        return self.journal.update(plan, **changes)

    def action_save(self) -> None:
        try:
            saved = self.save()
        except KapJournalError as exc:
            self.notify(f"Could not save your plan: {exc}", severity="warning")
            return
        now = self.now()
        text = f"Saved at {now:%-H:%M}." if saved else "Nothing new to save."
        self.query_one("#plan-status", Static).update(text)

    def action_leave(self) -> None:
        try:
            self.save()
        except KapJournalError as exc:
            self.notify(f"Could not save your plan: {exc}. Try ctrl+s again.", severity="warning")
            return
        self.dismiss()
