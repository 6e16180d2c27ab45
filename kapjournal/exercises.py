"""Integration exercises from TOML prompt packs, checked so a typo is reported, never fatal.

Packs are read only by the explicit ``load_*`` and ``check_*`` functions; everything else is pure.
The pack format is described for pack authors in ``prompts/README.md``.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kapjournal.text import one_line

CATEGORIES = (
    "capture",
    "body",
    "self-compassion",
    "intention-review",
    "meaning",
    "values-action",
    "relationships",
    "creative",
    "nature-lifestyle",
    "gratitude",
    "grounding",
    "hard-session",
    "spiritual",
)
TIMINGS = ("before", "same-day", "next-day", "days-2-7", "week-after", "anytime")

# Placeholder name -> text used when there is no value (no session, no intention written, ...).
# The fallbacks are written to read naturally in a sentence; an exercise can also give a whole
# fallback text in ``[exercise.fallback]`` for when a value is missing.
FALLBACKS: dict[str, str] = {
    "intention": "what you were hoping for",
    "session": "your last session",
    "session_number": "",
    "session_date": "the day of your session",
    "session_ago": "recently",
    "days_since_session": "a few",
    "small_step": "the small step you chose",
    "earlier_reflection": "(there is no earlier reflection yet)",
    "earlier_reflection_date": "some time ago",
}
PLACEHOLDERS = frozenset(FALLBACKS)

MAX_TITLE = 80
MAX_TEXT = 1000
MIN_STEPS, MAX_STEPS = 2, 6
MIN_MINUTES, MAX_MINUTES = 1, 120

# A pack is read only within these limits, checked before the TOML parser sees it: tomllib has no
# depth limit (deep arrays exhaust the stack) and long dotted keys cost it quadratic memory.
MAX_PACK_BYTES = 256 * 1024
MAX_NESTING = 24  # open [ and { at once, table headers included
MAX_DOTS = 24  # dots outside strings on one line: the parts of a dotted key, at most
MAX_PACKS = 200  # pack files read from one folder

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_BRACED = re.compile(r"\{([^{}\n]{0,40})\}")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_TOML_WHERE = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)\s*$")

_PACK_FIELDS = {"id", "title", "version", "license", "author", "description", "language"}
_EXERCISE_FIELDS = {
    "id",
    "title",
    "category",
    "timing",
    "minutes",
    "intro",
    "steps",
    "commitment_step",
    "followup_of",
    "needs",
    "fallback",
}


def fill(text: str, values: Mapping[str, str]) -> str:
    """Put values into ``{name}`` placeholders, once and verbatim.

    Never ``str.format``: values are the patient's own words and may hold braces, format specs or
    markup. A value is not scanned again, so ``{intention}`` typed by the patient stays as typed.
    A missing or empty value gets the neutral text in :data:`FALLBACKS`.
    """

    def put(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        return values.get(name) or FALLBACKS[name]

    return _PLACEHOLDER.sub(put, text)


def placeholders_in(text: str) -> set[str]:
    """The placeholder names a text uses."""
    return {m.group(1) for m in _PLACEHOLDER.finditer(text)}


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise; ``answers`` in a Reflection line up with ``steps``."""

    id: str
    title: str
    category: str
    timing: str
    minutes: int
    intro: str
    steps: tuple[str, ...]
    pack_id: str = ""
    source: Path | None = None
    commitment_step: int | None = None  # 1-based step whose answer is the "small step"
    followup_of: str | None = None  # id of the commitment exercise this one asks about again
    needs: frozenset[str] = frozenset()  # placeholders that must have a value to propose it
    fallback_intro: str | None = None
    fallback_steps: tuple[str, ...] | None = None

    def filled(self, values: Mapping[str, str]) -> Exercise:
        """A copy with placeholders filled; a text whose value is missing uses its fallback.

        Fill the catalog's exercise, never a filled copy: the patient's words are not templates.
        """

        def pick(text: str, alternative: str | None) -> str:
            missing = any(not values.get(name) for name in placeholders_in(text))
            return fill(alternative if missing and alternative is not None else text, values)

        alt_steps = self.fallback_steps or (None,) * len(self.steps)
        return dataclasses.replace(
            self,
            intro=pick(self.intro, self.fallback_intro),
            steps=tuple(pick(s, a) for s, a in zip(self.steps, alt_steps, strict=True)),
            fallback_intro=None,
            fallback_steps=None,
        )


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    title: str
    version: int
    license: str
    source: Path
    exercises: tuple[Exercise, ...] = ()
    author: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class PackProblem:
    """Something wrong in a pack, said so a pack author can find and fix it."""

    file: Path
    line: int | None
    exercise: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        """One line, safe for a terminal: the file name and the pack's own words are hostile."""
        where = one_line(str(self.file), 200)
        parts = [f"{where}:{self.line}" if self.line else where]
        if self.exercise:
            parts.append(f'exercise "{one_line(self.exercise, 60)}"')
        if self.field:
            parts.append(f'field "{one_line(self.field, 60)}"')
        return ": ".join([*parts, one_line(self.message, 300)])


