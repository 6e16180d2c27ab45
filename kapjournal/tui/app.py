"""The Textual app: one factory for the CLI, the demo and the tests.

Blocking work (the KDF, decrypting the journal) runs in thread workers that post messages; the
handlers here own the state. Locking drops the journal and every screen that showed its text, and
remembers only which screens to reopen, so unlocking returns the patient to where they were.

Time-driven behaviour (autosave, auto-lock) is decided by the injected ``monotonic`` clock in one
place, ``tick()``. In real use a one-second timer calls it; with ``timers=False`` (the test kit,
``kapjournal.testing``) no real timer runs at all and tests call ``tick()`` themselves, so nothing a
test sees depends on how fast the machine is.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from kapjournal.clock import Clock, system_clock
from kapjournal.errors import KapJournalError
from kapjournal.exercises import Catalog, PackProblem, builtin_prompt_dirs, load_packs
from kapjournal.paths import check_private_dir, ensure_private_dir, user_prompt_dir
from kapjournal.text import one_line, safe_text
from kapjournal.tui.base import JournalMixin
from kapjournal.tui.widgets.keys import HELP_KEY_DISPLAY, HELP_KEYS

TICK_SECONDS = 1.0  # how often the real timer calls tick(); what is due is decided by monotonic
REFRESH_SECONDS = 5.0  # how often tick() looks for what another kapjournal process wrote
# With timers=False notifications stay until cleared (a toast's real timeout would make what a
# test sees depend on how fast the machine is); a day is "for the whole test".
NOTIFICATIONS_KEPT_SECONDS = 24 * 3600.0

if TYPE_CHECKING:
    from kapjournal.journal import Journal, KdfCost

# Screen names → "module:Class" under kapjournal.tui.screens; imported when first opened.
SCREENS: dict[str, str] = {
    "home": "home:HomeScreen",
    "checkin": "checkin:CheckInScreen",
    "questionnaire": "questionnaire:QuestionnaireScreen",
    "trends": "trends:TrendsScreen",
    "sessions": "sessions:SessionsScreen",
    "session_form": "sessions:SessionFormScreen",
    "exercise": "exercise:ExerciseScreen",
    "write": "exercise:ReflectionScreen",
    "exercises": "exercise:ExercisePickerScreen",
    "timeline": "timeline:TimelineScreen",
    "settings": "settings:SettingsScreen",
    "export": "export:ExportScreen",
    "help": "help:HelpScreen",
    "safety_plan": "help:SafetyPlanScreen",
    "recovery_key": "unlock:RecoveryKeyScreen",
    "older_copy": "unlock:OlderCopyScreen",
    "capture": "capture:CaptureScreen",
    "reminders": "reminders:RemindersScreen",
}

HIGH_CONTRAST = Theme(
    name="kapjournal-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffffff",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    success="#00ff00",
    warning="#ffff00",
    error="#ff5f5f",
    dark=True,
)
THEMES = ("textual-dark", "textual-light", "nord", "gruvbox", "kapjournal-high-contrast")


@dataclass
class Unlocked(Message):
    journal: Journal
    catalog: Catalog
    recovery: str | None = None  # why a recovery key is to be shown: "first-run" or "renewed"


@dataclass
class UnlockFailed(Message):
    reason: str


def screen_class(name: str) -> type[Screen[Any]]:
    module, _, cls = SCREENS[name].partition(":")
    return getattr(importlib.import_module(f"kapjournal.tui.screens.{module}"), cls)  # type: ignore[no-any-return]


class KapJournalApp(App[None]):
    """kapjournal in the terminal."""

    TITLE = "kapjournal"
    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses may live anywhere
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding(HELP_KEYS, "help", "Get help now", key_display=HELP_KEY_DISPLAY, priority=True),
        Binding("ctrl+l", "lock", "lock", priority=True),
        Binding("ctrl+q", "quit", "quit", show=False, priority=True),
        Binding("question_mark", "keys", "keys", show=False),
    ]

    def __init__(
        self,
        journal_path: Path,
        *,
        clock: Clock | None = None,
        kdf: KdfCost | None = None,
        prompt_dirs: Sequence[Path] | None = None,
        demo_passphrase: str | None = None,
        monotonic: Callable[[], float] | None = None,
        timers: bool = True,
    ) -> None:
        """``clock``: wall time for records (default: the system's, with its offset).
        ``kdf``: Argon2id cost for a new journal (default: the real one; only tests lower it).
        ``monotonic``: what autosave and auto-lock measure with (default ``time.monotonic``).
        ``timers``: False runs no real timer (no tick timer, search debounce, cursor blink,
        animation or expiring notification); call ``tick()`` to do what is due."""
        super().__init__()
        self.journal_path = journal_path
        self.clock: Clock = clock or system_clock
        self.kdf = kdf  # None: the default; only tests pass cheaper settings
        self.prompt_dirs = [*builtin_prompt_dirs(), user_prompt_dir(), *(prompt_dirs or ())]
        self.demo_passphrase = demo_passphrase
        self.journal: Journal | None = None
        self.catalog: Catalog = Catalog()
        self.monotonic: Callable[[], float] = monotonic or time.monotonic
        self.timers = timers
        if not timers:
            self.animation_level = "none"
        self.last_activity = self.monotonic()
        self._refreshed_at = self.last_activity  # monotonic time of the last refresh_if_changed
        self._restore: list[tuple[str, dict[str, Any]]] = []
        self._lock_fd: int | None = None
        self._catalog_cache: Catalog | None = None
        self._catalog_lock = threading.Lock()

    # --- start ---------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        if not self.is_headless:
            self._catch_signals()
        if self.timers:
            self.set_interval(TICK_SECONDS, self.tick, name="tick")
        self.call_after_refresh(self._prewarm)
        if not self._claim_journal():
            self.notify(
                "kapjournal is already open on this journal in another window. Saving from both "
                "is safe, but each window shows only what it loaded; closing one avoids confusion.",
                severity="warning",
                timeout=20,
            )
        from kapjournal.tui.screens.unlock import CreateScreen, UnlockScreen

        if self.journal_path.exists():
            self.push_screen(UnlockScreen())
        else:
            self.push_screen(CreateScreen())

    @work(thread=True, group="prewarm")
    def _prewarm(self) -> None:
        """Import the storage layer and read the prompt packs while the patient types."""
        importlib.import_module("kapjournal.journal")
        self._load_catalog()

    def _claim_journal(self) -> bool:
        """Take an advisory lock beside the journal; False if another copy of the app holds it.

        The lock file is never followed through a link (O_NOFOLLOW) nor waited on (O_NONBLOCK).
        """
        import fcntl

        try:
            ensure_private_dir(self.journal_path.parent)
            flags = os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
            fd = os.open(f"{self.journal_path}.lock", flags, 0o600)
        except (OSError, KapJournalError):
            return True  # a read-only or unsafe place: unlocking explains it
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    # --- unlocking (workers) ---------------------------------------------------------------------

    def unlock(self, passphrase: str) -> None:
        """Unlock in a worker; a recovery key left on screen at the last lock comes back."""
        restoring = any(name == "recovery_key" for name, _ in self._restore)
        self._unlock_worker(passphrase, restoring)

    @work(thread=True, exclusive=True, group="unlock")
    def _unlock_worker(self, passphrase: str, restoring: bool) -> None:
        from kapjournal.journal import Journal

        recovery = None
        try:
            check_private_dir(self.journal_path.parent)
            journal = Journal.unlock(self.journal_path, passphrase, clock=self.clock)
            journal.load()
            if journal.recovery_pending is not None and not restoring and not journal.rolled_back:
                # Never confirmed (the app or 'init' was stopped while it was shown): a new one.
                journal.new_recovery_key()
                recovery = "renewed"
        except KapJournalError as exc:
            self.post_message(UnlockFailed(str(exc)))
            return
        self.post_message(Unlocked(journal, self._load_catalog(), recovery))

    @work(thread=True, exclusive=True, group="unlock")
    def create(self, passphrase: str) -> None:
        from kapjournal.journal import Journal

        try:
            journal, _ = Journal.create(
                self.journal_path,
                passphrase,
                clock=self.clock,
                kdf=self.kdf,
                keep_recovery_key=True,
            )
        except KapJournalError as exc:
            self.post_message(UnlockFailed(str(exc)))
            return
        self.post_message(Unlocked(journal, self._load_catalog(), "first-run"))

    def _load_catalog(self) -> Catalog:
        """The prompt packs, read once per run (they hold no journal data)."""
        with self._catalog_lock:
            if self._catalog_cache is None:
                try:
                    self._catalog_cache = load_packs(self.prompt_dirs)
                except Exception as exc:  # packs are outside data: the app works without them
                    problem = PackProblem(Path("prompt packs"), None, None, None,
                                          f"could not be read ({type(exc).__name__})")  # fmt: skip
                    self._catalog_cache = Catalog(problems=[problem])
            return self._catalog_cache

    @on(UnlockFailed)
    def _unlock_failed(self, message: UnlockFailed) -> None:
        show = getattr(self.screen, "show_error", None)
        if show is not None:
            show(message.reason)
        else:
            self.notify(message.reason, severity="error")

    @on(Unlocked)
    async def _unlocked(self, message: Unlocked) -> None:
        self.journal = message.journal
        self.catalog = message.catalog
        self.last_activity = self.monotonic()
        self._apply_settings()
        from kapjournal.tui.screens.help import sync_region

        sync_region(message.journal, self)
        await self.enter_journal()
        if message.recovery is not None:
            self.open("recovery_key", reason=message.recovery)

    async def enter_journal(self) -> None:
        """Home, then the screens that were open when the journal locked."""
        await self.switch_screen(screen_class("home")())
        restore, self._restore = self._restore, []
        for name, kwargs in restore:
            await self.push_screen(screen_class(name)(**kwargs))
        if self.catalog.problems:
            first = self.catalog.problems[0]
            more = len(self.catalog.problems) - 1
            self.notify(
                f"A prompt pack has a problem and was skipped in part: {one_line(str(first), 300)}"
                + (f" (and {more} more)" if more else ""),
                severity="warning",
                timeout=10,
                markup=False,
            )
        if self.journal is not None:
            self._say_problems(self.journal)
            if self.journal.arrived:
                n = self.journal.arrived
                self.notify(
                    f"{n} entr{'y' if n == 1 else 'ies'} you wrote without unlocking "
                    f"{'is' if n == 1 else 'are'} now in your journal, private.",
                    title="Welcome back",
                )

    def _say_problems(self, journal: Journal) -> None:
        """What is wrong with the file, once per unlock; an older copy asks before any save."""
        from kapjournal.text import one_line

        problems = [p for p in journal.problems if p.kind != "rollback"]
        named = {p.item_id for p in problems}
        damaged = [i for i in journal.damaged if i not in named]
        count = len(problems) + len(damaged)
        if count:
            first = problems[0].message if problems else "An entry could not be decrypted."
            self.notify(
                one_line(first, 160)
                + (f" (and {count - 1} more)" if count > 1 else "")
                + " Everything else is fine; 'kapjournal check' lists it all.",
                title="This journal file has a problem",
                severity="warning",
                timeout=20,
                markup=False,
            )
        if journal.rolled_back:
            self.push_screen(screen_class("older_copy")())

    def refresh_if_changed(self) -> None:
        """Another kapjournal process wrote to the journal: read it again (in a worker)."""
        journal = self.journal
        if journal is None or journal.locked:
            return
        try:
            changed = journal.changed_elsewhere()
        except KapJournalError:
            return
        if changed:
            self._reload(journal)

    @work(thread=True, exclusive=True, group="reload")
    def _reload(self, journal: Journal) -> None:
        try:
            journal.reload()
        except KapJournalError as exc:
            self.call_from_thread(
                self.notify,
                f"Could not read the journal again: {exc}",
                severity="warning",
                markup=False,
            )
            return
        self.call_from_thread(self._reloaded)

    def _reloaded(self) -> None:
        """Views that only show the journal redraw; editors keep what is being typed."""
        if type(self.screen).__name__ in (
            "HomeScreen",
            "TimelineScreen",
            "SessionsScreen",
            "TrendsScreen",
        ):
            self.screen.post_message(events.ScreenResume())

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is plain text: messages quote paths, packs and errors, never markup.

        Screens' ``self.notify`` passes ``markup=True`` by Textual's default; it is ignored here.
        With ``timers=False`` a notification stays until cleared (no real timeout).
        """
        if not self.timers:
            timeout = NOTIFICATIONS_KEPT_SECONDS
        super().notify(
            safe_text(message), title=one_line(title), severity=severity, timeout=timeout,
            markup=False,
        )  # fmt: skip

    def _apply_settings(self) -> None:
        if self.journal is None:
            return
        theme = self.journal.settings().theme
        if theme in self.available_themes:
            self.theme = theme

    # --- navigation ------------------------------------------------------------------------------

    def open(self, name: str, **kwargs: Any) -> None:
        """Open a journal screen by name (see SCREENS); "home" goes back to the one Home."""
        if self.journal is None and name not in ("help", "capture"):
            return
        if name == "home":
            home = screen_class("home")
            if not isinstance(self.screen, home) and any(
                isinstance(s, home) for s in self.screen_stack
            ):
                self.run_worker(self.go_home(), exclusive=True, group="navigate")
            return
        self.refresh_if_changed()  # what another kapjournal wrote meanwhile shows here too
        self.push_screen(screen_class(name)(**kwargs))

    async def go_home(self) -> None:
        """Close the screens above Home, each saving its unsaved words first."""
        home = screen_class("home")
        while len(self.screen_stack) > 1 and not isinstance(self.screen, home):
            screen = self.screen
            if isinstance(screen, JournalMixin) and self.journal is not None:
                try:
                    screen.before_lock()
                except KapJournalError as exc:
                    self.notify(
                        f"Could not save a draft, so it stays open: {exc}", severity="error"
                    )
                    return
            await self.pop_screen()

    def action_go(self, name: str) -> None:
        self.open(name)

    def action_help(self) -> None:
        """Get help now: from every screen, locked or not."""
        if type(self.screen).__name__ == "HelpScreen":
            return
        self.push_screen(screen_class("help")())

    def action_ground(self) -> None:
        """A short grounding page, from every exercise screen and from Get help now."""
        if type(self.screen).__name__ == "GroundingScreen":
            return
        from kapjournal.tui.screens.help import GroundingScreen

        self.push_screen(GroundingScreen())

    def action_keys(self) -> None:
        """The "?" panel: every key of the screen on top, then the keys that work everywhere."""
        from kapjournal.tui.widgets.keys import KeysScreen, screen_keys

        if isinstance(self.screen, KeysScreen):
            return
        self.push_screen(KeysScreen(screen_keys(self.screen)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide "Lock" while there is nothing to lock."""
        return not (action == "lock" and self.journal is None)

    # --- locking ---------------------------------------------------------------------------------

    def _journal_screens(self) -> list[JournalMixin]:
        return [s for s in self.screen_stack if isinstance(s, JournalMixin)]

    def _keep_captures(self) -> None:
        """Words written without unlocking are sealed before the app stops or locks."""
        for screen in self.screen_stack:
            if type(screen).__name__ == "CaptureScreen":
                screen.before_lock()  # type: ignore[attr-defined]

    def save_drafts(self, failure: str) -> bool:
        """Every open screen saves its unsaved words (encrypted); False, and a message, if one can't."""
        self._keep_captures()
        for screen in self._journal_screens():
            try:
                screen.before_lock()
            except KapJournalError as exc:
                self.notify(f"{failure}: {exc}", severity="error")
                return False
        return True

    async def action_lock(self) -> None:
        """Lock at once: save drafts, forget the key, clear every screen."""
        if self.journal is None:
            return
        if not self.save_drafts("Could not save a draft before locking"):
            return
        restore = [
            token
            for screen in self._journal_screens()
            if (token := screen.restore_token()) is not None and token[0] != "home"
        ]
        self._restore = restore
        self.journal.lock()
        self.journal = None
        from kapjournal.tui.screens.unlock import UnlockScreen

        while len(self.screen_stack) > 2:
            await self.pop_screen()
        await self.switch_screen(UnlockScreen())

    def on_event(self, event: events.Event) -> Any:
        if isinstance(
            event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp
        ):
            self.last_activity = self.monotonic()
        return super().on_event(event)

    def tick(self) -> None:
        """Do what is due by ``monotonic()``: every open screen's ``tick()`` (writing screens
        autosave every ``AUTOSAVE_SECONDS``, the capture screen seals what was written while
        locked); every ``REFRESH_SECONDS``, read what another kapjournal process wrote
        (``refresh_if_changed``); then auto-lock if idle long enough.

        The real timer calls this every ``TICK_SECONDS``; with ``timers=False`` only a test does.
        Reading again and locking run in workers: wait for workers before looking at the result."""
        for screen in list(self.screen_stack):
            screen_tick = getattr(screen, "tick", None)  # JournalMixin screens, CaptureScreen
            if callable(screen_tick):
                screen_tick()
        if self.journal is None or self.journal.locked:
            return
        now = self.monotonic()
        if now - self._refreshed_at >= REFRESH_SECONDS:
            self._refreshed_at = now
            self.refresh_if_changed()
        self.lock_if_idle()

    def lock_if_idle(self) -> bool:  # not check_idle: that name is Textual's MessagePump internal
        """Lock after the idle minutes chosen in settings (0 turns auto-lock off). True if the
        lock was started (in a worker)."""
        if self.journal is None or self.journal.locked:
            return False
        minutes = self.journal.settings().autolock_minutes
        if minutes and self.monotonic() - self.last_activity >= minutes * 60:
            self.run_worker(self.action_lock(), exclusive=True, group="lock")
            return True
        return False

    @on(events.DescendantFocus)
    def _steady_cursor(self, event: events.DescendantFocus) -> None:
        """With timers=False, a text cursor does not blink (a screenshot shows it, always)."""
        if not self.timers and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    # --- the command palette -----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Our actions, and Textual's minus "Screenshot" (it would write the screen to disk)."""
        yield SystemCommand(
            "Get help now", "Crisis lines, your therapist, your safety plan", self.action_help
        )
        yield SystemCommand(
            "Steady yourself", "A short grounding page to read slowly", self.action_ground
        )
        if self.journal is not None:
            for title, help_text, name in (
                ("Home", "Today's exercises, your small step, a month of mood", "home"),
                ("Check in", "Mood, anxiety and energy, 0 to 10", "checkin"),
                ("Write a reflection", "Free writing, private unless you share it", "write"),
                ("Do an exercise", "Integration exercises from your prompt packs", "exercises"),
                ("Log a session", "Date, route, dose, intention, how it went", "session_form"),
                ("Sessions", "Your course of sessions", "sessions"),
                ("Questionnaire", "PHQ-9, GAD-7 or PCL-5", "questionnaire"),
                ("Timeline", "Everything, newest first, with search", "timeline"),
                ("Trends", "Mood and scores over time, sessions marked", "trends"),
                ("Share with my therapist", "Export a summary you choose", "export"),
                ("Settings", "Auto-lock, theme, region, therapist, passphrase", "settings"),
                ("Safety plan", "Your own plan for hard moments", "safety_plan"),
                ("Calendar reminders", "Save the plan for your own calendar", "reminders"),
            ):
                yield SystemCommand(title, help_text, lambda name=name: self.open(name))
            yield SystemCommand("Lock", "Lock the journal now", self.action_lock)
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command

    def copy_to_clipboard(self, text: str) -> None:
        """Copy inside the app only: never to the terminal's clipboard (OSC 52), where other
        programs, and clipboard history, would keep the patient's words in plaintext."""
        self._clipboard = text

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.notify("Screenshots are turned off: they would save your journal unencrypted.")

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> None:
        self.action_screenshot()

    # --- when something goes wrong ------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: save every draft we can before Textual stops the app."""
        with contextlib.suppress(Exception):
            self._keep_captures()
        if self.journal is not None and not self.journal.locked:
            for screen in self._journal_screens():
                with contextlib.suppress(Exception):  # save what we can, screen by screen
                    screen.before_lock()
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        """No traceback for the patient: Textual's shows local variables, which hold their words."""
        if os.environ.get("KAPJOURNAL_DEBUG") or not self._exit_renderables:
            super()._print_error_renderables()
            return
        self._exit_renderables.clear()
        self.error_console.print(
            "kapjournal stopped because of an unexpected error. Everything you saved is safe, and "
            "drafts were saved as you wrote. (Details are hidden to keep your journal private; "
            "set KAPJOURNAL_DEBUG=1 to see them.)",
            markup=False,
            highlight=False,
        )

    # --- stopping ----------------------------------------------------------------------------------

    def _catch_signals(self) -> None:
        """Closing the terminal (SIGHUP) or a polite kill (SIGTERM) saves drafts before exiting."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self.stop_now, int(sig))

    def stop_now(self, signum: int = 0) -> None:
        """The terminal went away: save every draft (encrypted), lock, and exit without asking."""
        if self.journal is not None and not self.journal.locked:
            for screen in self._journal_screens():
                with contextlib.suppress(Exception):  # save what we can, screen by screen
                    screen.before_lock()
            with contextlib.suppress(Exception):
                self.journal.lock()
        self.journal = None
        self.exit(return_code=128 + signum if signum else 0)

    async def action_quit(self) -> None:
        self._keep_captures()
        if self.journal is not None and not self.save_drafts(
            "Could not save a draft; not quitting"
        ):
            return
        if self.journal is not None:
            self.journal.lock()
            self.journal = None
        self.exit()


def run_app(journal_path: Path, *, prompt_dirs: Sequence[Path] = ()) -> None:
    KapJournalApp(journal_path, prompt_dirs=prompt_dirs).run()


DEMO_PASSPHRASE = "demo journal"


def run_demo(*, prompt_dirs: Sequence[Path] = (), today: datetime | None = None) -> None:
    """A throwaway journal with eight weeks of example data, deleted on exit."""
    from kapjournal.demo import build_demo

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # runs the clean-up below; the app catches its own

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGHUP, signal.SIGTERM)}
    folder = Path(tempfile.mkdtemp(prefix="kapjournal-demo-"))
    try:
        path = folder / "demo.kapj"
        from kapjournal.journal import Journal

        journal, _ = Journal.create(path, DEMO_PASSPHRASE)  # the demo shows no recovery key
        build_demo(journal, today or system_clock())
        journal.lock()
        KapJournalApp(path, prompt_dirs=prompt_dirs, demo_passphrase=DEMO_PASSPHRASE).run()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
