"""kapjournal's benchmark: a synthetic journal at scale, medians of what a patient waits for.

    python benchmarks/bench.py [--quick] [--json benchmarks/results.json]

Builds (fixed seed) 10,000 reflections of ~150 words over 3 years, 2,000 check-ins, 40 sessions
and 60 assessments, with the real KDF settings, then times each operation several times and
prints the median. Not a test: numbers go in the README, not in assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kapjournal import vault
from kapjournal.journal import Journal, KdfCost
from kapjournal.records import CheckIn, DosingSession, Record, Reflection

PASSPHRASE = "benchmark passphrase"
TODAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WORDS = [
    "morning",
    "light",
    "river",
    "grief",
    "father",
    "body",
    "breath",
    "warm",
    "corridor",
    "colour",
    "gold",
    "blue",
    "held",
    "rest",
    "kind",
    "tired",
    "part",
    "notice",
    "small",
    "step",
    "walk",
    "friend",
    "sister",
    "dog",
    "music",
    "tears",
    "laugh",
    "quiet",
    "heavy",
    "open",
    "soft",
    "chest",
    "shoulders",
    "sleep",
    "dream",
    "voice",
    "memory",
    "kitchen",
    "oranges",
    "garden",
    "rain",
    "wind",
    "sea",
    "trust",
    "afraid",
    "safe",
    "angry",
    "gentle",
    "slow",
    "steady",
    "change",
    "hope",
    "worry",
    "enough",
    "allowed",
    "listen",
]
ROWS: list[tuple[str, str, str]] = []


def median_of(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def report(name: str, seconds: float, target: str = "") -> None:
    ROWS.append((name, f"{seconds * 1000:,.1f} ms", target))
    print(f"{name:<58} {seconds * 1000:>10,.1f} ms   {target}", flush=True)


def synthetic(journal: Journal, reflections: int, seed: int = 42) -> None:
    """The synthetic journal, scaled by the number of reflections (2,000 check-ins at 10,000)."""
    rng = random.Random(seed)
    start = TODAY - timedelta(days=3 * 365)
    span = (TODAY - start).total_seconds()
    scale = reflections / 10_000

    def when() -> datetime:
        return start + timedelta(seconds=rng.random() * span)

    made: list[Record] = []
    sessions = []
    for n in range(1, max(2, int(40 * scale)) + 1):
        s = journal.new(
            DosingSession,
            created=when(),
            when=start + timedelta(days=n * 27),
            number=n,
            route=rng.choice(["iv", "im", "sublingual"]),
            dose="0.5 mg/kg",
            intention=" ".join(rng.choices(WORDS, k=8)),
        )
        sessions.append(s)
    made.extend(sessions)
    for _ in range(reflections):
        made.append(
            journal.new(
                Reflection,
                created=when(),
                body=" ".join(rng.choices(WORDS, k=150)),
                tags=tuple(rng.sample(["session", "daily", "talk", "body"], k=1)),
                share=rng.random() < 0.2,
                session_id=rng.choice(sessions).id if rng.random() < 0.3 else None,
            )
        )
    for _ in range(int(2000 * scale)):
        made.append(
            journal.new(
                CheckIn,
                created=when(),
                mood=rng.randint(0, 10),
                anxiety=rng.randint(0, 10),
                energy=rng.randint(0, 10),
            )
        )
    from kapjournal import measures

    for i in range(max(2, int(60 * scale))):
        inst = "phq9" if i % 2 else "gad7"
        n = len(measures.instrument(inst).items)
        answers = tuple(rng.randint(0, 3) for _ in range(n))
        made.append(journal.new_assessment(inst, answers, created=when()))
    journal.save_many(made)


def build(folder: Path, reflections: int) -> Path:
    path = folder / f"bench-{reflections}.kapj"
    journal, _ = Journal.create(path, PASSPHRASE, clock=lambda: TODAY)
    synthetic(journal, reflections)
    journal.lock()
    return path


def bench_core(folder: Path, runs: int) -> Path:
    report(
        "create an empty journal (incl. KDF)",
        median_of(
            lambda: Journal.create(folder / f"c{time.perf_counter_ns()}.kapj", PASSPHRASE)[
                0
            ].lock(),
            runs,
        ),
    )
    t = time.perf_counter()
    path = build(folder, 10_000)
    report("build the 10,000-reflection journal (one transaction)", time.perf_counter() - t)

    params = vault.KdfParams()
    report(
        "unlock: KDF alone (Argon2id 64 MiB, t=3, p=4)",
        median_of(lambda: vault.derive_passphrase_key(PASSPHRASE, params), runs),
    )

    def unlock_and_load() -> None:
        j = Journal.unlock(path, PASSPHRASE)
        j.load()
        j.lock()

    total = median_of(unlock_and_load, runs)
    kdf = median_of(lambda: vault.derive_passphrase_key(PASSPHRASE, params), runs)
    report("unlock + load all 12,100 items, beyond the KDF", total - kdf, "< 150 ms")

    journal = Journal.unlock(path, PASSPHRASE, clock=lambda: TODAY)
    journal.load()
    report(
        "search 'grief river' (first, builds the index)",
        median_of(lambda: journal.search("grief river"), 1),
    )
    journal.load()
    journal.search("x")
    report(
        "search 'grief river' (warm)",
        median_of(lambda: journal.search("grief river"), runs * 3),
        "< 20 ms",
    )
    report(
        "first timeline page (newest 100 of 12,100)",
        median_of(lambda: journal.timeline()[:100], runs),
    )
    counter = iter(range(10**9))
    report(
        "save one reflection",
        median_of(
            lambda: journal.add(Reflection, body=f"one more {next(counter)} " + "word " * 150),
            runs * 3,
        ),
        "< 15 ms",
    )
    try:
        from kapjournal.exercises import builtin_prompt_dirs, load_packs

        catalog = load_packs(builtin_prompt_dirs())
        report("plan for today", median_of(lambda: journal.plan(catalog), runs))
    except ImportError:
        pass
    bench_summary(journal, runs)
    journal.lock()
    return path


def bench_import(folder: Path, runs: int) -> None:
    """Importing a 10,000-entry jrnl export into an empty journal (moved here from the tests:
    speed is measured, never asserted)."""
    from kapjournal import importers

    entries = [
        {
            "title": f"Entry {i}.",
            "body": "word " * 150,
            "date": f"{2020 + i % 5}-0{1 + i % 9}-1{i % 9}",
            "time": "09:00",
            "tags": ["@x"],
            "starred": False,
        }
        for i in range(10_000)
    ]
    data = json.dumps({"tags": {}, "entries": entries}).encode()
    fast = KdfCost(memory_kib=64, passes=1, lanes=1)  # the KDF is measured elsewhere

    def run() -> None:
        journal, _ = Journal.create(
            folder / f"i{time.perf_counter_ns()}.kapj", PASSPHRASE, kdf=fast
        )
        importers.import_entries(journal, importers.parse_jrnl(data, UTC))
        journal.lock()

    report("import 10,000 jrnl entries (parse + store)", median_of(run, max(1, runs // 2)), "< 3 s")


def bench_summary(journal: Journal, runs: int) -> None:
    try:
        from kapjournal.summary import build_summary, render_fhir, render_html, render_markdown
    except ImportError:
        print("(summary not available yet)")
        return
    data = dict(
        sessions=journal.sessions(),
        reflections=journal.reflections(),
        checkins=journal.checkins(),
        assessments=journal.assessments(),
    )
    for label, since in (("90 days", (TODAY - timedelta(days=90)).date()), ("everything", None)):
        for fmt, render in (("md", render_markdown), ("html", render_html), ("json", render_fhir)):

            def run(since: Any = since, render: Any = render) -> None:
                start = since or (TODAY - timedelta(days=4 * 365)).date()
                render(
                    build_summary(
                        **data, since=start, until=TODAY.date(), include="all", today=TODAY.date()
                    )
                )

            target = "< 100 ms" if label == "90 days" else ("< 1.5 s" if fmt == "html" else "")
            report(f"summary of {label}, {fmt}", median_of(run, runs), target)


def bench_processes(folder: Path, runs: int) -> None:
    env = {**os.environ, "KAPJOURNAL_PASSPHRASE": PASSPHRASE}
    exe = [sys.executable, "-m", "kapjournal"]
    for n in (1_000, 10_000):
        path = folder / f"bench-{n}.kapj"
        if not path.exists():
            build(folder, n)

        def write(path: Path = path) -> None:
            subprocess.run(
                [*exe, "--journal", str(path), "write"],
                input=b"a short note",
                env=env,
                check=True,
                capture_output=True,
            )

        def search(path: Path = path) -> None:
            subprocess.run(
                [*exe, "--journal", str(path), "search", "grief"],
                env=env,
                check=True,
                capture_output=True,
            )

        report(
            f"process: kapjournal write at {n:,} reflections",
            median_of(write, runs),
            "same at 1k and 10k",
        )
        report(f"process: kapjournal search at {n:,} reflections", median_of(search, runs))


TUI_PROBE = r"""
import sys, time
t0 = float(sys.argv[1])
from pathlib import Path
mode = sys.argv[2]
if mode == "empty":
    from textual.app import App
    from textual.widgets import Static
    class Empty(App):
        def compose(self): yield Static("hello")
        def on_mount(self): self.call_after_refresh(self.exit)
    Empty().run(headless=True)
