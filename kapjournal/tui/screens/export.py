"""Share with my therapist: choose what, see exactly what will be written, write it encrypted.

The preview is the very text that gets written (for HTML, its readable text), rendered once in a
worker from the same ``Summary``; writing reuses those bytes, so nothing differs from what the
patient saw. Encryption and writing run in a worker (a passphrase takes seconds to stretch); the
share log is written on the UI thread when the worker reports back. Patient text is never read as
markup: the preview is a read-only TextArea and the log a ``markup=False`` Static.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Footer, Input, RadioButton, RadioSet, Select, Static, TextArea

from kapjournal.errors import KapJournalError
from kapjournal.records import ShareLog
from kapjournal.summary import DISCLAIMER, render
from kapjournal.summary.exporting import log_export, summary_from
from kapjournal.summary.model import Summary
from kapjournal.summary.naming import format_for_name
from kapjournal.summary.sharing import write_export
from kapjournal.tui.base import JournalScreen
from kapjournal.tui.widgets.editor import JournalTextArea
from kapjournal.tui.widgets.keys import HELP_FIRST
from kapjournal.tui.widgets.text import clean, one_line

RANGES = [
    ("last 2 weeks", "14"),
    ("last 4 weeks", "28"),
    ("last 8 weeks", "56"),
    ("last 12 weeks", "84"),
    ("everything", "all"),
]
FORMATS = [("Markdown", "md"), ("HTML, to print", "html"), ("FHIR JSON", "json")]
FORMAT_NAMES = {"md": "Markdown", "html": "HTML", "json": "FHIR JSON", "everything": "everything"}
INCLUDE_NAMES = {"shared": "shared", "all": "all writing", "scores": "scores only"}
PREVIEW_LIMIT = 300_000  # characters; a preview of years of writing is cut, and says so
LOG_LINES = 4


def shared_count(log: ShareLog) -> str:
    """How much an export held: its counts (older logs only kept the ids: count those)."""
    total = sum(log.counts.values()) if log.counts else len(log.item_ids)
    return f"{total} record" + ("" if total == 1 else "s")


def short_key(recipient: str) -> str:
    return f"{recipient[:6]}…{recipient[-2:]}" if len(recipient) > 10 else recipient


class _Text(HTMLParser):
    """The readable text of our HTML: block elements on their own lines, no CSS, no SVG."""

    BLOCKS = {"h1", "h2", "h3", "p", "li", "tr", "article", "blockquote", "figcaption", "section"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "svg", "title", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "svg", "title", "head"):
            self.skip -= 1
        elif tag in ("h1", "h2", "h3", "p", "blockquote", "ul", "table", "figure"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    out: list[str] = []
    for line in "".join(parser.parts).splitlines():
        line = line.rstrip().removeprefix(" | ")
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


@dataclass
class PreviewReady(Message):
    key: tuple[str, str, str]
    summary: Summary
    data: bytes
    text: str


@dataclass
class ExportWritten(Message):
    path: Path | None
    summary: Summary
    fmt: str
    recipient: str
    error: str | None = None


class ExportScreen(JournalScreen):
    """Share with my therapist, with a preview of exactly what will be written."""

    DEFAULT_CSS = """
    ExportScreen { padding: 0 1; }
    ExportScreen #export-head { height: 1; }
    ExportScreen #export-title { width: 1fr; text-style: bold; }
    ExportScreen #export-label { width: auto; color: $text-muted; }
    ExportScreen #export-head { margin-bottom: 1; }
    ExportScreen .row { height: auto; }
    ExportScreen .row > .label { width: 9; color: $text-muted; }
    ExportScreen #export-range { width: 20; margin-right: 2; }
    ExportScreen #export-format { width: 20; }
    ExportScreen .row > .label2 { width: 8; color: $text-muted; }
    ExportScreen RadioSet { layout: horizontal; width: 1fr; height: auto; }
    ExportScreen RadioSet > RadioButton { width: auto; margin-right: 2; }
    ExportScreen #passphrase-row Input { width: 1fr; margin-right: 1; background: $boost; }
    ExportScreen #export-path { width: 1fr; max-width: 72; background: $boost; }
    ExportScreen #export-write { margin-left: 1; min-width: 14; }
    ExportScreen #export-status { height: auto; min-height: 1; color: $text-muted; }
    ExportScreen #export-status.warning { color: $warning; }
    ExportScreen #export-preview-title { color: $text-muted; text-style: bold; }
    ExportScreen #export-preview { height: 1fr; min-height: 5; max-width: 100; }
    ExportScreen #export-log { height: auto; max-height: 6; color: $text-muted;
        border-top: solid $primary 30%; }
    """

    BINDINGS = [
        HELP_FIRST,
        Binding("escape", "leave", "back"),
        # ctrl+s, not enter: enter opens a list or ticks a choice when one has the focus.
        Binding("ctrl+s", "write", "write file", priority=True),
    ]
    KEY_NOTES = [("⏎", "in the file name: write the file"), ("tab", "the next choice")]

    def __init__(self) -> None:
        super().__init__()
        self._preview: PreviewReady | None = None
        self._path_edited = False

    def compose(self) -> ComposeResult:
        recipient = self.journal.settings().therapist_recipient
        name = one_line(self.journal.settings().therapist_name, 40) or "your therapist"
        with Horizontal(id="export-head"):
            yield Static("Share with my therapist", id="export-title")
            yield Static(DISCLAIMER, id="export-label")
        with Horizontal(classes="row"):
            yield Static("Period", classes="label")
            yield Select(RANGES, value="28", allow_blank=False, compact=True, id="export-range")
            yield Static("Format", classes="label2")
            yield Select(FORMATS, value="md", allow_blank=False, compact=True, id="export-format")
        with Horizontal(classes="row"):
            yield Static("Include", classes="label")
            with RadioSet(id="export-include", compact=True):
                yield RadioButton("what I marked shared", True, id="include-shared")
                yield RadioButton("all my writing", id="include-all")
                yield RadioButton("scores only", id="include-scores")
        with Horizontal(classes="row"):
            yield Static("Encrypt", classes="label")
            with RadioSet(id="export-encrypt", compact=True):
                if recipient:
                    label = Content(f"{name}'s key {short_key(recipient)}")
                else:
                    label = Content("therapist's key (add in Settings)")
                yield RadioButton(
                    label, bool(recipient), id="encrypt-therapist", disabled=not recipient
                )
                yield RadioButton("passphrase", not recipient, id="encrypt-passphrase")
                yield RadioButton("none", id="encrypt-none")
        with Horizontal(classes="row", id="passphrase-row"):
            yield Static("", classes="label")
            yield Input(password=True, placeholder="export passphrase", compact=True,
                        id="export-passphrase")  # fmt: skip
            yield Input(password=True, placeholder="the same again", compact=True,
                        id="export-passphrase-again")  # fmt: skip
        with Horizontal(classes="row"):
            yield Static("File", classes="label")
            yield Input(compact=True, id="export-path")
            yield Button("Write file", id="export-write", variant="primary", compact=True)
        yield Static("", id="export-status", markup=False)
        yield Static("Preview: exactly what will be written", id="export-preview-title")
        yield JournalTextArea("", read_only=True, soft_wrap=True, compact=True, id="export-preview")
        yield Static("", id="export-log", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._sync_encryption()
        self._show_log()
        self.refresh_preview()
        self.query_one("#export-range", Select).focus()

    def restore_token(self) -> tuple[str, dict[str, Any]] | None:
        return ("export", {})

    # --- the choices -------------------------------------------------------------------------

    def choice(self, radio_id: str, prefix: str) -> str:
        pressed = self.query_one(f"#{radio_id}", RadioSet).pressed_button
        return (pressed.id or "").removeprefix(prefix) if pressed else ""

    @property
    def fmt(self) -> str:
        return str(self.query_one("#export-format", Select).value)

    @property
    def encryption(self) -> str:
        return self.choice("export-encrypt", "encrypt-")

    def default_path(self) -> str:
        suffix = ".age" if self.encryption != "none" else ""
        return f"~/kapjournal-summary-{self.now().date():%Y-%m-%d}.{self.fmt}{suffix}"

    def _sync_encryption(self) -> None:
        self.query_one("#passphrase-row").display = self.encryption == "passphrase"
        self._default_path()
        status = self.query_one("#export-status", Static)
        plain = self.encryption == "none"
        status.set_class(plain, "warning")
        status.update(
            "The file will not be encrypted: anyone who can open it can read it. "
            "Handle it carefully."
            if plain
            else ""
        )

    @on(Select.Changed, "#export-range, #export-format")
    @on(RadioSet.Changed, "#export-include")
    def _choice_changed(self) -> None:
        self._default_path()
        self.refresh_preview()

    def _default_path(self) -> None:
        """Follow the format and encryption in the file name, until the patient types their own."""
        if not self._path_edited:
            self.query_one("#export-path", Input).value = self.default_path()

    @on(RadioSet.Changed, "#export-encrypt")
    def _encryption_changed(self) -> None:
        self._sync_encryption()

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        self._path_edited = event.value != self.default_path()
        named = format_for_name(event.value.strip())  # the format follows the name through .age
        if named is not None and named != self.fmt:
            self.query_one("#export-format", Select).value = named

    def _range(self) -> tuple[date | None, date]:
        today = self.now().date()
        value = str(self.query_one("#export-range", Select).value)
        if value == "all":
            return None, today
        return today - timedelta(days=int(value) - 1), today

    # --- preview (worker) --------------------------------------------------------------------

    def refresh_preview(self) -> None:
        since, until = self._range()
        include = self.choice("export-include", "include-") or "shared"
        key = (str(self.query_one("#export-range", Select).value), include, self.fmt)
        self._preview = None
        self.query_one("#export-write", Button).disabled = True
        self.build_preview(key, since, until, include, self.fmt)

    @work(thread=True, exclusive=True, group="export-preview")
    def build_preview(
        self, key: tuple[str, str, str], since: date | None, until: date, include: str, fmt: str
    ) -> None:
        summary = summary_from(self.journal, since, until, include, catalog=self.catalog)
        rendered = render(summary, fmt)
        text = html_text(rendered) if fmt == "html" else rendered
        if len(text) > PREVIEW_LIMIT:
            text = (
                text[:PREVIEW_LIMIT]
                + f"\n\n… the preview stops here; the file holds all {len(rendered):,} characters."
            )
        self.post_message(PreviewReady(key, summary, rendered.encode(), text))

    @on(PreviewReady)
    def _preview_ready(self, event: PreviewReady) -> None:
        include = self.choice("export-include", "include-") or "shared"
        if event.key != (str(self.query_one("#export-range", Select).value), include, self.fmt):
            return  # an older choice; a newer preview is on its way
        self._preview = event
        self.query_one("#export-preview", TextArea).load_text(event.text)
        self.query_one("#export-write", Button).disabled = False

    # --- writing (worker) --------------------------------------------------------------------

    @on(Button.Pressed, "#export-write")
    @on(Input.Submitted, "#export-path, #export-passphrase-again")
    def action_write(self) -> None:
        preview = self._preview
        status = self.query_one("#export-status", Static)
        if preview is None:
            status.update("The preview is still being prepared; a moment.")
            return
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            status.update("Give the file a name first.")
            return
        recipient = passphrase = None
        if self.encryption == "therapist":
            recipient = self.journal.settings().therapist_recipient
        elif self.encryption == "passphrase":
            passphrase = self.query_one("#export-passphrase", Input).value
            again = self.query_one("#export-passphrase-again", Input).value
            if not passphrase:
                status.update(
                    "Type a passphrase for this export (tell your therapist another way)."
                )
                self.query_one("#export-passphrase", Input).focus()
                return
            if passphrase != again:
                status.update("The two passphrases differ. Type the second one again.")
                self.query_one("#export-passphrase-again", Input).value = ""
                self.query_one("#export-passphrase-again", Input).focus()
                return
        status.update("Writing…")
        self.query_one("#export-write", Button).disabled = True
        self.write_file(preview, Path(raw).expanduser(), recipient, passphrase)

    @work(thread=True, exclusive=True, group="export-write")
    def write_file(
        self, preview: PreviewReady, path: Path, recipient: str | None, passphrase: str | None
    ) -> None:
        label = recipient or ("passphrase" if passphrase is not None else "none")
        fmt = preview.key[2]
        try:
            self.journal.check_writable()  # an older copy of the journal shares nothing
            written = write_export(preview.data, path, recipient=recipient, passphrase=passphrase)
        except (KapJournalError, OSError) as exc:
            message = str(exc) if isinstance(exc, KapJournalError) else (exc.strerror or "error")
            self.post_message(ExportWritten(None, preview.summary, fmt, label, message))
            return
        self.post_message(ExportWritten(written, preview.summary, fmt, label))

    @on(ExportWritten)
    def _written(self, event: ExportWritten) -> None:
        self.query_one("#export-write", Button).disabled = self._preview is None
        status = self.query_one("#export-status", Static)
        status.remove_class("warning")
        if event.path is None:
            status.update(f"Not written: {clean(str(event.error))}")
            return
        try:
            log_export(self.journal, event.summary, event.fmt, event.recipient)
        except KapJournalError as exc:
            self.notify(f"Written, but not added to the share log: {exc}", severity="warning")
        how = {"none": "not encrypted", "passphrase": "encrypted with your passphrase"}.get(
            event.recipient, f"encrypted to {short_key(event.recipient)}"
        )
        status.update(f"Written to {clean(str(event.path))} ({how}).")
        for widget_id in ("#export-passphrase", "#export-passphrase-again"):
            self.query_one(widget_id, Input).value = ""
        self._show_log()

    def _show_log(self) -> None:
        logs: list[ShareLog] = self.journal.share_logs()
        if not logs:
            self.query_one("#export-log", Static).update("No exports yet.")
            return
        lines = [f"Past exports ({len(logs)}):"]
        for log in reversed(logs[-LOG_LINES:]):
            span = (
                f"{log.since:%-d %b} – {log.until:%-d %b %Y}" if log.since and log.until else "all"
            )
            to = {"none": "not encrypted", "passphrase": "passphrase"}.get(
                log.recipient, f"to {short_key(log.recipient)}"
            )
            lines.append(
                f"{log.created:%-d %b %Y %H:%M}  {span} · {FORMAT_NAMES.get(log.format, log.format)}"
                f" · {INCLUDE_NAMES.get(log.include, log.include)} · {to} · {shared_count(log)}"
            )
        self.query_one("#export-log", Static).update("\n".join(lines))

    def action_leave(self) -> None:
        self.dismiss()
