"""Where the time of one ``kapjournal search`` goes, phase by phase, against each phase's floor.

    python benchmarks/phases.py [--size 10000] [--runs 5] [--json FILE]

Builds the side-by-side benchmark's journal (``versus_jrnl.entries``, same seed) and runs the real
command ``kapjournal search grief`` in fresh processes, with timers around the functions each phase
calls (installed before the command starts, so each phase is timed where it happens):

    start       process start to the first line of Python (the interpreter itself)
    imports     what the command imports (the CLI, its command module, the journal)
    KDF         ``vault.derive_passphrase_key`` (Argon2id)
    open        the rest of unlocking: opening SQLite, reading the key slots
    SQLite      reading every item row (``Store.items``, timed per batch)
    decrypt     AES-GCM of every item (``Sealer.open_item``, timed per call)
    parse       the rest of ``Journal.load``: JSON, record building, the loop itself
    work        everything else up to the end of the command: search, formatting, printing
    teardown    the end of the command to the end of the process (as shipped: ``os._exit``);
                ``teardown (interpreter)`` is the same run ending the usual way

Per-call timers cost about 0.2 µs a call; a phase whose function has gone (a rewrite) is folded
into the next. Floors, measured here the same way: an interpreter that does nothing; importing
only what the work needs (click, sqlite3, orjson, cryptography's Argon2id and AES-GCM); the bare
``sqlite3`` read of the same rows; AES-GCM alone; ``orjson.loads`` alone; a substring test over
every text. CPU time is the figure to read on a busy machine (wall time is printed too); floors are
CPU times. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import versus_jrnl  # noqa: E402

WORD = versus_jrnl.SEARCH_WORD
PHASES = ("start", "imports", "KDF", "open", "SQLite", "decrypt", "parse", "work", "teardown")

# The child: timers around each phase's function, then the real command. Stamps go to a file.
CHILD = r"""
import time
T0, C0 = time.time(), time.process_time()
import json, os, sys
out_path, journal_path, word, ending = sys.argv[1:5]
clock = lambda: (time.perf_counter(), time.process_time())
w, c = clock()
import gc, kapjournal.cli
gc.disable()  # as main() does before it imports the command and the journal
import kapjournal.cli.entries, kapjournal.journal
from kapjournal import journal as jmod, vault
w2, c2 = clock()
T = {"imports": [w2 - w, c2 - c]}
acc = {k: [0.0, 0.0] for k in ("KDF", "unlock", "load", "SQLite", "decrypt")}

def timed(name, fn):
    def wrapper(*a, **k):
        w, c = clock()
        try:
            return fn(*a, **k)
        finally:
            w2, c2 = clock()
            acc[name][0] += w2 - w
            acc[name][1] += c2 - c
    return wrapper

vault.derive_passphrase_key = timed("KDF", vault.derive_passphrase_key)
jmod.Journal.unlock = classmethod(timed("unlock", jmod.Journal.unlock.__func__))
jmod.Journal.load = timed("load", jmod.Journal.load)
from kapjournal import store

def timed_batches(fn):  # a generator: time each batch it reads, not its creation
    def wrapper(*a, **k):
        batches = fn(*a, **k)
        while True:
            w, c = clock()
            batch = next(batches, None)
            w2, c2 = clock()
            acc["SQLite"][0] += w2 - w
            acc["SQLite"][1] += c2 - c
            if batch is None:
                return
            yield batch
    return wrapper

store.Store.items = timed_batches(store.Store.items)
vault.Sealer.open_item = timed("decrypt", vault.Sealer.open_item)

def stamp():
    w, c = clock()
    T["end"] = time.time()
    T["main"] = [w - w_main, c - c_main]
    T["cpu_end"] = c
    T.update(acc)
    T["T0"], T["C0"] = T0, C0
    with open(out_path, "w") as f:
        json.dump(T, f)

real_exit = os._exit
def ending_exit(code):
    stamp()
    if ending == "quick":
        real_exit(code)
    raise SystemExit(code)  # the usual way: the interpreter's teardown runs
os._exit = ending_exit
sys.argv = ["kapjournal", "--journal", journal_path, "search", word]
w_main, c_main = clock()
try:
    kapjournal.cli.main()
except SystemExit:
    if "end" not in T:
        stamp()
    raise
"""


def child_run(path: Path, ending: str, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """One run: each phase as (wall, CPU) seconds."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        stamps = Path(f.name)
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.time()
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(stamps), str(path), WORD, ending],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        end = time.time()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(done.stderr.decode(errors="replace")[-800:])
        t = json.loads(stamps.read_text())
    finally:
        stamps.unlink(missing_ok=True)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    def minus(a: list[float], *bs: list[float]) -> tuple[float, float]:
        return (a[0] - sum(b[0] for b in bs), a[1] - sum(b[1] for b in bs))

    return {
        "start": (t["T0"] - start, t["C0"]),
        "imports": tuple(t["imports"]),  # type: ignore[dict-item]
        "KDF": tuple(t["KDF"]),  # type: ignore[dict-item]
        "open": minus(t["unlock"], t["KDF"]),
        "SQLite": tuple(t["SQLite"]),  # type: ignore[dict-item]
        "decrypt": tuple(t["decrypt"]),  # type: ignore[dict-item]
        "parse": minus(t["load"], t["SQLite"], t["decrypt"]),  # the rest of loading
        "work": minus(t["main"], t["unlock"], t["load"]),
        "teardown": (end - t["end"], cpu - t["cpu_end"]),
        "total": (end - start, cpu),
    }


