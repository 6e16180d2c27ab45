"""Hostile prompt packs: limits checked before parsing, each bad pack skipped with its file named.

tomllib has no depth limit (deep arrays exhaust the stack) and long dotted keys cost it quadratic
memory, so size, nesting and dotted-key length are checked on the raw text first.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapjournal.exercises import (
    MAX_DOTS,
    MAX_NESTING,
    MAX_PACKS,
    PackProblem,
    builtin_prompt_dirs,
    load_pack,
    load_packs,
    too_nested,
)
from kapjournal.text import is_safe

GOOD = """
[pack]
id = "good"
title = "A good pack"
version = 1
license = "CC0-1.0"

[[exercise]]
id = "good-one"
title = "A [b]good[/b] one: {not a placeholder"
category = "capture"
timing = "anytime"
minutes = 5
intro = "Brackets [[in]] a string and a # are text. So are dots... and an open { brace."
steps = ["One [.", 'Two ]]]] {{.', \"\"\"Three, with "quotes" and [[[[[[[[[[[[[[[[[[[[[[[[[[\"\"\"]
"""

HOSTILE = {
    "deep-arrays.toml": b"a = " + b"[" * 100_000 + b"]" * 100_000,
    "dotted.toml": b"a" + b".a" * 50_000 + b" = 1\n",
    "inline.toml": b"a = " + b"{b = " * 5_000 + b"1" + b"}" * 5_000,
    "header.toml": b"[" + b"a." * 5_000 + b"a]\n",
    "big.toml": b"# " + b"x" * 400_000,
    "latin1.toml": b'[pack]\ntitle = "caf\xe9"\n',
    "keys.toml": b'[pack]\n"\x1b]52;c;Y3VybCB4fHNo\x07\x1b]8;;http://evil.example\x07" = 1\n',
    "markup.toml": b'[pack]\n"[@click=app.quit]press[/]" = 1\n',
}


def write(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def test_the_shipped_packs_are_within_the_limits() -> None:
    for folder in builtin_prompt_dirs():
        for pack in folder.glob("*.toml"):
            assert too_nested(pack.read_text(encoding="utf-8")) is None, pack


def test_brackets_and_dots_inside_strings_and_comments_do_not_count(tmp_path: Path) -> None:
    pack, problems = load_pack(write(tmp_path, {"good.toml": GOOD.encode()}) / "good.toml")
    assert problems == [] and pack is not None and pack.exercises[0].steps[0] == "One [."
    assert too_nested("# " + "[" * 1000 + "\n" + "a = 'x.x.x." * 3 + "'") is None


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_pack_is_skipped_with_its_file_named_and_the_rest_load(
    name: str, tmp_path: Path
) -> None:
    folder = write(tmp_path / "packs", {name: HOSTILE[name], "good.toml": GOOD.encode()})
    catalog = load_packs([*builtin_prompt_dirs(), folder])
    assert "good-one" in catalog.exercises and "capture" in catalog.exercises
    mine = [p for p in catalog.problems if p.file.name == name]
    assert mine, catalog.problems
    for problem in mine:
        line = str(problem)
        assert name in line and "\n" not in line and is_safe(line) and "\x1b" not in line


def test_nesting_and_key_limits_say_which(tmp_path: Path) -> None:
    assert "nested" in (too_nested("a = " + "[" * (MAX_NESTING + 1)) or "")
    assert too_nested("a = " + "[" * MAX_NESTING + "]" * MAX_NESTING) is None
    assert "dotted" in (too_nested("a" + ".a" * (MAX_DOTS + 1) + " = 1") or "")
    assert too_nested("a" + ".a" * MAX_DOTS + " = 1") is None


def test_a_pack_that_is_not_a_regular_file_is_not_waited_on(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    os.mkfifo(folder / "fifo.toml")
    (folder / "zero.toml").symlink_to("/dev/zero")
    pack, problems = load_pack(folder / "fifo.toml")  # asked for by name: refused, not read
    assert pack is None and "not a regular file" in str(problems[0])
    pack, problems = load_pack(folder / "zero.toml")
    assert pack is None and "not a regular file" in str(problems[0])
    assert load_packs([folder]).exercises == {}  # in a folder: not a pack at all


def test_too_many_packs_in_one_folder(tmp_path: Path) -> None:
    folder = write(tmp_path / "many", {f"p{i:04}.toml": b"" for i in range(MAX_PACKS + 1)})
    catalog = load_packs([folder])
    assert any(f"over {MAX_PACKS} packs" in str(p) for p in catalog.problems)
    assert sum(1 for p in catalog.problems if p.file.suffix == ".toml") == MAX_PACKS


def test_a_crash_inside_one_pack_is_a_problem_not_a_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write(tmp_path / "packs", {"good.toml": GOOD.encode(), "odd.toml": b"x = 1"})

    parse = tomllib.loads

    def explode(text: str, **kwargs: object) -> dict[str, object]:
        if text == "x = 1":
            raise RecursionError
        return parse(text)

    monkeypatch.setattr("kapjournal.exercises.tomllib.loads", explode)
    catalog = load_packs([folder])
    assert "good-one" in catalog.exercises
    assert [p.file.name for p in catalog.problems] == ["odd.toml"]


def test_a_problem_prints_on_one_safe_line() -> None:
    problem = PackProblem(
        Path("/p/\x1b]0;x\x07evil\n.toml"), 3, "ex\u202eid", "[@click=app.quit]\x9b", "bad\r\nthing"
    )
    line = str(problem)
    assert is_safe(line) and "\n" not in line and "evil" in line and "bad thing" in line


TOML_PIECES = st.sampled_from(
    ["[", "]", "{", "}", "a", ".", " = ", "1", ",", '"', "'", '"""', "'''", "\\", "#", "\n", "x = "]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(TOML_PIECES, max_size=400).map("".join))
def test_what_passes_the_check_never_exhausts_the_parser(text: str) -> None:
    if too_nested(text) is not None:
        return
    with contextlib.suppress(tomllib.TOMLDecodeError):
        tomllib.loads(text)  # a RecursionError or MemoryError would fail the test


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=MAX_NESTING - 1), st.integers(0, MAX_DOTS))
def test_reasonable_nesting_is_never_refused(depth: int, dots: int) -> None:
    text = "k" + ".k" * dots + " = " + "[" * depth + "1" + "]" * depth + "\n"
    assert too_nested(text) is None
    tomllib.loads(text)
