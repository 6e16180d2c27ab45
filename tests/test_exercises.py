"""Prompt packs: the shipped set, validation a therapist can act on, and safe placeholder filling."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapjournal.exercises import (
    CATEGORIES,
    FALLBACKS,
    PLACEHOLDERS,
    TIMINGS,
    Catalog,
    PackProblem,
    builtin_prompt_dirs,
    check_pack_file,
    fill,
    load_pack,
    load_packs,
    placeholders_in,
)

FIXTURES = Path(__file__).parent / "fixtures" / "packs"

PACK_HEAD = """
[pack]
id = "test"
title = "Test pack"
version = 1
license = "CC0-1.0"
"""


def write_pack(tmp_path: Path, body: str, name: str = "pack.toml") -> Path:
    path = tmp_path / name
    path.write_text(PACK_HEAD + body, encoding="utf-8")
    return path


def exercise_toml(ex_id: str = "ex", **fields: str) -> str:
    values = {
        "id": f'"{ex_id}"',
        "title": '"A title"',
        "category": '"capture"',
        "timing": '"anytime"',
        "minutes": "5",
        "intro": '"An intro."',
        "steps": '["One.", "Two."]',
    }
    values.update(fields)
    lines = [f"{k} = {v}" for k, v in values.items() if v != "-"]
    return "\n[[exercise]]\n" + "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_packs(builtin_prompt_dirs())


# --- the shipped packs ---------------------------------------------------------------------------


def test_shipped_packs_have_no_problems(shipped: Catalog) -> None:
    assert shipped.problems == []
    assert len(shipped.exercises) >= 24
    assert {p.id for p in shipped.packs} >= {"core", "before"}


def test_shipped_packs_cover_every_category_and_timing(shipped: Catalog) -> None:
    exercises = list(shipped.exercises.values())
    assert {e.category for e in exercises} == set(CATEGORIES)
    assert {e.timing for e in exercises} == set(TIMINGS)


def test_every_shipped_exercise_is_sane(shipped: Catalog) -> None:
    for e in shipped.exercises.values():
        assert 2 <= len(e.steps) <= 6, e.id
        assert 1 <= e.minutes <= 120, e.id
        assert e.intro.strip() and len(e.title) <= 80, e.id
        for text in (e.intro, *e.steps):
            assert placeholders_in(text) <= PLACEHOLDERS, e.id


def test_shipped_exercises_fill_cleanly_with_and_without_values(shipped: Catalog) -> None:
    full = {name: f"<{name}>" for name in PLACEHOLDERS}
    for e in shipped.exercises.values():
        for values in ({}, full):
            filled = e.filled(values)
            for text in (filled.intro, *filled.steps):
                assert "{" not in text and "}" not in text, (e.id, text)


def test_shipped_set_has_the_exercises_the_plan_relies_on(shipped: Catalog) -> None:
    before = shipped.by_timing("before")
    assert {"intention", "hopes-and-fears", "set-and-setting"} <= {e.id for e in before}
    capture = shipped.get("capture")
    assert capture is not None and capture.timing == "same-day" and capture.minutes <= 10
    assert "decision" in capture.intro
    review = shipped.get("intention-review")
    assert review is not None and "{intention}" in review.intro
    assert review.filled({"intention": "to rest"}).intro.count("to rest") == 1
    (commitment,) = shipped.commitments()
    followups = [e for e in shipped.exercises.values() if e.followup_of == commitment.id]
    assert followups and all(e.timing == "before" for e in followups)
    assert any("{small_step}" in e.intro for e in followups)
    assert any("earlier_reflection" in e.needs for e in shipped.exercises.values())


def test_builtin_prompt_dirs_point_at_the_packs() -> None:
    (place,) = builtin_prompt_dirs()
    assert (place / "core.toml").is_file()


def test_importing_is_pure_and_light() -> None:
    code = (
        "import sys, kapjournal.exercises, kapjournal.plan;"
        "bad = [m for m in ('textual', 'sqlmodel', 'sqlalchemy', 'cryptography') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- validation ----------------------------------------------------------------------------------


def test_toml_syntax_error_names_file_and_line() -> None:
    pack, problems = load_pack(FIXTURES / "syntax-error.toml")
    assert pack is None
    (problem,) = problems
    assert problem.file == FIXTURES / "syntax-error.toml"
    assert problem.line == 9
    assert "syntax" in problem.message
    assert str(problem).startswith(f"{FIXTURES / 'syntax-error.toml'}:9: TOML syntax error")


def test_toml_error_at_end_of_document_points_at_the_last_line(tmp_path: Path) -> None:
    path = write_pack(tmp_path, '\n[[exercise]]\nid = "x"\nintro = """never closed\n')
    _, (problem,) = load_pack(path)
    assert problem.line == len(path.read_text().splitlines())