def floors(path: Path, runs: int) -> dict[str, float]:
    """What each phase cannot go below, measured on the same rows."""
    found: dict[str, float] = {}

    def proc(code: str) -> float:
        times = []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-c", code], check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return statistics.median(times)

    bare = proc("pass")
    found["start"] = bare
    found["imports"] = (
        proc(
            "import click, sqlite3, orjson\n"
            "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
            "from cryptography.hazmat.primitives.kdf.argon2 import Argon2id"
        )
        - bare
    )
    try:
        import sqlite3

        import orjson

        from kapjournal import vault
        from kapjournal.journal import Journal

        journal = Journal.unlock(path, versus_jrnl.PASSPHRASE)
        sealer = journal._sealer
        assert sealer is not None
        aead = sealer._k(sealer.kid).items  # type: ignore[union-attr]

        def read() -> list[Any]:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                return conn.execute(
                    "SELECT id, dev, ctr, tomb, kid, hash, payload FROM item WHERE tomb = 0"
                ).fetchall()
            finally:
                conn.close()

        found["SQLite"] = _median(read, runs)
        rows = read()
        parts = [(p[1:13], p[13:], sealer.item_aad(i, d, c, t, k)) for i, d, c, t, k, _h, p in rows]
        found["decrypt"] = _median(lambda: [aead.decrypt(n, c, a) for n, c, a in parts], runs)
        plain = [aead.decrypt(n, c, a) for n, c, a in parts]
        found["parse"] = _median(lambda: [orjson.loads(p) for p in plain], runs)
        texts = [p.decode().casefold() for p in plain]
        found["work"] = _median(lambda: [t for t in texts if WORD in t], runs)
        from kapjournal.journal import _one_slot

        params = vault.slot_kdf(_one_slot(journal._store, "passphrase"))
        found["KDF"] = _median(lambda: vault.derive_passphrase_key("x", params), runs)
        journal.lock()
    except Exception as exc:  # internals moved (a rewrite): floors we cannot take are left out
        print(f"(some floors not measured: {type(exc).__name__}: {exc})")
    found["teardown"] = 0.0
    return found


def _median(fn: Any, runs: int) -> float:
    """Median CPU time of ``fn`` (every thread of this process)."""
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kapjournal-phases-") as tmp:
        path = Path(tmp) / "journal.kapj"
        versus_jrnl.build_kapjournal(path, versus_jrnl.entries(args.size))
        env = {
            **versus_jrnl._base_env(),
            "KAPJOURNAL_PASSPHRASE": versus_jrnl.PASSPHRASE,
            "KAPJOURNAL_HOME": str(Path(tmp) / "home"),
        }
        quick, usual = [], []
        for _ in range(args.runs):  # interleaved, so both endings see the same load
            quick.append(child_run(path, "quick", env))
            usual.append(child_run(path, "usual", env))
        floor = floors(path, args.runs)

    def med(runs: list[dict[str, tuple[float, float]]], k: str, i: int) -> float:
        return statistics.median(r[k][i] for r in runs)

    names = (*PHASES, "total")
    wall = {k: med(quick, k, 0) for k in names}
    cpu = {k: med(quick, k, 1) for k in names}
    usual_wall = {k: med(usual, k, 0) for k in ("teardown", "total")}
    usual_cpu = {k: med(usual, k, 1) for k in ("teardown", "total")}
    print(f"kapjournal search {WORD!r} at {args.size:,} entries, medians of {args.runs} runs")
    print(f"{'phase':<26}{'CPU ms':>9}{'wall ms':>9}{'floor ms':>10}{'CPU/floor':>11}")
    for name in names:
        f = floor.get(name)
        ratio = f"{cpu[name] / f:.1f}" if f else ""
        fl = f"{f * 1000:.0f}" if f is not None else ""
        print(f"{name:<26}{cpu[name] * 1000:>9.0f}{wall[name] * 1000:>9.0f}{fl:>10}{ratio:>11}")
    print(
        f"{'teardown, interpreter end':<26}{usual_cpu['teardown'] * 1000:>9.0f}"
        f"{usual_wall['teardown'] * 1000:>9.0f}"
    )
    print(
        f"{'total, interpreter end':<26}{usual_cpu['total'] * 1000:>9.0f}"
        f"{usual_wall['total'] * 1000:>9.0f}"
    )
    fixed = sum(cpu[k] for k in ("start", "imports", "open", "teardown"))
    print(
        f"CPU beyond the KDF: {(cpu['total'] - cpu['KDF']) * 1000:.0f} ms "
        f"({(cpu['total'] - cpu['KDF']) / cpu['KDF']:.2f}x the KDF); fixed part (start, imports, "
        f"open, teardown): {fixed * 1000:.0f} ms ({fixed / cpu['KDF']:.2f}x)"
    )
    phases = {"wall": wall, "cpu": cpu}
    result = {
        "size": args.size,
        "runs": args.runs,
        "phases": phases,
        "floors": floor,
        "interpreter_end": {"wall": usual_wall, "cpu": usual_cpu},
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
