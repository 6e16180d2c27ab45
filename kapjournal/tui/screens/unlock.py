"""Unlock an existing journal, or create one and show its recovery key once."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, LoadingIndicator, Select, Static

from kapjournal import region as region_store
from kapjournal import safety
from kapjournal.errors import KapJournalError
from kapjournal.passphrases import MIN_LENGTH, problem, strength
from kapjournal.tui.base import JournalModal, JournalScreen
from kapjournal.tui.widgets.keys import HELP_FIRST, HelpFirst
from kapjournal.tui.widgets.text import clean

__all__ = ["MIN_LENGTH", "strength"]


class CenteredBox(HelpFirst, Screen[None]):
    """A calm, centred box, the same for unlocking and creating."""

    DEFAULT_CSS = """
    CenteredBox { align: center middle; }
    CenteredBox #box { width: 72; max-width: 100%; height: auto; padding: 1 2;
                     border: round $primary 40%; background: $surface; }
    CenteredBox .title { text-style: bold; margin-bottom: 1; }
    CenteredBox #welcome-text { margin-bottom: 1; }
    CenteredBox .muted { color: $text-muted; }
    CenteredBox .error { color: $error; height: auto; }
    CenteredBox Input { margin-bottom: 1; }
    CenteredBox LoadingIndicator { height: 1; }
    CenteredBox .hidden { display: none; }
    CenteredBox #write-locked-hint { margin-top: 1; }
    CenteredBox #crisis-line { color: $text-muted; margin-top: 1; }
    CenteredBox #region-row { height: auto; margin-bottom: 1; }
    CenteredBox #region-label { width: auto; margin-right: 1; color: $text-muted; }
    CenteredBox #create-region { width: 1fr; }
    """

    def show_error(self, reason: str) -> None:
        sentence = clean(reason)
        sentence = sentence[:1].upper() + sentence[1:]
        if sentence and sentence[-1] not in ".!?…":
            sentence += "."
        self.query_one(".error", Static).update(Content(sentence))
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        self.query_one(LoadingIndicator).set_class(not busy, "hidden")
        for widget in self.query(Input):
            widget.disabled = busy
        if not busy:
            first = self.query(Input).first()
            first.focus()


def crisis_line() -> str:
    """ "In crisis? United Kingdom · Samaritans: Call 116 123 · ... · f1/ctrl+g for more"."""
    code = safety.known_code(region_store.stored())
    return f"In crisis? {safety.main_line(code)}. f1 or ctrl+g for more."


def guess_region() -> str:
    """A first guess for the create screen: the saved region, else the country in the locale
    (LANG=en_GB.UTF-8 → GB) if we list it, else the international list."""
    import os

    saved = region_store.stored()
    if saved:
        return safety.known_code(saved)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            country = value.split(".")[0].partition("_")[2]
            return safety.known_code(country[:2]) if len(country) >= 2 else safety.INTERNATIONAL
    return safety.INTERNATIONAL


class UnlockScreen(CenteredBox):
    """The passphrase box. The KDF runs in a worker; the spinner shows it is working."""

    BINDINGS = [
        HELP_FIRST,
        Binding("ctrl+n", "write_locked", "write without unlocking"),
        Binding("ctrl+q", "app.quit", "quit", priority=True),
    ]

    def action_write_locked(self) -> None:
        self.app.open("capture")  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static("Unlock your journal", classes="title")
            if self.app.demo_passphrase:  # type: ignore[attr-defined]
                yield Static(
                    f"This is the demo. Its passphrase is: {self.app.demo_passphrase}",  # type: ignore[attr-defined]
                    id="demo-hint",
                )
            yield Input(password=True, placeholder="Passphrase", id="passphrase")
            yield LoadingIndicator(classes="hidden", id="unlock-busy")
            yield Static("", classes="error", id="unlock-error")
            yield Static(
                "Forgot it? Run 'kapjournal recover' in a terminal with your recovery key.",
                classes="muted",
            )
            yield Static(crisis_line(), id="crisis-line", markup=False)
            yield Static(
                "Too soon after a session to type it? ctrl+n writes without unlocking.",
                classes="muted",
                id="write-locked-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    def on_screen_resume(self) -> None:
        # The region may have been changed on the help screen meanwhile.
        self.query_one("#crisis-line", Static).update(crisis_line())

    @on(Input.Submitted, "#passphrase")
    def submit(self, event: Input.Submitted) -> None:
        if not event.value:
            self.show_error("Type your passphrase, then press enter.")
            return
        self.query_one(".error", Static).update("Unlocking…")
        self.set_busy(True)
        passphrase = event.value
        event.input.value = ""
        self.app.unlock(passphrase)  # type: ignore[attr-defined]


class CreateScreen(CenteredBox):
    """First run: choose a passphrase (twice), with a strength hint and a plain warning."""

    BINDINGS = [HELP_FIRST, Binding("ctrl+q", "app.quit", "quit", priority=True)]

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static("Welcome to kapjournal", classes="title")
            yield Static(
                "Everything you write here is encrypted with a passphrase only you know. "
                "Nobody reads it as you write: kapjournal is not monitored and never contacts "
                "anyone. It is not a treatment and does not diagnose. f1 or ctrl+g shows crisis "
                "lines at any time.",
                classes="muted",
                id="welcome-text",
            )
            with Horizontal(id="region-row"):
                yield Static("Crisis lines for", id="region-label")
                self.region_guess = guess_region()
                yield Select(
                    [(r.name, r.code) for r in safety.regions()],
                    value=self.region_guess,
                    allow_blank=False,
                    compact=True,
                    id="create-region",
                )
            yield Input(password=True, placeholder="Choose a passphrase", id="new-passphrase")
            yield Static("", id="strength")
            yield Input(
                password=True, placeholder="The same passphrase again", id="confirm-passphrase"
            )
            yield LoadingIndicator(classes="hidden", id="create-busy")
            yield Static("", classes="error", id="create-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#new-passphrase", Input).focus()

    @on(Input.Changed, "#new-passphrase")
    def hint(self, event: Input.Changed) -> None:
        label, advice = strength(event.value)
        self.query_one("#strength", Static).update(f"{label}: {advice}" if label else "")

    @on(Input.Submitted, "#new-passphrase")
    def next_field(self) -> None:
        self.query_one("#confirm-passphrase", Input).focus()

    @on(Input.Submitted, "#confirm-passphrase")
    def submit(self) -> None:
        first = self.query_one("#new-passphrase", Input).value
        second = self.query_one("#confirm-passphrase", Input).value
        if (why := problem(first)) is not None:
            self.show_error(f"{why[:1].upper()}{why[1:]}.")
            return
        if first != second:
            self.query_one("#confirm-passphrase", Input).value = ""
            self.show_error("The two passphrases differ. Type the second one again.")
            self.query_one("#confirm-passphrase", Input).focus()
            return
        self.query_one(".error", Static).update("Creating your journal…")
        self.set_busy(True)
        self.save_region()
        self.app.create(first)  # type: ignore[attr-defined]

    @on(Select.Changed, "#create-region")
    def _region_chosen(self, event: Select.Changed) -> None:
        if event.value != self.region_guess:  # not the guess being shown at first
            self.save_region()

    def save_region(self) -> None:
        """Saved as soon as chosen (not health data), so help shows it even before creating."""
        chosen = self.query_one("#create-region", Select).value
        if chosen is not Select.NULL and not self.app.demo_passphrase:  # type: ignore[attr-defined]
            region_store.save_quietly(str(chosen))


class RecoveryKeyScreen(JournalScreen):
    """A recovery key, until the patient confirms they saved it.

    The key itself stays sealed in the journal until then, so locking (or auto-lock) while it is on
    screen brings the patient back to the same key after unlocking, and nothing is lost.
    """

    DEFAULT_CSS = """
    RecoveryKeyScreen { align: center middle; }
    RecoveryKeyScreen #box { width: 76; max-width: 100%; height: auto; padding: 1 2;
                             border: round $warning; background: $surface; }
    RecoveryKeyScreen #recovery-key { text-style: bold; margin: 1 0; text-align: center;
                                      width: 100%; }
    RecoveryKeyScreen Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "noop", show=False)]

    def __init__(self, reason: str = "first-run") -> None:
        super().__init__()
        self.reason = reason  # first-run, renewed (never confirmed before), new (asked for)

    def compose(self) -> ComposeResult:
        key = self.journal.recovery_pending or ""
        groups = key.split("-")
        printed = "-".join(groups[:6]) + "-\n" + "-".join(groups[6:])
        intro = {
            "first-run": "Write this down on paper and keep it somewhere safe. It opens your "
            "journal if you forget your passphrase.",
            "renewed": "Your recovery key was never confirmed as saved, so here is a new one; "
            "the earlier one no longer opens anything written from now on.",
            "new": "Your new recovery key. The one before it no longer opens anything written "
            "from now on.",
        }[self.reason]
        with Vertical(id="box"):
            yield Static("Your recovery key", classes="title")
            yield Static(intro, id="recovery-intro")
            yield Static(printed, id="recovery-key", markup=False)
            yield Static(
                "If you lose both your passphrase and this key, nobody can open your journal: "
                "not us, not your therapist. There is no back door."
            )
            with Horizontal():
                yield Checkbox("I have saved my recovery key", id="saved")
            with Center():
                yield Button("Done", id="continue", disabled=True, variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        if self.journal.recovery_pending is None:  # confirmed meanwhile (another window)
            self.app.call_later(self.dismiss)

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("recovery_key", {"reason": self.reason})

    @on(Checkbox.Changed, "#saved")
    def saved(self, event: Checkbox.Changed) -> None:
        self.query_one("#continue", Button).disabled = not event.value

    @on(Button.Pressed, "#continue")
    def go_on(self) -> None:
        try:
            self.journal.confirm_recovery_key()
        except KapJournalError as exc:
            self.notify(f"Not confirmed: {exc}", severity="error", markup=False)
            return
        self.dismiss()

    def action_noop(self) -> None:
        pass


class OlderCopyScreen(JournalModal):
    """The file is older than a copy this computer has seen: nothing is saved until the patient
    says this is the copy they want (a backup they restored on purpose)."""

    DEFAULT_CSS = """
    OlderCopyScreen { align: center middle; }
    OlderCopyScreen #box { width: 72; max-width: 100%; height: auto; padding: 1 2;
                           border: round $warning; background: $surface; }
    OlderCopyScreen Horizontal { height: auto; margin-top: 1; align-horizontal: center; }
    OlderCopyScreen Button { margin: 0 1; }
    """
    BINDINGS = [Binding("escape", "not_now", "not now")]

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static("This is an older copy of your journal", classes="title")
            yield Static(
                "This computer has opened a newer copy of this journal before. In this one, "
                "entries written since may be missing and deleted ones may be back. If you "
                "restored a backup on purpose, say so and carry on. Otherwise, look for the "
                "newer file (a sync service or a backup may have replaced it). Until you choose, "
                "nothing is saved to this copy.",
                id="older-copy-text",
            )
            with Horizontal():
                yield Button("This is the copy I want", id="accept-older", variant="warning")
                yield Button("Not now", id="not-now")
        yield Footer()

    @on(Button.Pressed, "#accept-older")
    def accept(self) -> None:
        self.journal.accept_older()
        self.notify("This copy is now the one this computer trusts.")
        self.dismiss()

    @on(Button.Pressed, "#not-now")
    def action_not_now(self) -> None:
        self.dismiss()