@dataclass(slots=True)
class Catalog:
    """Every loaded exercise by id, in load order, and the problems met on the way."""

    exercises: dict[str, Exercise] = field(default_factory=dict)
    problems: list[PackProblem] = field(default_factory=list)
    packs: list[Pack] = field(default_factory=list)

    def get(self, exercise_id: str | None) -> Exercise | None:
        return self.exercises.get(exercise_id) if exercise_id else None

    def by_timing(self, *timings: str) -> list[Exercise]:
        return [e for e in self.exercises.values() if e.timing in timings]

    def commitments(self) -> list[Exercise]:
        """Exercises whose answer is a committed action ("one small step")."""
        return [e for e in self.exercises.values() if e.commitment_step is not None]


# --- where each value sits in the file, for line numbers ---------------------------------------

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\- ]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r'^\s*("?)([A-Za-z0-9_-]+)\1\s*=')


class _Lines:
    """A rough line finder: tomllib gives values, not positions; enough to point at a field."""

    def __init__(self, text: str) -> None:
        self.pack: dict[str, int] = {}
        self.pack_line: int | None = None
        self.exercises: list[tuple[int, dict[str, int]]] = []
        block: dict[str, int] | None = None
        prefix = ""
        for number, line in enumerate(text.splitlines(), start=1):
            if header := _HEADER.match(line):
                name = header.group(1).replace(" ", "")
                prefix = ""
                if name == "pack":
                    block, self.pack_line = self.pack, number
                elif name == "exercise" and line.lstrip().startswith("[["):
                    block = {}
                    self.exercises.append((number, block))
                elif name == "exercise.fallback" and self.exercises:
                    block, prefix = self.exercises[-1][1], "fallback."
                    block.setdefault("fallback", number)
                else:
                    block = None
            elif block is not None and (key := _KEY.match(line)):
                block.setdefault(prefix + key.group(2), number)

    def of(self, index: int | None, name: str | None = None) -> int | None:
        if index is None:
            return self.pack.get(name, self.pack_line) if name else self.pack_line
        if index >= len(self.exercises):
            return None
        start, keys = self.exercises[index]
        return keys.get(name, start) if name else start


# --- validation --------------------------------------------------------------------------------