def test_schema_errors_name_file_exercise_field_and_line() -> None:
    path = FIXTURES / "schema-error.toml"
    pack, problems = load_pack(path)
    assert pack is not None
    assert [e.id for e in pack.exercises] == ["fine-one"]
    found = {(p.exercise, p.field): p for p in problems}
    assert set(found) == {("one-step", "steps"), ("odd-category", "category"),
                          ("odd-category", "minutes")}  # fmt: skip
    steps = found["one-step", "steps"]
    assert steps.file == path and steps.line == 23
    assert str(steps) == f'{path}:23: exercise "one-step": field "steps": must have 2 to 6 steps'
    assert found["odd-category", "category"].line == 28


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"title": "-"}, "title", "missing"),
        ({"title": '"' + "x" * 81 + '"'}, "title", "too long"),
        ({"intro": '"' + "x" * 1001 + '"'}, "intro", "too long"),
        ({"steps": '["a", "b", "c", "d", "e", "f", "g"]'}, "steps", "2 to 6"),
        ({"steps": '["a", ""]'}, "steps", "non-empty"),
        ({"steps": '"just text"'}, "steps", "list"),
        ({"minutes": "0"}, "minutes", "1 to 120"),
        ({"minutes": "true"}, "minutes", "1 to 120"),
        ({"timing": '"someday"'}, "timing", "one of"),
        ({"stepz": '["a", "b"]'}, "stepz", "not a known field"),
        ({"intro": '"Hi {Intention}"'}, "intro", "unknown placeholder {Intention}"),
        ({"steps": '["Dear {name}", "b"]'}, "steps", "unknown placeholder {name}"),
        ({"needs": '["nonsense"]'}, "needs", "placeholder"),
        ({"commitment_step": "3"}, "commitment_step", "1 to 2"),
        ({"followup_of": '"x"'}, "followup_of", "before"),
        ({"id": '"Not An Id"'}, "id", "lowercase"),
    ],
)
def test_schema_problems_are_reported(
    tmp_path: Path, fields: dict[str, str], field: str, words: str
) -> None:
    path = write_pack(tmp_path, exercise_toml("bad", **fields) + exercise_toml("good"))
    pack, problems = load_pack(path)
    assert pack is not None and [e.id for e in pack.exercises] == ["good"]
    assert len(problems) == 1, problems
    assert problems[0].field == field and words in problems[0].message
    assert problems[0].line is not None


def test_unknown_placeholder_is_an_error() -> None:
    pack, problems = load_pack(FIXTURES / "unknown-placeholder.toml")
    assert pack is not None and pack.exercises == ()
    (problem,) = problems
    assert (problem.exercise, problem.field) == ("mood-name", "intro")
    assert "{patient_name}" in problem.message


