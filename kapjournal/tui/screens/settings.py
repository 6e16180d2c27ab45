"""Settings: auto-lock, theme, region, the therapist's contact, and a new passphrase.

The theme applies (and is kept) at once; the rest is saved with Save. A new passphrase is set in a
worker because the key derivation takes a moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Footer, Input, Select, Static

from kapjournal import safety
from kapjournal.errors import KapJournalError
from kapjournal.journal import Journal, KdfCost
from kapjournal.passphrases import problem, strength
from kapjournal.tui.app import THEMES
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.screens.help import remember_region
from kapjournal.tui.widgets.editor import JournalInput
from kapjournal.tui.widgets.keys import HELP_FIRST
from kapjournal.tui.widgets.text import clean


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
                    [(t, t) for t in themes],
                    value=settings.theme if settings.theme in themes else Select.NULL,
                    compact=True,
                    id="theme",
                )
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
        if event.value is Select.NULL or event.value == self.app.theme:
            return
        self.app.theme = str(event.value)
        try:
            settings = self.journal.settings()
            if settings.theme != event.value:
                self.journal.update(settings, theme=str(event.value))
        except KapJournalError as exc:
            self.notify(f"Theme not kept: {exc}", severity="warning")

    @on(Button.Pressed, "#save-settings")
    def action_save(self) -> None:
        message = self.query_one("#settings-message", Static)
        message.remove_class("hidden")
        raw = self.query_one("#autolock", Input).value.strip()
        try:
            minutes = int(raw or "0")
        except ValueError:
            message.update("Auto-lock is a number of minutes, 0 to 240.")
            return
        region = self.query_one("#region", Select).value
        changes: dict[str, Any] = {
            "autolock_minutes": minutes,
            "therapist_name": self.query_one("#therapist-name", Input).value.strip(),
            "therapist_contact": self.query_one("#therapist-contact", Input).value.strip(),
            "therapist_recipient": self.query_one("#therapist-recipient", Input).value.strip(),
        }
        if region is not Select.NULL:
            changes["region"] = str(region)
        try:
            settings = self.journal.settings()
            if all(getattr(settings, k) == v for k, v in changes.items()):
                message.update("")
                self.notify("Nothing changed.")
                return
            saved = self.journal.update(settings, **changes)
        except KapJournalError as exc:
            message.update(Content(clean(f"Not saved: {str(exc)[:1].upper()}{str(exc)[1:]}.")))
            return
        message.update("")
        remember_region(saved.region, self.app)
        self.notify("Settings saved.")

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
        self.dismiss()
