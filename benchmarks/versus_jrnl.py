"""kapjournal side by side with jrnl 4.6: the same entries, the same commands, interleaved.

    python benchmarks/versus_jrnl.py [--sizes 1000,10000,50000] [--runs 7] [--json FILE]
                                     [--commands 'list all,search a word'] [--no-jrnl]

What it does, so the numbers can be read:

* jrnl 4.6 is installed from PyPI into a throwaway virtual environment outside the repository
  (``$XDG_CACHE_HOME/kapjournal-bench/jrnl-4.6``, made once and reused; ``--jrnl PATH`` uses another
  jrnl executable instead). Without it (no network, no PyPI), only kapjournal's side runs.
* At each size N it builds, from one fixed seed, N reflections of ~150 words over three years, and
  writes the same entries into both: a kapjournal journal (Argon2id KDF at its real settings) and a
  jrnl journal with encryption on (jrnl's own encrypted format: PBKDF2-SHA256 100,000 rounds and
  Fernet, written by jrnl's own encryption class). Same words, same minute; each jrnl entry's
  title is its first line (one sentence), kapjournal's reflection holds the same text as its body.
* Each command pair below is run as whole processes (start-up, unlock, work and exit all
  counted), alternately: kapjournal, jrnl, kapjournal, jrnl... after one untimed warm-up each.
  Commands that change the journal (add, and kapjournal's exports, which log what was shared)
  start every run from a fresh copy of the built journal, copied outside the timing.
* It prints, per command and size, the ratio of the median wall times (kapjournal ÷ jrnl) with
  the ratio of median CPU times (user + system, of the child process) in brackets, then the
  medians themselves. Below 1 means kapjournal is faster. Ratios from one run hold on a busy
  machine; absolute times only on a quiet one.

The command pairs (``K`` = ``kapjournal --journal FILE``, passphrase from $KAPJOURNAL_PASSPHRASE;
``J`` = ``jrnl --config-file FILE``, password from the keyring, here a backend reading an
environment variable; both print to a pipe that is read and thrown away):

=================  ==============================================  =================================
command            kapjournal                                      jrnl
=================  ==============================================  =================================
add one entry      ``echo TEXT | K write``                         ``J TEXT``
list last 20       ``K list -n 20``                                ``J -n 20 --format short``
list all           ``K list``                                      ``J --format short``
search a word      ``K search grief``                              ``J -contains grief --format
                                                                   short``
export markdown    ``K export --plain --include all --since all    ``J --format markdown --file
                   --format md -o OUT.md``                         OUT.md``
export JSON        ``K export --everything --plain -o OUT.json``   ``J --format json --file
                                                                   OUT.json``
=================  ==============================================  =================================

kapjournal's Markdown export is its therapist summary (every reflection, check-ins, sessions and
scores, plus trends); jrnl's is its entries as Markdown. Not a test: speed is never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PASSPHRASE = "benchmark passphrase"
JRNL_VERSION = "4.6"
SEED = 16
TODAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
NOTE = "A short note about today."
SEARCH_WORD = "grief"
_WORDS = (
    "morning light river grief father body breath warm corridor colour gold blue held rest kind "
    "tired part notice small step walk friend sister dog music tears laugh quiet heavy open soft "
    "chest shoulders sleep dream voice memory kitchen oranges garden rain wind sea trust afraid "
    "safe angry gentle slow steady change hope worry enough allowed listen"
)
WORDS = _WORDS.split()

# The jrnl helper runs under the throwaway environment's Python: it writes jrnl's config and the
# encrypted journal with jrnl's own code, so the file is exactly what jrnl would have written.
JRNL_WRITER = r"""
import os, sys
from pathlib import Path
from jrnl.config import get_default_config
from jrnl.install import save_config
from jrnl.encryption import determine_encryption_method_for_writing
config_path, journal_path, plain_path = sys.argv[1:4]
config = get_default_config()
config.update(encrypt=True, editor="", highlight=False, timeformat="%Y-%m-%d %H:%M",
              journals={"default": {"journal": journal_path, "encrypt": True}})
save_config(config, Path(config_path))
method = determine_encryption_method_for_writing(True)("default", config)
method.password = os.environ["KAPBENCH_JRNL_PASSWORD"]
Path(journal_path).write_bytes(method.encrypt(Path(plain_path).read_text(encoding="utf-8")))
"""

# A keyring backend for jrnl that hands over the password, as a desktop keyring would.
KEYRING_BACKEND = """
import os
from keyring.backend import KeyringBackend

class EnvKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        return os.environ.get("KAPBENCH_JRNL_PASSWORD")

    def set_password(self, service, username, password):
        pass

    def delete_password(self, service, username):
        pass
"""


@dataclass(frozen=True)
class Entry:
    at: datetime
    text: str  # the first sentence (jrnl's title), a new line, then the rest


def entries(n: int, seed: int = SEED) -> list[Entry]:
    """N entries of ~150 words over three years before TODAY, in time order, to the minute."""
    rng = random.Random(seed)
    span = 3 * 365 * 24 * 60
    minutes = sorted(rng.sample(range(span), n))
    start = TODAY - timedelta(minutes=span)
    out = []
    for m in minutes:
        first = " ".join(rng.choices(WORDS, k=8)).capitalize() + "."
        rest = " ".join(rng.choices(WORDS, k=142)).capitalize() + "."
        out.append(Entry(start + timedelta(minutes=m), f"{first}\n{rest}"))
    return out


# --- building the two journals ----------------------------------------------------------------


def build_kapjournal(path: Path, items: Sequence[Entry], kdf: Any = None) -> None:
    """The entries as reflections, with the real KDF settings unless ``kdf`` (tests) says."""
    from kapjournal.journal import Journal
    from kapjournal.records import Reflection

    more = {"kdf": kdf} if kdf is not None else {}
    journal, _ = Journal.create(path, PASSPHRASE, clock=lambda: TODAY, **more)
    journal.save_many(journal.new(Reflection, created=e.at, body=e.text) for e in items)
    journal.lock()


def jrnl_text(items: Sequence[Entry]) -> str:
    """The journal in jrnl's plain format (what jrnl encrypts): ``[date] title⏎body⏎``."""
    return "\n".join(f"[{e.at:%Y-%m-%d %H:%M}] {e.text}\n" for e in items)


@dataclass
class Jrnl:
    """A jrnl executable, its environment, and the Python that runs it."""

    exe: Path
    python: Path
    env: dict[str, str]

    def build(self, folder: Path, items: Sequence[Entry]) -> tuple[Path, Path]:
        config, journal, plain = folder / "jrnl.yaml", folder / "journal.jrnl", folder / "plain"
        plain.write_text(jrnl_text(items), encoding="utf-8")
        try:
            subprocess.run(
                [str(self.python), "-c", JRNL_WRITER, str(config), str(journal), str(plain)],
                env=self.env,
                check=True,
                capture_output=True,
            )
        finally:
            plain.unlink()
        return config, journal


def jrnl_home() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "kapjournal-bench"


def find_jrnl(explicit: Path | None, install: bool) -> Jrnl | None:
    """jrnl 4.6 in its throwaway environment, made on first use; None when it cannot be had."""
    home = jrnl_home()
    if explicit is not None:
        exe = explicit
    else:
        venv = home / f"jrnl-{JRNL_VERSION}"
        exe = venv / "bin" / "jrnl"
        if not exe.exists():
            if not install:
                return None
            print(f"installing jrnl {JRNL_VERSION} into {venv} ...", flush=True)
            try:
                subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
                subprocess.run(
                    [str(venv / "bin" / "pip"), "install", "-q", f"jrnl=={JRNL_VERSION}"],
                    check=True,
                )
            except (OSError, subprocess.CalledProcessError) as exc:
                print(f"(jrnl could not be installed: {exc}; kapjournal's side only)")
                shutil.rmtree(venv, ignore_errors=True)
                return None
    if not exe.exists():
        return None
    python = exe.parent / "python"
    home.mkdir(parents=True, exist_ok=True)
    (home / "kapbench_keyring.py").write_text(KEYRING_BACKEND)
    env = {
        **_base_env(),
        "PYTHONPATH": str(home),
        "PYTHON_KEYRING_BACKEND": "kapbench_keyring.EnvKeyring",
        "KAPBENCH_JRNL_PASSWORD": PASSPHRASE,
    }
    return Jrnl(exe, python, env)


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "XDG_CACHE_HOME")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(TZ="UTC", NO_COLOR="1", PYTHONDONTWRITEBYTECODE="")
    return env


def kapjournal_command() -> list[str]:
    script = Path(sys.executable).parent / "kapjournal"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kapjournal"]


# --- the commands ------------------------------------------------------------------------------


