"""Settings: auto-lock, theme, region, the therapist's contact, and a new passphrase.

A theme shows at once, as a preview; it is kept, with everything else, by Save (ctrl+s). Leaving
with changes not saved asks first. A new passphrase is set in a worker because the key
derivation takes a moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Select, Static

from kapjournal import safety
from kapjournal.errors import KapJournalError
from kapjournal.journal import Journal, KdfCost
from kapjournal.passphrases import problem, strength
from kapjournal.tui.app import THEMES
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.screens.help import remember_region
from kapjournal.tui.widgets.editor import JournalInput
from kapjournal.tui.widgets.keys import HELP_FIRST, HelpFirst
from kapjournal.tui.widgets.text import clean

THEME_NAMES = {
    "textual-dark": "Dark",
    "textual-light": "Light",
    "nord": "Nord (cool blue)",
    "gruvbox": "Gruvbox (warm)",
    "kapjournal-high-contrast": "High contrast",
}


def theme_name(theme: str) -> str:
    """A theme as a person would call it: "Dark", not "textual-dark"."""
    return THEME_NAMES.get(theme) or theme.removeprefix("textual-").replace("-", " ").capitalize()


class UnsavedSettings(HelpFirst, ModalScreen[str]):
    """Leaving with changes not saved: save them, leave them, or stay (esc)."""

    DEFAULT_CSS = """
    UnsavedSettings { align: center middle; }
    UnsavedSettings #unsaved-box { width: 60; max-width: 100%; height: auto; padding: 1 2;
                                   border: round $primary 40%; background: $surface; }
    UnsavedSettings #unsaved-question { margin-bottom: 1; }
    UnsavedSettings Horizontal { height: auto; align-horizontal: right; }
    UnsavedSettings Button { margin-left: 2; }
    """
    BINDINGS = [HELP_FIRST, Binding("escape", "stay", "keep editing")]

    def compose(self) -> ComposeResult:
        with Vertical(id="unsaved-box"):
            yield Static("You changed settings that are not saved yet.", id="unsaved-question")
            with Horizontal():
                yield Button("Don't save", id="unsaved-discard")
                yield Button("Save", id="unsaved-save", variant="primary")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#unsaved-save", Button).focus()

    @on(Button.Pressed, "#unsaved-save")
    def _save(self) -> None:
        self.dismiss("save")

    @on(Button.Pressed, "#unsaved-discard")
    def _discard(self) -> None:
        self.dismiss("discard")

    def action_stay(self) -> None:
        self.dismiss("stay")


@dataclass
class PassphraseChanged(Message):
    error: str | None = None
    recovery: bool = False  # a new recovery key waits to be shown
    kept_passphrase: bool = False  # only the recovery key changed


class SettingsScreen(JournalScreen):
    """Preferences, kept in the encrypted journal."""

    DEFAULT_CSS = """
    SettingsScreen { align: center top; }
    SettingsScreen #settings-scroll { width: 80; max-width: 100%; padding: 0 1; }
    SettingsScreen .heading { text-style: bold; margin-top: 1; }
    SettingsScreen .row { height: auto; margin-top: 1; }
    SettingsScreen .row > .label { width: 22; color: $text-muted; }
    SettingsScreen .row > Input, SettingsScreen .row > Select { width: 1fr; }
    SettingsScreen #autolock { width: 12; }
    SettingsScreen .hint { color: $text-muted; max-width: 72; }
    SettingsScreen #settings-message, SettingsScreen #passphrase-message {
        color: $warning; height: auto; }
    SettingsScreen Button { margin-top: 1; min-width: 20; }
    SettingsScreen .row > Input { background: $boost; }
    """

    BINDINGS = [
        HELP_FIRST,
        Binding("escape", "leave", "back"),
        Binding("ctrl+s", "save", "save"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.journal.settings()
        themes = [t for t in THEMES if t in self.app.available_themes]
        if settings.theme not in themes and settings.theme in self.app.available_themes:
            themes.append(settings.theme)
        regions = [(r.name, r.code) for r in safety.regions()]
        codes = {code for _, code in regions}
        with VerticalScroll(id="settings-scroll"):
            yield Static("Settings", classes="heading")
            with Horizontal(classes="row"):
                yield Static("Auto-lock (minutes)", classes="label")
                yield Input(
                    str(settings.autolock_minutes),
                    type="integer",
                    max_length=3,
                    compact=True,
                    id="autolock",
                )
            yield Static("0 turns auto-lock off. ctrl+l always locks at once.", classes="hint")
            with Horizontal(classes="row"):
                yield Static("Theme", classes="label")
                yield Select(
                    [(theme_name(t), t) for t in themes],
                    value=settings.theme if settings.theme in themes else themes[0],
                    allow_blank=False,
                    compact=True,
                    id="theme",
                )
            yield Static("A theme shows at once; Save keeps it.", classes="hint", id="theme-hint")
            with Horizontal(classes="row"):
                yield Static("Region", classes="label")
                yield Select(
                    regions,
                    value=settings.region if settings.region in codes else safety.INTERNATIONAL,
                    allow_blank=False,
                    compact=True,
                    id="region",
                )
            yield Static(
                "Chooses the crisis lines shown by Get help now (f1 or ctrl+g), even before "
                "you unlock. Saved unencrypted on this computer: it is not health data.",
                classes="hint",
            )
            yield Static("Your therapist", classes="heading")
            with Horizontal(classes="row"):
                yield Static("Name", classes="label")
                yield JournalInput(
                    settings.therapist_name, max_length=100, compact=True, id="therapist-name"
                )
            with Horizontal(classes="row"):
                yield Static("Phone or email", classes="label")
                yield JournalInput(
                    settings.therapist_contact, max_length=200, compact=True, id="therapist-contact"
                )
            with Horizontal(classes="row"):
                yield Static("Key for sharing", classes="label")
                yield JournalInput(
                    settings.therapist_recipient,
                    placeholder="age1… (optional, for encrypted exports)",
                    compact=True,
                    id="therapist-recipient",
                )
            yield Static("", id="settings-message", classes="hidden")
            yield Button("Save settings", id="save-settings", variant="primary", compact=True)
            yield Static("Passphrase and recovery key", classes="heading")
            yield Static(
                "A new passphrase gives what you write from now on a new key: the old passphrase "
                "opens none of it, even in an old copy of the file. Your recovery key keeps "
                "working. Both changes ask for your current passphrase.",
                classes="hint",
            )
            with Horizontal(classes="row"):
                yield Static("Current passphrase", classes="label")
                yield Input(password=True, compact=True, id="current-passphrase")
            with Horizontal(classes="row"):
                yield Static("New passphrase", classes="label")
                yield Input(password=True, compact=True, id="new-passphrase")
            with Horizontal(classes="row"):
                yield Static("The same again", classes="label")
                yield Input(password=True, compact=True, id="confirm-passphrase")
            yield Static("", id="passphrase-message", classes="hidden")
            with Horizontal(classes="row"):
                yield Button("Change passphrase", id="change-passphrase", compact=True)
                yield Button("New recovery key", id="new-recovery-key", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#autolock", Input).focus()

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("settings", {})

    # --- settings --------------------------------------------------------------------------------

    @on(Select.Changed, "#theme")
    def _theme(self, event: Select.Changed) -> None:
        """A preview: the theme shows at once and is kept by Save."""
        if event.value is not Select.NULL and event.value != self.app.theme:
            self.app.theme = str(event.value)

    def changes(self) -> dict[str, Any] | None:
        """What the form holds, as settings fields; None (and a message) if it cannot be read."""
        message = self.query_one("#settings-message", Static)
        raw = self.query_one("#autolock", Input).value.strip()
        try:
            minutes = int(raw or "0")
        except ValueError:
            message.remove_class("hidden")
            message.update("Auto-lock is a number of minutes, 0 to 240.")
            return None
        changes: dict[str, Any] = {
            "autolock_minutes": minutes,
            "therapist_name": self.query_one("#therapist-name", Input).value.strip(),
            "therapist_contact": self.query_one("#therapist-contact", Input).value.strip(),
            "therapist_recipient": self.query_one("#therapist-recipient", Input).value.strip(),
        }
        for key, widget_id in (("region", "#region"), ("theme", "#theme")):
            value = self.query_one(widget_id, Select).value
            if value is not Select.NULL:
                changes[key] = str(value)
        return changes

    def unsaved(self) -> bool:
        settings = self.journal.settings()
        changes = self.changes()
        return changes is None or any(getattr(settings, k) != v for k, v in changes.items())

    @on(Button.Pressed, "#save-settings")
    def action_save(self) -> bool:
        """Save every setting on the form; False (and a message) when something is not right."""
        message = self.query_one("#settings-message", Static)
        changes = self.changes()
        if changes is None:
            return False
        message.remove_class("hidden")
        try:
            settings = self.journal.settings()
            if all(getattr(settings, k) == v for k, v in changes.items()):
                message.update("")
                self.notify("Nothing changed.")
                return True
            saved = self.journal.update(settings, **changes)
        except KapJournalError as exc:
            message.update(Content(clean(f"Not saved: {str(exc)[:1].upper()}{str(exc)[1:]}.")))
            return False
        message.update("")
        remember_region(saved.region, self.app)
        self.notify("Settings saved.")
        return True

    @on(Input.Submitted, "#autolock, #therapist-name, #therapist-contact, #therapist-recipient")
    def _submitted(self) -> None:
        self.action_save()

    # --- passphrase and recovery key ------------------------------------------------------------

    @on(Input.Submitted, "#current-passphrase")
    def _to_new(self) -> None:
        self.query_one("#new-passphrase", Input).focus()

    @on(Input.Submitted, "#new-passphrase")
    def _next(self) -> None:
        self.query_one("#confirm-passphrase", Input).focus()

    def _say(self, text: str) -> None:
        message = self.query_one("#passphrase-message", Static)
        message.remove_class("hidden")
        message.update(Content(clean(text)))

    def _busy(self, busy: bool) -> None:
        for button in ("#change-passphrase", "#new-recovery-key"):
            self.query_one(button, Button).disabled = busy

    @on(Input.Submitted, "#confirm-passphrase")
    @on(Button.Pressed, "#change-passphrase")
    def _change(self) -> None:
        current = self.query_one("#current-passphrase", Input).value
        first = self.query_one("#new-passphrase", Input).value
        second = self.query_one("#confirm-passphrase", Input).value
        if not current:
            self._say("Type your current passphrase first.")
            self.query_one("#current-passphrase", Input).focus()
            return
        label, advice = strength(first)
        if problem(first) is not None or label == "weak":
            self._say(f"Please choose a stronger passphrase. {advice}".strip())
            return
        if first != second:
            self.query_one("#confirm-passphrase", Input).value = ""
            self._say("The two passphrases differ. Type the second one again.")
            self.query_one("#confirm-passphrase", Input).focus()
            return
        self._say("Changing your passphrase…")
        self._busy(True)
        self.change_passphrase(self.journal, current, first, self.kapp.kdf)

    @on(Button.Pressed, "#new-recovery-key")
    def _new_recovery(self) -> None:
        current = self.query_one("#current-passphrase", Input).value
        if not current:
            self._say("Type your current passphrase first, then ask for a new recovery key.")
            self.query_one("#current-passphrase", Input).focus()
            return
        self._say("Making a new recovery key…")
        self._busy(True)
        self.new_recovery_key(self.journal, current)

    @work(thread=True, exclusive=True, group="passphrase")
    def change_passphrase(
        self, journal: Journal, current: str, new: str, kdf: KdfCost | None
    ) -> None:
        try:
            if not journal.verify_passphrase(current):
                self.post_message(PassphraseChanged("that is not your current passphrase"))
                return
            renewed = journal.change_passphrase(new, kdf=kdf)
        except KapJournalError as exc:
            self.post_message(PassphraseChanged(str(exc)))
            return
        self.post_message(PassphraseChanged(recovery=renewed is not None))

    @work(thread=True, exclusive=True, group="passphrase")
    def new_recovery_key(self, journal: Journal, current: str) -> None:
        try:
            if not journal.verify_passphrase(current):
                self.post_message(PassphraseChanged("that is not your current passphrase"))
                return
            journal.new_recovery_key()
        except KapJournalError as exc:
            self.post_message(PassphraseChanged(str(exc)))
            return
        self.post_message(PassphraseChanged(recovery=True, kept_passphrase=True))

    @on(PassphraseChanged)
    def _changed(self, event: PassphraseChanged) -> None:
        self._busy(False)
        if event.error:
            self._say(f"Not changed: {event.error}.")
            return
        for widget_id in ("#current-passphrase", "#new-passphrase", "#confirm-passphrase"):
            self.query_one(widget_id, Input).value = ""
        self._say("")
        self.query_one("#passphrase-message", Static).add_class("hidden")
        if not event.kept_passphrase:
            self.notify("Passphrase changed. Use the new one next time you unlock.")
        if event.recovery:
            self.kapp.open("recovery_key", reason="new")

    def action_leave(self) -> None:
        if not self.unsaved():
            self.dismiss()
            return

        def answer(choice: str | None) -> None:
            if choice == "save" and self.action_save():
                self.dismiss()
            elif choice == "discard":
                theme = self.journal.settings().theme
                if theme in self.app.available_themes:
                    self.app.theme = theme  # the preview goes too
                self.dismiss()

        self.app.push_screen(UnsavedSettings(), answer)
