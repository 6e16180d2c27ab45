"""The layer rules of DESIGN.md, checked by import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_import_contracts_hold() -> None:
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" not in done.stdout.lower() or "0 broken" in done.stdout.lower()


def test_nothing_happens_at_import_time(tmp_path: Path) -> None:
    code = (
        "import os, kapjournal.cli, kapjournal.journal, kapjournal.exercises, kapjournal.measures, "
        "kapjournal.trends, kapjournal.safety, kapjournal.plan, kapjournal.tui.app; "
        "assert not os.path.exists(os.environ['KAPJOURNAL_HOME'])"
    )
    env = {"KAPJOURNAL_HOME": str(tmp_path / "never"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_schema_models_and_the_checked_shape_agree(tmp_path: Path) -> None:
    """SQLModel defines the schema; the hot path checks files against store.SHAPE: same thing."""
    from kapjournal.store import SHAPE, schema

    for table in schema.TABLES:
        expected = SHAPE[2][table.name]
        found = tuple(
            (
                c.name,
                c.type.compile(dialect=_sqlite()).upper(),
                int(not c.nullable),
                int(c.primary_key),
            )
            for c in table.columns
        )
        assert found == expected, table.name
    assert {t.name for t in schema.TABLES} == set(SHAPE[2])


def _sqlite() -> object:
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect()


def test_reading_and_writing_a_journal_never_imports_sqlalchemy(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; "
        "from kapjournal.journal import Journal, KdfCost; "
        "from kapjournal.records import Reflection; "
        "p = Path(sys.argv[1]); "
        "assert 'sqlalchemy' not in sys.modules and 'sqlmodel' not in sys.modules; "
        "j = Journal.unlock(p, 'correct horse battery staple'); j.add(Reflection, body='x'); "
        "j.load(); j.check(); j.lock(); "
        "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy imported'"
    )
    from kapjournal.journal import Journal
    from tests.conftest import FAST_KDF, PASSPHRASE

    path = tmp_path / "j.kapj"
    Journal.create(path, PASSPHRASE, kdf=FAST_KDF)[0].lock()
    env = {"KAPJOURNAL_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_no_import_cycles_in_the_package() -> None:
    """No module imports one that imports it back, type-checking imports included."""
    import grimp  # import-linter's graph library

    graph = grimp.build_graph("kapjournal")
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert cycles == []
