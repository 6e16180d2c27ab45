"""Unlock an existing journal, or create one and show its recovery key once."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, LoadingIndicator, Select, Static

from kapjournal import region as region_store
from kapjournal import safety
from kapjournal.tui.widgets.text import clean

MIN_LENGTH = 8
COMMON = {"password", "passphrase", "letmein", "qwerty", "123456", "iloveyou", "kapjournal"}


def strength(passphrase: str) -> tuple[str, str]:
    """A rough, honest hint: length matters most; a few unrelated words beat symbols."""
    words = passphrase.split()
    classes = sum(
        any(test(ch) for ch in passphrase)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    if not passphrase:
        return "", ""
    if passphrase.casefold().replace(" ", "") in COMMON or len(set(passphrase)) < 4:
        return "weak", "This is one of the first things anyone would try."
    if len(passphrase) < MIN_LENGTH:
        return (
            "too short",
            f"Use at least {MIN_LENGTH} characters; four unrelated words are easy to remember.",
        )
    if len(words) >= 4 or len(passphrase) >= 20:
        return "strong", "Long and hard to guess. Keep it somewhere only you can find."
    if len(passphrase) >= 12 and classes >= 2:
        return "fair", "Good. A few more words would make it much stronger."
    return "weak", "Longer is stronger: try a short sentence only you would write."


class CenteredBox(Screen[None]):
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
    CenteredBox #crisis-line { color: $text-muted; margin-top: 1; }
    CenteredBox #region-row { height: auto; margin-bottom: 1; }
    CenteredBox #region-label { width: auto; margin-right: 1; color: $text-muted; }
    CenteredBox #create-region { width: 1fr; }
    """

    def show_error(self, reason: str) -> None:
        self.query_one(".error", Static).update(Content(clean(reason)))
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

    BINDINGS = [Binding("escape", "app.quit", "Quit")]

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

    BINDINGS = [Binding("escape", "app.quit", "Quit")]

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
        label, _ = strength(first)
        if label in ("", "too short", "weak") and len(first) < MIN_LENGTH:
            self.show_error(f"Please use at least {MIN_LENGTH} characters.")
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


class RecoveryKeyScreen(Screen[None]):
    """The recovery key, shown once. The patient confirms they saved it before going on."""

    DEFAULT_CSS = """
    RecoveryKeyScreen { align: center middle; }
    RecoveryKeyScreen #box { width: 76; max-width: 100%; height: auto; padding: 1 2;
                             border: round $warning; background: $surface; }
    RecoveryKeyScreen #recovery-key { text-style: bold; margin: 1 0; text-align: center;
                                      width: 100%; }
    RecoveryKeyScreen Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "noop", show=False)]

    def __init__(self, key: str) -> None:
        super().__init__()
        self._key = key

    def compose(self) -> ComposeResult:
        groups = self._key.split("-")
        printed = "-".join(groups[:6]) + "-\n" + "-".join(groups[6:])
        with Vertical(id="box"):
            yield Static("Your recovery key", classes="title")
            yield Static(
                "Write this down on paper and keep it somewhere safe. It opens your journal if you "
                "forget your passphrase. It is shown only now."
            )
            yield Static(printed, id="recovery-key", markup=False)
            yield Static(
                "If you lose both your passphrase and this key, nobody can open your journal: "
                "not us, not your therapist. There is no back door."
            )
            with Horizontal():
                yield Checkbox("I have saved my recovery key", id="saved")
            with Center():
                yield Button("Open my journal", id="continue", disabled=True, variant="primary")
        yield Footer()

    @on(Checkbox.Changed, "#saved")
    def saved(self, event: Checkbox.Changed) -> None:
        self.query_one("#continue", Button).disabled = not event.value

    @on(Button.Pressed, "#continue")
    def go_on(self) -> None:
        self._key = ""
        # Not awaited here: this screen is the one being replaced.
        self.app.call_later(self.app.enter_journal)  # type: ignore[attr-defined]

    def action_noop(self) -> None:
        pass