def test_pack_header_problems(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(exercise_toml("x"))
    pack, problems = load_pack(path)
    assert pack is None and problems[0].field == "pack"
    path.write_text(PACK_HEAD.replace("version = 1", 'version = "one"') + exercise_toml("x"))
    pack, problems = load_pack(path)
    assert pack is None and problems[0].field == "version" and problems[0].line == 5


def test_duplicate_ids_name_both_files_and_the_rest_still_loads() -> None:
    catalog = load_packs([*builtin_prompt_dirs(), FIXTURES])
    (dup,) = [p for p in catalog.problems if p.exercise == "capture"]
    core = builtin_prompt_dirs()[0] / "core.toml"
    assert dup.file == FIXTURES / "duplicate.toml"
    assert str(core) in dup.message
    assert catalog.exercises["capture"].pack_id == "core"
    assert catalog.exercises["clinic-walk"].pack_id == "clinic-extra"
    assert "fine-one" in catalog.exercises  # a broken pack's good exercise still loads
    shipped = load_packs(builtin_prompt_dirs())
    assert set(shipped.exercises) <= set(catalog.exercises)


def test_duplicate_inside_one_pack(tmp_path: Path) -> None:
    path = write_pack(tmp_path, exercise_toml("same") + exercise_toml("same"))
    pack, problems = load_pack(path)
    assert pack is not None and len(pack.exercises) == 1
    assert "used twice" in problems[0].message


def test_followup_must_point_at_a_commitment(tmp_path: Path) -> None:
    body = exercise_toml("ask", timing='"before"', followup_of='"nowhere"')
    catalog = load_packs([write_pack(tmp_path, body)])
    assert "ask" not in catalog.exercises
    assert catalog.problems[0].field == "followup_of"


def test_check_pack_file(tmp_path: Path) -> None:
    good = write_pack(tmp_path, exercise_toml("mine"))
    assert check_pack_file(good) == []
    assert check_pack_file(good, against=builtin_prompt_dirs()) == []
    clash = write_pack(tmp_path, exercise_toml("capture"), name="clash.toml")
    assert check_pack_file(clash) == []
    (problem,) = check_pack_file(clash, against=builtin_prompt_dirs())
    assert problem.exercise == "capture" and "core.toml" in problem.message
    (missing,) = check_pack_file(tmp_path / "nope.toml")
    assert "no such file" in str(missing)
    assert len(check_pack_file(FIXTURES)) == 5  # 1 syntax + 3 schema + 1 placeholder


def test_missing_dirs_are_skipped(tmp_path: Path) -> None:
    catalog = load_packs([tmp_path / "absent", *builtin_prompt_dirs()])
    assert catalog.problems == [] and catalog.exercises


def test_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(PACK_HEAD.encode() + "# caf\xe9\n".encode("latin-1"))
    pack, (problem,) = load_pack(path)
    assert pack is None and "UTF-8" in problem.message


def test_problem_text_without_line_or_exercise() -> None:
    problem = PackProblem(Path("x.toml"), None, None, None, "cannot be read")
    assert str(problem) == "x.toml: cannot be read"


# --- filling placeholders ------------------------------------------------------------------------

HOSTILE = [
    "{intention}",
    "{session} {small_step}",
    "{0.__class__}",
    "{intention!r:>10}",
    "%s %(name)s %d",
    "[bold red]loud[/bold red] [link=http://x]x[/link]",
    "\\1 \\g<0> $1",
    "🌊🧠✨ — “quotes”",
    "שלום עולם مرحبا",
    "{{double}} }{ {",
    "line one\nline two",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_fill_inserts_values_verbatim_and_once(value: str) -> None:
    text = "Before: {intention}. After: {session}."
    filled = fill(text, {"intention": value, "session": "session 2"})
    assert filled == f"Before: {value}. After: session 2."


def test_fill_uses_fallbacks_and_leaves_other_braces_alone() -> None:
    assert fill("{intention}", {}) == FALLBACKS["intention"]
    assert fill("{intention}", {"intention": ""}) == FALLBACKS["intention"]
    assert fill("{nope} {0} {0.__class__} {}", {"nope": "x"}) == "{nope} {0} {0.__class__} {}"


def test_exercise_fallback_text_when_a_value_is_missing(tmp_path: Path) -> None:
    body = exercise_toml(
        "review",
        intro='"You wrote: {intention}"',
        steps='["How does {intention} look now?", "What else?"]',
    )
    body += '[exercise.fallback]\nintro = "No intention was written, and that is fine."\n'
    body += 'steps = ["What were you hoping for?", "What else?"]\n'
    pack, problems = load_pack(write_pack(tmp_path, body))
    assert problems == [] and pack is not None
    (exercise,) = pack.exercises
    plain = exercise.filled({})
    assert plain.intro.startswith("No intention") and plain.steps[0] == "What were you hoping for?"
    quoted = exercise.filled({"intention": "{0.__class__} [b]x[/b]"})
    assert quoted.intro == "You wrote: {0.__class__} [b]x[/b]"
    assert quoted.steps[0] == "How does {0.__class__} [b]x[/b] look now?"


def test_fallback_steps_must_match_steps(tmp_path: Path) -> None:
    body = exercise_toml("x") + '[exercise.fallback]\nsteps = ["a", "b", "c"]\n'
    _, problems = load_pack(write_pack(tmp_path, body))
    assert problems[0].field == "fallback.steps"


@given(st.text(alphabet=st.characters(blacklist_characters="{}")))
def test_fill_leaves_text_without_braces_unchanged(text: str) -> None:
    assert fill(text, {"intention": "x"}) == text


@given(st.text(min_size=1))
def test_fill_puts_any_value_in_unchanged(value: str) -> None:
    assert fill("«{intention}»", {"intention": value}) == f"«{value}»"


def test_the_readme_example_pack_is_valid(tmp_path: Path) -> None:
    readme = (builtin_prompt_dirs()[0] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    assert check_pack_file(write_pack(tmp_path, "", "empty.toml")) != []
    path = tmp_path / "river-clinic.toml"
    path.write_text(example, encoding="utf-8")
    assert check_pack_file(path, against=builtin_prompt_dirs()) == []
