"""TESTING.md tells the truth: its examples run against the installed wheel, outside this repository,
and every id, key and screen name it gives is the code's.

The examples run in a fresh virtual environment where the wheel built from this checkout is the
only kapjournal; its dependencies are borrowed from the running environment (links to everything in
its site-packages except kapjournal's own files), so no network is needed. Neither the repository
nor ``tests/`` is on that interpreter's ``sys.path``: the examples only have what a tester would.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOC = (ROOT / "TESTING.md").read_text(encoding="utf-8")
TUI = ROOT / "kapjournal" / "tui"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def defines_a_test(source: str) -> bool:
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
        for node in ast.parse(source).body
    )


def test_every_python_block_is_valid_python_and_some_are_tests() -> None:
    blocks = python_blocks(DOC)
    for block in blocks:
        compile(block, "TESTING.md", "exec")
    assert sum(defines_a_test(b) for b in blocks) >= 5


# --- the examples, against the wheel -------------------------------------------------------------


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=1200
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-6000:]}\n{done.stderr[-6000:]}"
    return done.stdout


def borrowed_dependencies(into: Path) -> Path:
    """A folder of links to the running environment's packages, minus kapjournal itself."""
    into.mkdir()
    folders = [*site.getsitepackages(), sysconfig.get_paths()["purelib"]]
    for folder in dict.fromkeys(Path(f) for f in folders if Path(f).is_dir()):
        for entry in folder.iterdir():
            name = entry.name.lower()
            if "kapjournal" in name or name.endswith(".pth") or (into / entry.name).exists():
                continue
            (into / entry.name).symlink_to(entry)
    return into


@pytest.fixture(scope="module")
def wheel_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Python with the built wheel installed, and nothing of this repository on its path."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
        "-w", dist, ROOT, cwd=base)  # fmt: skip
    (wheel,) = dist.glob("kapjournal-*.whl")
    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--no-index", wheel, cwd=base)  # fmt: skip
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                  cwd=base).strip()  # fmt: skip
    deps = borrowed_dependencies(base / "deps")
    (Path(purelib) / "borrowed_dependencies.pth").write_text(f"{deps}\n")
    return python


