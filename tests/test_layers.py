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
