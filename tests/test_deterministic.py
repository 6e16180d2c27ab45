"""No test may depend on how fast the machine is: the suite must pass while every core is busy.

This scans every Python file under tests/ (this one too) and fails on a stopwatch (reading real time
to assert how long something took), on waiting for real time to pass (``sleep``, ``pilot.pause(n)``),
on Hypothesis deadlines, on hang guards too tight for a busy machine, on an app built with its real
timers running (``make_app`` passes ``timers=False``), and on rage's passphrase decryption, which
times the machine (``sharing.decrypt_passphrase`` tries again). Speed is measured in
``benchmarks/bench.py``; time in tests is the injected clock and monotonic (``kapjournal.testing``).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
PACKAGE = TESTS.parent / "kapjournal"

# Functions of `time` that read a real clock, and modules that time code.
CLOCK_READS = {
    "time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns",
    "process_time", "process_time_ns", "thread_time", "thread_time_ns",
}  # fmt: skip
TIMING_MODULES = {"timeit"}
MIN_HANG_GUARD_SECONDS = 60  # a subprocess timeout is a guard against a hang, never a speed check
# A line that sleeps on purpose where every outcome is checked (crash injection: where a kill lands)
# says so with this comment; the scan lets it be.
ANY_TIMING = "# any timing passes"
# A deadline of a minute or more that stops a test waiting on a hung program reads the clock on a
# line that says so.
HANG_GUARD = "# hang guard"


def problems_in(source: str) -> list[str]:
    found: list[str] = []
    tree = ast.parse(source)
    lines = source.splitlines()
    time_names = {"time"}  # names bound to the time module (import time as t)
    clock_functions: set[str] = set()  # from time import perf_counter
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "time":
                    time_names.add(alias.asname or "time")
                if alias.name in TIMING_MODULES:
                    found.append(f"line {node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            for alias in node.names:
                if alias.name in CLOCK_READS:
                    clock_functions.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module in TIMING_MODULES:
            found.append(f"line {node.lineno}: imports from {node.module}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "elapsed":
            found.append(f"line {node.lineno}: a variable named 'elapsed'")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = func.value if isinstance(func, ast.Attribute) else None
        if HANG_GUARD in lines[node.lineno - 1]:
            pass
        elif isinstance(owner, ast.Name) and owner.id in time_names and name in CLOCK_READS:
            found.append(f"line {node.lineno}: reads the real clock ({owner.id}.{name}())")
        if (
            isinstance(func, ast.Name)
            and name in clock_functions
            and HANG_GUARD not in lines[node.lineno - 1]
        ):
            found.append(f"line {node.lineno}: reads the real clock ({name}())")
        if name == "KapJournalApp" and not any(k.arg in ("timers", None) for k in node.keywords):
            found.append(
                f"line {node.lineno}: KapJournalApp without timers=False (use make_app, or pass it)"
            )
        if name == "decrypt" and isinstance(owner, ast.Attribute) and owner.attr == "passphrase":
            found.append(
                f"line {node.lineno}: pyrage.passphrase.decrypt times this computer and may refuse "
                "on a busy one (use kapjournal.summary.sharing.decrypt_passphrase)"
            )
        if name == "sleep" and ANY_TIMING not in lines[node.lineno - 1]:
            found.append(f"line {node.lineno}: sleeps (wait for workers or tick instead)")
        if name == "pause" and (node.args or node.keywords):
            found.append(f"line {node.lineno}: pilot.pause(delay) waits for real time")
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg == "deadline" and not (
                isinstance(value, ast.Constant) and value.value is None
            ):
                found.append(f"line {node.lineno}: a Hypothesis deadline (use deadline=None)")
            if (
                keyword.arg == "timeout"
                and isinstance(value, ast.Constant)
                and isinstance(value.value, int | float)
                and value.value < MIN_HANG_GUARD_SECONDS
            ):
                found.append(
                    f"line {node.lineno}: timeout={value.value} (hang guards are at least "
                    f"{MIN_HANG_GUARD_SECONDS} s)"
                )
    return found


def test_no_test_times_anything_or_waits_for_real_time() -> None:
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 20
    report = {
        str(path.relative_to(TESTS)): problems
        for path in files
        if (problems := problems_in(path.read_text(encoding="utf-8")))
    }
    assert report == {}


def test_the_scan_finds_what_it_forbids() -> None:
    bad = """
import time
from time import perf_counter as pc
import asyncio
from hypothesis import settings

start = time.perf_counter()
elapsed = pc() - start
assert time.monotonic() - start < 6
await asyncio.sleep(0.2)
await pilot.pause(0.3)
subprocess.run(["x"], timeout=5)
@settings(deadline=500)
def test(): ...
app = KapJournalApp(path, clock=clock)
pyrage.passphrase.decrypt(blob, "by phone")
"""
    found = problems_in(bad)
    assert len(found) == 10, found
    good = """
import time
time.sleep(0.02 * trial)  # any timing passes: it only varies where the kill lands
deadline = time.monotonic() + 90  # hang guard
app = make_app(monotonic=None)
assert app.monotonic is time.monotonic
await pilot.pause()
subprocess.run(["x"], timeout=120)
@settings(deadline=None)
def test(): ...
app = KapJournalApp(path, clock=clock, timers=False)
app = KapJournalApp(path, **options)
"""
    assert problems_in(good) == []


def real_timers_in(source: str) -> list[str]:
    """A Textual timer in the app must be off when the app is built with ``timers=False``: the
    function that starts it reads that flag. And time is read from the injected clocks."""
    found: list[str] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        starts = [
            call.lineno
            for call in ast.walk(node)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr in ("set_interval", "set_timer")
        ]
        names = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
        if starts and "timers" not in names:
            found.append(f"line {starts[0]}: a real timer not switched off by timers=False")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "time"
            and node.func.attr in CLOCK_READS
        ):
            found.append(f"line {node.lineno}: time.{node.func.attr}() (use app.monotonic)")
    return found


def test_the_app_starts_no_timer_a_test_cannot_switch_off() -> None:
    files = sorted((PACKAGE / "tui").rglob("*.py"))
    assert files
    report = {
        str(path.relative_to(PACKAGE)): problems
        for path in files
        if (problems := real_timers_in(path.read_text(encoding="utf-8")))
    }
    assert report == {}
    assert real_timers_in("def f(self):\n    self.set_interval(5, self.g)\n")
    assert real_timers_in("def f(self):\n    return time.monotonic()\n")
    assert not real_timers_in(
        "def f(self):\n    if self.app.timers:\n        self.set_interval(5, self.g)\n"
    )