def clean_env(home: Path) -> dict[str, str]:
    home.mkdir(exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def test_the_wheel_python_sees_no_repository(wheel_python: Path, tmp_path: Path) -> None:
    code = (
        "import importlib.util, json, sys, kapjournal, kapjournal.testing\n"
        "spec = importlib.util.find_spec('tests')\n"
        "print(json.dumps([kapjournal.__file__, sys.path, spec and spec.origin]))"
    )
    import json

    out = run(wheel_python, "-c", code, cwd=tmp_path, env=clean_env(tmp_path / "home"))
    where, path, tests_origin = json.loads(out)
    assert Path(where).is_relative_to(wheel_python.parent.parent)
    assert not any(Path(p).resolve() == ROOT.resolve() for p in path if p)  # "" is cwd: tmp_path
    assert tests_origin is None or not Path(tests_origin).is_relative_to(ROOT)


def test_testing_md_examples_run_in_an_empty_folder(wheel_python: Path, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    examples = [b for b in python_blocks(DOC) if defines_a_test(b)]
    for number, block in enumerate(examples, 1):
        (folder / f"test_testing_md_{number}.py").write_text(block, encoding="utf-8")
    tests = sum(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test")
        for block in examples
        for n in ast.parse(block).body
    )
    out = run(wheel_python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
              "-W", "error::pytest.PytestUnraisableExceptionWarning",
              cwd=folder, env=clean_env(tmp_path / "home"))  # fmt: skip
    assert f"{tests} passed" in out, out


# --- ids, keys and screen names -------------------------------------------------------------------


def code_ids() -> set[str]:
    """Every literal widget id in the TUI's code (an ``Option``'s id is not a widget's)."""
    found: set[str] = set()
    for path in TUI.rglob("*.py"):
        for line in path.read_text().splitlines():
            if "Option(" not in line:
                found |= set(re.findall(r"""\bid=["']([A-Za-z][\w-]*)["']""", line))
    return found


def dynamic_ids() -> set[str]:
    """Ids built from data: the safety plan's fields, the side effects, a session's fields."""
    from kapjournal import measures, safety
    from kapjournal.records import SIDE_EFFECTS

    sessions = importlib.import_module("kapjournal.tui.screens.sessions")
    ids = {f"plan-{section.field}" for section in safety.PLAN_SECTIONS}
    ids |= {f"after-{question.field}" for question in measures.AFTER_EFFECT_QUESTIONS}
    ids |= {sessions.side_effect_id(name) for name in SIDE_EFFECTS}
    source = (TUI / "screens" / "sessions.py").read_text()
    ids |= {f"session-{key}" for key in re.findall(r'\("(\w+)", "[A-Z]\w*", "', source)}
    return ids


def doc_ids() -> set[str]:
    return set(re.findall(r"`#([A-Za-z][\w-]*)`", DOC))


def test_every_documented_id_is_in_the_code() -> None:
    known = code_ids() | dynamic_ids()
    documented = {i for i in doc_ids() if not re.fullmatch(r"reflection-answer-\d+", i)}
    assert documented - known == set()


def test_every_id_in_the_code_is_documented() -> None:
    assert code_ids() - doc_ids() == set()
    assert dynamic_ids() - doc_ids() == set()


def sections() -> dict[str, str]:
    """The part of "Screens, ids and keys" about each class (a heading or a bold bullet)."""
    part = DOC.split("## Screens, ids and keys", 1)[1]
    chunks = re.split(r"^(?=### |- \*\*`)", part, flags=re.M)
    owned: dict[str, str] = {}
    for chunk in chunks:
        first = chunk.split("\n", 1)[0]
        for name in re.findall(r"`(\w+)`", first):
            if chunk.startswith("- "):  # a bullet is more specific than its heading
                owned[name] = chunk
            else:
                owned.setdefault(name, chunk)
    return owned


def screen_classes() -> list[type]:
    from kapjournal.tui.app import SCREENS, screen_class
    from kapjournal.tui.screens.help import GroundingScreen
    from kapjournal.tui.screens.settings import UnsavedSettings
    from kapjournal.tui.screens.timeline import RecordModal
    from kapjournal.tui.screens.unlock import CreateScreen, UnlockScreen
    from kapjournal.tui.widgets.editor import Confirm
    from kapjournal.tui.widgets.keys import KeysScreen

    classes = [screen_class(name) for name in SCREENS]
    others = [CreateScreen, UnlockScreen, GroundingScreen, RecordModal, Confirm, KeysScreen]
    return [*classes, *others, UnsavedSettings]


def test_every_screen_key_is_documented_in_its_section() -> None:
    from textual.binding import Binding

    from kapjournal.tui.app import KapJournalApp

    everywhere = {key for b in KapJournalApp.BINDINGS for key in b.key.split(",")}  # type: ignore[union-attr]
    owned = sections()
    missing: dict[str, list[str]] = {}
    for cls in screen_classes():
        section = owned.get(cls.__name__)
        assert section is not None, f"no section for {cls.__name__}"
        shown = set(re.findall(r"`([^`]+)`", section))
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding)
            for key in binding.key.split(","):
                if key not in everywhere and key not in shown and binding.key_display not in shown:
                    missing.setdefault(cls.__name__, []).append(key)
    assert missing == {}


def test_the_app_keys_are_documented() -> None:
    from kapjournal.tui.app import KapJournalApp

    table = DOC.split("## Keys everywhere", 1)[1].split("\n## ", 1)[0]
    for binding in KapJournalApp.BINDINGS:
        for key in binding.key.split(","):  # type: ignore[union-attr]
            assert f"`{key}`" in table


def test_the_screens_table_is_screens() -> None:
    from kapjournal.tui.app import SCREENS

    table = DOC.split("## Screens by name", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \((\w+)\)", table, flags=re.M)
    assert {name: f"{module}:{cls}" for name, cls, module in rows} == SCREENS