class _Checker:
    def __init__(self, path: Path, lines: _Lines) -> None:
        self.path, self.lines = path, lines
        self.problems: list[PackProblem] = []

    def add(self, index: int | None, ex: str | None, name: str | None, message: str) -> None:
        line = self.lines.of(index, name)
        self.problems.append(PackProblem(self.path, line, ex, name, message))

    def text(self, table: dict[str, Any], index: int | None, ex: str | None, name: str,
             limit: int, *, required: bool = True, label: str = "") -> str | None:  # fmt: skip
        value = table.get(name)
        name = label or name
        if value is None:
            if required:
                self.add(index, ex, name, "is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(index, ex, name, "must be a non-empty text")
            return None
        if len(value) > limit:
            self.add(index, ex, name, f"is too long ({len(value)} characters; at most {limit})")
            return None
        if index is not None:
            for inner in _BRACED.findall(value):
                if inner not in PLACEHOLDERS:
                    known = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
                    self.add(index, ex, name, f"unknown placeholder {{{inner}}}; known: {known}")
                    return None
        return value

    def texts(self, value: Any, index: int, ex: str, name: str) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            self.add(index, ex, name, "must be a list of texts")
            return None
        if not MIN_STEPS <= len(value) <= MAX_STEPS:
            self.add(index, ex, name, f"must have {MIN_STEPS} to {MAX_STEPS} steps")
            return None
        checked = [self.text({"s": v}, index, ex, "s", MAX_TEXT, label=name) for v in value]
        return None if None in checked else tuple(str(s) for s in checked)

    def whole(self, table: dict[str, Any], index: int | None, ex: str | None, name: str,
              low: int, high: int) -> int | None:  # fmt: skip
        value = table.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(index, ex, name, f"must be a whole number from {low} to {high}")
            return None
        return value


def _exercise(check: _Checker, raw: Any, index: int, pack_id: str) -> Exercise | None:
    before = len(check.problems)
    if not isinstance(raw, dict):
        check.add(index, None, None, "an [[exercise]] must be a table")
        return None
    ex_id = raw.get("id")
    if not isinstance(ex_id, str) or not _ID.match(ex_id):
        message = "is missing" if ex_id is None else "must be lowercase letters, digits and dashes"
        check.add(index, None, "id", message)
        return None
    for unknown in sorted(set(raw) - _EXERCISE_FIELDS):
        check.add(index, ex_id, unknown, "is not a known field (a typo?)")
    title = check.text(raw, index, ex_id, "title", MAX_TITLE)
    for name, allowed in (("category", CATEGORIES), ("timing", TIMINGS)):
        if raw.get(name) not in allowed:
            check.add(index, ex_id, name, f"must be one of: {', '.join(allowed)}")
    minutes = check.whole(raw, index, ex_id, "minutes", MIN_MINUTES, MAX_MINUTES)
    intro = check.text(raw, index, ex_id, "intro", MAX_TEXT)
    steps = None
    if "steps" not in raw:
        check.add(index, ex_id, "steps", "is missing")
    else:
        steps = check.texts(raw["steps"], index, ex_id, "steps")
    commitment = None
    if "commitment_step" in raw:
        commitment = check.whole(raw, index, ex_id, "commitment_step", 1, len(steps or ()) or 1)
    followup = raw.get("followup_of")
    if followup is not None and (not isinstance(followup, str) or not _ID.match(followup)):
        check.add(index, ex_id, "followup_of", "must be the id of a commitment exercise")
    if followup is not None and raw.get("timing") != "before":
        check.add(index, ex_id, "followup_of", 'a follow-up needs timing "before"')
    needs = raw.get("needs", [])
    if not isinstance(needs, list) or not {str(n) for n in needs} <= PLACEHOLDERS:
        check.add(index, ex_id, "needs", 'must list placeholder names, e.g. ["intention"]')
    fb_intro = fb_steps = None
    fallback = raw.get("fallback", {})
    if not isinstance(fallback, dict) or set(fallback) - {"intro", "steps"}:
        check.add(index, ex_id, "fallback", "may hold only intro and steps")
    else:
        fb_intro = check.text(
            fallback, index, ex_id, "intro", MAX_TEXT, required=False, label="fallback.intro"
        )
        if "steps" in fallback:
            fb_steps = check.texts(fallback["steps"], index, ex_id, "fallback.steps")
            if fb_steps and steps and len(fb_steps) != len(steps):
                check.add(index, ex_id, "fallback.steps", "must have as many steps as steps")
    if len(check.problems) > before or not (title and intro and steps and minutes):
        return None
    return Exercise(
        id=ex_id,
        title=title,
        category=raw["category"],
        timing=raw["timing"],
        minutes=minutes,
        intro=intro,
        steps=steps,
        pack_id=pack_id,
        source=check.path,
        commitment_step=commitment,
        followup_of=followup,
        needs=frozenset(needs),
        fallback_intro=fb_intro,
        fallback_steps=fb_steps,
    )


_SPECIAL = re.compile(r"[\[\]{}.#\"'\n]")
_BASIC_END = re.compile(r'[\\"\n]')
_MULTILINE_BASIC_END = re.compile(r'\\|"""')


def _string_end(text: str, start: int) -> int:
    """Where the TOML string opening at ``start`` ends (as tomllib reads it; a newline ends a
    one-line string early, so nothing after a broken string is ever taken as text)."""
    quote = text[start]
    if text.startswith(quote * 3, start):
        pos = start + 3
        while True:
            if quote == '"':
                found = _MULTILINE_BASIC_END.search(text, pos)
                if found is None:
                    return len(text)
                if found.group() == "\\":
                    pos = found.end() + 1
                    continue
                end = found.end()
            else:
                end = text.find("'''", pos)
                if end < 0:
                    return len(text)
                end += 3
            for _ in range(2):  # up to two more quotes belong to the text
                if text.startswith(quote, end):
                    end += 1
            return end
    pos = start + 1
    while True:
        if quote == "'":
            ends = [i for i in (text.find("'", pos), text.find("\n", pos)) if i >= 0]
            return min(ends) + 1 if ends else len(text)
        found = _BASIC_END.search(text, pos)
        if found is None:
            return len(text)
        if found.group() == "\\":
            pos = found.end() + 1
            continue
        return found.end()


def too_nested(text: str) -> str | None:
    """Why a TOML text is too deeply nested to parse safely, or None. Cheap: one scan, no parse.

    Brackets and dots inside strings and comments do not count; anything else is counted, so
    this may refuse a strange pack but never lets a deep one through.
    """
    depth = dots = 0
    pos, size = 0, len(text)
    while pos < size:
        found = _SPECIAL.search(text, pos)
        if found is None:
            break
        ch, pos = found.group(), found.end()
        if ch == "\n":
            dots = 0
        elif ch == "#":
            end = text.find("\n", pos)
            pos = size if end < 0 else end
        elif ch in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return f"is nested more than {MAX_NESTING} levels deep"
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == ".":
            dots += 1
            if dots > MAX_DOTS:
                return f"has a key of more than {MAX_DOTS} dotted parts"
        else:
            pos = _string_end(text, found.start())
    return None


def _read_pack(path: Path) -> bytes | str:
    """The pack's bytes, or why it cannot be read: only a regular file, only so big."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return "cannot be read"
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "is not a regular file"
        data = f.read(MAX_PACK_BYTES + 1)
    if len(data) > MAX_PACK_BYTES:
        return f"is bigger than {MAX_PACK_BYTES // 1024} KB, too big for a prompt pack"
    return data


def load_pack(path: Path) -> tuple[Pack | None, list[PackProblem]]:
    """Read one pack file. A broken exercise is left out and reported; the rest still load."""
    path = Path(path)
    try:
        raw = _read_pack(path)
        if isinstance(raw, str):
            return None, [PackProblem(path, None, None, None, raw)]
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "cannot be read"
        return None, [PackProblem(path, None, None, None, reason)]
    if (nested := too_nested(text)) is not None:
        return None, [PackProblem(path, None, None, None, nested)]
    try:
        data = tomllib.loads(text)
    except (RecursionError, MemoryError):
        return None, [PackProblem(path, None, None, None, "is too deeply nested or too big")]
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_WHERE.search(message)
        line = None
        if where:
            line = int(where.group(1)) if where.group(1) else max(1, len(text.splitlines()))
            message = message[: where.start()]
        return None, [PackProblem(path, line, None, None, f"TOML syntax error: {message}")]
    check = _Checker(path, _Lines(text))
    head = data.get("pack")
    if not isinstance(head, dict):
        check.add(None, None, "pack", "a [pack] table with id, title, version, license is missing")
        return None, check.problems
    for unknown in sorted(set(head) - _PACK_FIELDS):
        check.add(None, None, unknown, "is not a known [pack] field (a typo?)")
    pack_id = head.get("id")
    if not isinstance(pack_id, str) or not _ID.match(pack_id):
        check.add(None, None, "id", "must be lowercase letters, digits and dashes (up to 40)")
    title = check.text(head, None, None, "title", MAX_TITLE)
    version = check.whole(head, None, None, "version", 1, 1_000_000)
    license_ = check.text(head, None, None, "license", MAX_TITLE)
    for name in ("author", "description"):
        check.text(head, None, None, name, MAX_TEXT, required=False)
    for unknown in sorted(set(data) - {"pack", "exercise"}):
        check.add(None, None, unknown, "is not a known table; use [pack] and [[exercise]]")
    if check.problems:
        return None, check.problems
    raw_exercises = data.get("exercise", [])
    if not isinstance(raw_exercises, list) or not raw_exercises:
        check.add(None, None, None, "has no [[exercise]] entries")
        raw_exercises = []
    exercises: list[Exercise] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_exercises):
        exercise = _exercise(check, raw, index, str(pack_id))
        if exercise is None:
            continue
        if exercise.id in seen:
            first = check.lines.of(seen[exercise.id])
            check.add(index, exercise.id, "id", f"is used twice in this pack (also line {first})")
            continue
        seen[exercise.id] = index
        exercises.append(exercise)
    pack = Pack(
        id=str(pack_id),
        title=str(title),
        version=int(version or 1),
        license=str(license_),
        source=path,
        exercises=tuple(exercises),
        author=str(head.get("author", "")),
        description=str(head.get("description", "")),
    )
    return pack, check.problems


def _pack_files(dirs: Iterable[Path], problems: list[PackProblem] | None = None) -> list[Path]:
    files: list[Path] = []
    for place in dirs:
        place = Path(place)
        if place.is_file():
            files.append(place)
        elif place.is_dir():
            found = sorted(p for p in place.glob("*.toml") if p.is_file())
            if len(found) > MAX_PACKS and problems is not None:
                problems.append(
                    PackProblem(place, None, None, None, f"holds over {MAX_PACKS} packs; "
                                f"only the first {MAX_PACKS} were read")
                )  # fmt: skip
            files.extend(found[:MAX_PACKS])
    return files


def _add(catalog: Catalog, pack: Pack) -> None:
    """Add a pack's exercises; an id already taken keeps its first owner."""
    for exercise in pack.exercises:
        first = catalog.exercises.get(exercise.id)
        if first is not None:
            catalog.problems.append(
                PackProblem(
                    pack.source,
                    None,
                    exercise.id,
                    "id",
                    f"the same id is already used in {first.source}; this one is skipped",
                )
            )
            continue
        catalog.exercises[exercise.id] = exercise
    catalog.packs.append(pack)


def _check_followups(catalog: Catalog) -> None:
    """A follow-up must point at a loaded commitment exercise, or it could never be offered."""
    for exercise in list(catalog.exercises.values()):
        if exercise.followup_of is None:
            continue
        target = catalog.exercises.get(exercise.followup_of)
        if target is None or target.commitment_step is None:
            catalog.problems.append(
                PackProblem(
                    exercise.source or Path("?"),
                    None,
                    exercise.id,
                    "followup_of",
                    f'"{exercise.followup_of}" is not a loaded exercise with a commitment_step',
                )
            )
            del catalog.exercises[exercise.id]


def load_packs(dirs: Sequence[Path]) -> Catalog:
    """Load every ``*.toml`` pack in the given directories (or files), in order.

    Earlier directories win on an id clash, so put the shipped prompts first. Directories that do
    not exist are skipped quietly: the user's config dir usually has no packs.
    """
    catalog = Catalog()
    for path in _pack_files(dirs, catalog.problems):
        try:
            pack, problems = load_pack(path)
        except Exception as exc:  # a pack is outside data: never let one stop the app
            reason = f"could not be read ({type(exc).__name__})"
            pack, problems = None, [PackProblem(path, None, None, None, reason)]
        catalog.problems.extend(problems)
        if pack is not None:
            _add(catalog, pack)
    _check_followups(catalog)
    return catalog


def check_pack_file(path: Path, against: Sequence[Path] = ()) -> list[PackProblem]:
    """Every problem in one pack file (or a directory of packs), for ``kapjournal prompts check``.

    With ``against`` (e.g. :func:`builtin_prompt_dirs`), ids clashing with those packs and
    follow-ups of commitments defined there are checked too. An empty list means all is well.
    """
    path = Path(path)
    mine = _pack_files([path])
    if not mine:
        reason = "has no *.toml packs" if path.is_dir() else "no such file"
        return [PackProblem(path, None, None, None, reason)]
    resolved = {p.resolve() for p in mine}
    others = [p for p in _pack_files(against) if p.resolve() not in resolved]
    catalog = load_packs([*others, *mine])
    return [p for p in catalog.problems if p.file.resolve() in resolved]


def builtin_prompt_dirs() -> list[Path]:
    """The prompts shipped with kapjournal: inside the wheel, or ``prompts/`` in a checkout."""
    packaged = importlib.resources.files("kapjournal") / "_prompts"
    if packaged.is_dir():
        return [Path(str(packaged))]
    return [Path(__file__).resolve().parent.parent / "prompts"]
