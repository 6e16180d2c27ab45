"""The side-by-side benchmark's code works (on 20 entries, without jrnl). Nothing here is timed:
speed is measured by ``benchmarks/versus_jrnl.py`` by hand, never asserted in a test."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import FAST_KDF

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def versus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("versus_jrnl", BENCHMARKS / "versus_jrnl.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["versus_jrnl"] = module
    spec.loader.exec_module(module)
    return module


def test_the_same_entries_from_the_same_seed(versus: ModuleType) -> None:
    first, again = versus.entries(20), versus.entries(20)
    assert first == again and len(first) == 20
    assert [e.at for e in first] == sorted(e.at for e in first)
    text = versus.jrnl_text(first[:2])
    title, _, rest = first[0].text.partition("\n")
    assert text.startswith(f"[{first[0].at:%Y-%m-%d %H:%M}] {title}\n{rest}\n\n[")


def test_without_jrnl_it_measures_kapjournal_alone_and_writes_json(
    versus: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no jrnl there
    assert versus.find_jrnl(None, install=False) is None
    out = tmp_path / "result.json"
    results = versus.main(
        ["--sizes", "20", "--runs", "1", "--no-jrnl", "--json", str(out)], kdf=FAST_KDF
    )
    names = [p.name for p in versus.pairs(tmp_path)]
    assert list(results[20]) == names
    saved = json.loads(out.read_text())
    assert saved["jrnl"] is None and list(saved["results"]["20"]) == names
    lines = {name: row["kapjournal"]["output_lines"] for name, row in results[20].items()}
    assert lines["list last 20"] == 20 and lines["list all"] == 20
    printed = capsys.readouterr().out
    assert "kapjournal alone" in printed and "| list all | " in printed


def test_the_phases_of_a_search_are_each_measured(
    versus: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each phase's timer still finds the function it wraps (a rewrite once left it measuring
    nothing), and every floor is taken. The figures themselves are not looked at."""
    spec = importlib.util.spec_from_file_location("phases", BENCHMARKS / "phases.py")
    assert spec is not None and spec.loader is not None
    phases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(phases)
    result = phases.main(["--size", "20", "--runs", "1"])
    printed = capsys.readouterr().out
    assert "not measured" not in printed
    assert set(result["floors"]) >= {"start", "imports", "KDF", "SQLite", "decrypt", "parse"}
    cpu = result["phases"]["cpu"]
    assert all(cpu[name] > 0 for name in ("KDF", "SQLite", "decrypt", "parse"))