else:
    from kapjournal.tui.app import KapJournalApp
    class Probe(KapJournalApp):
        def on_mount(self):
            super().on_mount()
            self.set_interval(0.002, self.done)
        def done(self):
            if type(self.screen).__name__ in ("UnlockScreen", "CreateScreen"):
                self.call_after_refresh(self.exit)
    Probe(Path(sys.argv[3])).run(headless=True)
print(time.time() - t0)
"""


def bench_tui(path: Path, runs: int) -> None:
    try:
        import kapjournal.tui.app  # noqa: F401
    except ImportError:
        return
    for mode in ("empty", "kapjournal"):

        def start(mode: str = mode) -> None:
            subprocess.run(
                [sys.executable, "-c", TUI_PROBE, str(time.time()), mode, str(path)],
                check=True,
                capture_output=True,
                timeout=60,
            )

        report(
            f"process start to first screen painted: {'empty Textual app' if mode == 'empty' else 'kapjournal unlock'}",
            median_of(start, runs),
            "" if mode == "empty" else "< 1.5x empty",
        )
    import asyncio

    asyncio.run(_bench_tui_inside(path, runs))


async def _bench_tui_inside(path: Path, runs: int) -> None:
    from kapjournal.tui.app import KapJournalApp, screen_class

    times_home, times_timeline, keys = [], [], []
    for _ in range(runs):
        app = KapJournalApp(path, clock=lambda: TODAY)
        async with app.run_test(size=(120, 40)) as pilot:
            t = time.perf_counter()
            app.unlock(PASSPHRASE)
            await app.workers.wait_for_complete()
            while type(app.screen).__name__ != "HomeScreen":
                await pilot.pause()
            await pilot.pause()
            times_home.append(time.perf_counter() - t)
            t = time.perf_counter()
            app.open("timeline")
            await pilot.pause()
            await pilot.pause()
            times_timeline.append(time.perf_counter() - t)
            try:
                screen = screen_class("write")()
            except (ImportError, KeyError, AttributeError):
                continue
            await app.push_screen(screen)
            await pilot.pause()
            area = app.screen.query_one("#reflection-body")
            paragraph = " ".join(["word"] * 100)
            area.text = "\n\n".join([paragraph] * 50)  # type: ignore[attr-defined]
            area.focus()
            await pilot.pause()
            for _ in range(30):
                # CPU time, not wall time: the pilot itself waits on timers between keys.
                t = time.process_time()
                await pilot.press("a")
                keys.append(time.process_time() - t)
            app.screen.before_lock = lambda: None  # type: ignore[method-assign]
    kdf = median_of(lambda: vault.derive_passphrase_key(PASSPHRASE, vault.KdfParams()), runs)
    report(
        "TUI: unlock to home painted, beyond the KDF (12,100 items)",
        statistics.median(times_home) - kdf,
        "< 300 ms",
    )
    report("TUI: timeline open (12,100 items)", statistics.median(times_timeline), "< 200 ms")
    if keys:
        report(
            "TUI: keystroke in a 5,000-word reflection (CPU per key)",
            statistics.median(keys),
            "< 16 ms",
        )


def peak_memory(path: Path) -> None:
    code = (
        "import resource, sys; from pathlib import Path; from kapjournal.journal import Journal;"
        f"j = Journal.unlock(Path({str(path)!r}), {PASSPHRASE!r}); j.load(); j.search('x');"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )  # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    mb = int(out.stdout.strip()) / 1024
    ROWS.append(
        (
            "peak memory: unlock (64 MiB KDF) + load + search, 12,100 items",
            f"{mb:,.0f} MB",
            "< 150 MB",
        )
    )
    print(f"{'peak memory: unlock + load + search, 12,100 items':<58} {mb:>10,.0f} MB   < 150 MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--skip-processes", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kapjournal-bench-") as tmp:
        folder = Path(tmp)
        path = bench_core(folder, args.runs)
        bench_import(folder, args.runs)
        if not args.skip_processes:
            bench_processes(folder, args.runs)
        bench_tui(path, max(3, args.runs // 2))
        peak_memory(path)
    print()
    print("| operation | median | target |\n|---|---:|---|")
    for name, value, target in ROWS:
        print(f"| {name} | {value} | {target} |")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rows": ROWS,
                    "machine": os.uname().machine,
                    "cpus": os.cpu_count(),
                    "python": sys.version.split()[0],
                },
                indent=1,
            )
        )
    print(
        f"(maxrss of the benchmark process itself: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)"
    )


if __name__ == "__main__":
    main()