@dataclass
class Pair:
    name: str
    kapjournal: list[str]
    jrnl: list[str]
    stdin: bytes = b""
    changes: bool = False  # restore the journals before every run
    output: str = ""  # a file the command writes, removed before every run


def pairs(out: Path) -> list[Pair]:
    md, js = str(out / "out.md"), str(out / "out.json")
    return [
        Pair("add one entry", ["write"], NOTE.split(), NOTE.encode(), changes=True),
        Pair("list last 20", ["list", "-n", "20"], ["-n", "20", "--format", "short"]),
        Pair("list all", ["list"], ["--format", "short"]),
        Pair(
            "search a word",
            ["search", SEARCH_WORD],
            ["-contains", SEARCH_WORD, "--format", "short"],
        ),
        Pair(
            "export markdown",
            ["export", "--plain", "--include", "all", "--since", "all", "--format", "md", "-o", md],
            ["--format", "markdown", "--file", md],
            changes=True,
            output=md,
        ),
        Pair(
            "export JSON",
            ["export", "--everything", "--plain", "-o", js],
            ["--format", "json", "--file", js],
            changes=True,
            output=js,
        ),
    ]


@dataclass
class Side:
    """One program at one size: how to run it, and where its pristine journal is."""

    argv: list[str]
    env: dict[str, str]
    journal: Path
    pristine: Path
    wall: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def restore(self) -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{self.journal}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.pristine, self.journal)
        # kapjournal remembers the newest copy of a journal it has seen (so an older copy put in
        # its place is noticed): forget it, as a restore on a fresh machine would.
        if "KAPJOURNAL_HOME" in self.env:
            shutil.rmtree(Path(self.env["KAPJOURNAL_HOME"]) / "state", ignore_errors=True)

    def run(self, name: str, args: list[str], pair: Pair, *, timed: bool) -> None:
        if pair.changes:
            self.restore()
        if pair.output:
            Path(pair.output).unlink(missing_ok=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        done = subprocess.run(
            [*self.argv, *args],
            input=pair.stdin,
            env=self.env,
            capture_output=True,
            start_new_session=True,  # no terminal: nobody is asked for a passphrase
        )
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(
                f"{self.argv[0]} {' '.join(args)} failed ({done.returncode}): "
                f"{done.stderr.decode(errors='replace')[-500:]}"
            )
        if not timed:
            self.lines[name] = done.stdout.count(b"\n")
            return
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.wall.setdefault(name, []).append(wall)
        self.cpu.setdefault(name, []).append(cpu)


def kapjournal_side(folder: Path, items: Sequence[Entry], kdf: Any = None) -> Side:
    pristine = folder / "pristine.kapj"
    build_kapjournal(pristine, items, kdf)
    journal = folder / "journal.kapj"
    shutil.copyfile(pristine, journal)
    env = {
        **_base_env(),
        "KAPJOURNAL_PASSPHRASE": PASSPHRASE,
        "KAPJOURNAL_HOME": str(folder / "home"),
    }
    return Side([*kapjournal_command(), "--journal", str(journal)], env, journal, pristine)


def jrnl_side(jrnl: Jrnl, folder: Path, items: Sequence[Entry]) -> Side:
    config, journal = jrnl.build(folder, items)
    pristine = folder / "pristine.jrnl"
    shutil.copyfile(journal, pristine)
    return Side([str(jrnl.exe), "--config-file", str(config)], jrnl.env, journal, pristine)


def measure(
    size: int,
    runs: int,
    jrnl: Jrnl | None,
    root: Path,
    kdf: Any = None,
    only: Sequence[str] = (),
) -> dict[str, Any]:
    folder = root / str(size)
    (folder / "k").mkdir(parents=True)
    (folder / "j").mkdir()
    items = entries(size)
    t = time.perf_counter()
    k = kapjournal_side(folder / "k", items, kdf)
    j = jrnl_side(jrnl, folder / "j", items) if jrnl else None
    print(f"built {size:,} entries in both in {time.perf_counter() - t:.1f} s", flush=True)
    chosen = [p for p in pairs(folder) if not only or p.name in only]
    for pair in chosen:
        sides = [(k, pair.kapjournal)] + ([(j, pair.jrnl)] if j else [])
        for side, args in sides:
            side.run(pair.name, args, pair, timed=False)  # warm-up: caches, bytecode
        for _ in range(runs):
            for side, args in sides:
                side.run(pair.name, args, pair, timed=True)
        if pair.changes:  # the next commands see the journals as built
            for side, _args in sides:
                side.restore()
        print(f"  {size:>6,}  {pair.name:<16} {_line(pair.name, k, j)}", flush=True)
    result: dict[str, Any] = {}
    for pair in chosen:
        row: dict[str, Any] = {"kapjournal": _stats(k, pair.name)}
        if j:
            row["jrnl"] = _stats(j, pair.name)
            row["ratio_wall"] = row["kapjournal"]["wall_median"] / row["jrnl"]["wall_median"]
            row["ratio_cpu"] = row["kapjournal"]["cpu_median"] / row["jrnl"]["cpu_median"]
        result[pair.name] = row
    shutil.rmtree(folder, ignore_errors=True)
    return result


def _stats(side: Side, name: str) -> dict[str, Any]:
    return {
        "wall_median": statistics.median(side.wall[name]),
        "cpu_median": statistics.median(side.cpu[name]),
        "wall": side.wall[name],
        "cpu": side.cpu[name],
        "output_lines": side.lines.get(name, 0),
    }


def _line(name: str, k: Side, j: Side | None) -> str:
    kw, kc = statistics.median(k.wall[name]), statistics.median(k.cpu[name])
    text = f"kapjournal {kw * 1000:8,.0f} ms ({kc * 1000:,.0f} CPU)"
    if j is not None:
        jw, jc = statistics.median(j.wall[name]), statistics.median(j.cpu[name])
        text += f"   jrnl {jw * 1000:8,.0f} ms ({jc * 1000:,.0f} CPU)   ratio {kw / jw:.2f}"
    return text


def table(results: dict[int, dict[str, Any]]) -> str:
    sizes = sorted(results)
    names = list(next(iter(results.values())))
    head = "| command | " + " | ".join(_size(s) for s in sizes) + " |"
    lines = [head, "|---|" + "---|" * len(sizes)]
    for name in names:
        cells = []
        for s in sizes:
            row = results[s][name]
            if "ratio_wall" in row:
                cells.append(f"{row['ratio_wall']:.2f} ({row['ratio_cpu']:.2f})")
            else:
                cells.append(f"{row['kapjournal']['wall_median'] * 1000:,.0f} ms")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def medians(results: dict[int, dict[str, Any]]) -> str:
    lines = [
        "| command | size | kapjournal wall | jrnl wall | kapjournal CPU | jrnl CPU |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for size in sorted(results):
        for name, row in results[size].items():
            k, j = row["kapjournal"], row.get("jrnl")

            def ms(x: float | None) -> str:
                return "" if x is None else f"{x * 1000:,.0f} ms"

            lines.append(
                f"| {name} | {_size(size)} | {ms(k['wall_median'])} | "
                f"{ms(j and j['wall_median'])} | {ms(k['cpu_median'])} | "
                f"{ms(j and j['cpu_median'])} |"
            )
    return "\n".join(lines)


def _size(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def main(argv: Sequence[str] | None = None, *, kdf: Any = None) -> dict[int, dict[str, Any]]:
    """Run from the command line; ``kdf`` (a ``KdfCost``) lets the smoke test skip the real KDF."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    parser.add_argument("--jrnl", type=Path, help="A jrnl executable to use instead.")
    parser.add_argument("--no-jrnl", action="store_true", help="kapjournal's side only.")
    parser.add_argument(
        "--commands",
        default="",
        help="Only these, comma-separated (e.g. 'list all,search a word'); default all.",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    only = [c.strip() for c in args.commands.split(",") if c.strip()]
    unknown = set(only) - {p.name for p in pairs(Path())}
    if unknown:
        parser.error(f"no such command pair: {', '.join(sorted(unknown))}")
    jrnl = None if args.no_jrnl else find_jrnl(args.jrnl, install=True)
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="kapjournal-versus-") as tmp:
        for size in sizes:
            results[size] = measure(size, args.runs, jrnl, Path(tmp), kdf, only)
    print()
    print(
        "kapjournal ÷ jrnl, ratio of median wall times (of median CPU times)"
        if jrnl
        else "kapjournal alone (jrnl not available): median wall times"
    )
    print(table(results))
    print()
    print(medians(results))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
                    "python": platform.python_version(),
                    "jrnl": JRNL_VERSION if jrnl else None,
                    "runs": args.runs,
                    "seed": SEED,
                    "results": {str(k): v for k, v in results.items()},
                },
                indent=1,
            )
        )
    return results


if __name__ == "__main__":
    main()
