"""Importing other journals' JSON exports (jrnl, Day One) as private reflections.

Parsing is pure (bytes in, entries out). Each entry keeps its date, text and tags, and carries
``source = "<format>:<sha256 of the entry's canonical JSON>"`` so importing the same file twice,
or two overlapping exports, adds nothing twice. Imported reflections are private, like any new
one: sharing stays the patient's choice, entry by entry.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kapjournal import dates
from kapjournal.errors import KapJournalError
from kapjournal.records import Reflection

if TYPE_CHECKING:
    from kapjournal.journal import Journal

FORMATS = ("jrnl-json", "dayone-json")
_DAYONE_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")


class ImportFileError(KapJournalError, ValueError):
    """The file is not the export it was said to be. Messages name entries, never their text."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry from another journal, ready to become a Reflection."""

    created: datetime
    title: str
    body: str
    tags: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    skipped: int  # already imported (same source)


def _fingerprint(prefix: str, raw: dict[str, Any]) -> str:
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{prefix}:{hashlib.sha256(canonical.encode()).hexdigest()}"


def _tags(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise ImportFileError(f"{where}: tags must be a list of words")
    seen: dict[str, None] = {}
    for tag in raw:
        tag = tag.strip().lstrip("@#").strip()
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


def _entries(data: bytes, what: str) -> list[Any]:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ImportFileError(f"this is not a {what} JSON export (not valid JSON)") from None
    entries = doc.get("entries") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ImportFileError(f'this is not a {what} JSON export (no "entries" list)')
    return entries


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportFileError(f"{where}: {key} must be text")
    return value


def parse_jrnl(data: bytes, tz: tzinfo | None = None) -> list[Entry]:
    """A ``jrnl --format json`` export. Dates are local times: in ``tz``, or the system's."""
    out = []
    for number, raw in enumerate(_entries(data, "jrnl"), start=1):
        where = f"entry {number}"
        if not isinstance(raw, dict):
            raise ImportFileError(f"{where} is not an object")
        try:
            day = datetime.strptime(str(raw["date"]), "%Y-%m-%d").date()
            at = datetime.strptime(str(raw["time"]), "%H:%M").time() if raw.get("time") else time(0)
        except (KeyError, ValueError):
            raise ImportFileError(
                f"{where}: the date must look like 2020-01-31 and time like 09:00"
            ) from None
        naive = datetime.combine(day, at)
        created = dates.imported(naive, tz, f"{where}: the date")
        tags = _tags(raw.get("tags"), where)
        if raw.get("starred") is True and "starred" not in tags:
            tags += ("starred",)
        out.append(
            Entry(
                created=created,
                title=_text(raw, "title", where).strip(),
                body=_text(raw, "body", where).strip("\n"),
                tags=tags,
                source=_fingerprint("jrnl", raw),
            )
        )
    return out


def parse_dayone(data: bytes, tz: tzinfo | None = None) -> list[Entry]:
    """A Day One JSON export (``Journal.json`` in its zip): times in each entry's own zone."""
    out = []
    for number, raw in enumerate(_entries(data, "Day One"), start=1):
        where = f"entry {number}"
        if not isinstance(raw, dict):
            raise ImportFileError(f"{where} is not an object")
        try:
            created = datetime.fromisoformat(str(raw["creationDate"]).replace("Z", "+00:00"))
        except (KeyError, ValueError):
            raise ImportFileError(f"{where}: creationDate must be an ISO date and time") from None
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        created = dates.imported(
            created, _zone(raw.get("timeZone")) or tz or UTC, f"{where}: the date"
        )
        text = _DAYONE_ESCAPE.sub(r"\1", _text(raw, "text", where)).strip("\n")
        title = ""
        first, _, rest = text.partition("\n")
        if first.startswith("# "):
            title, text = first[2:].strip(), rest.strip("\n")
        tags = _tags(raw.get("tags"), where)
        if raw.get("starred") is True and "starred" not in tags:
            tags += ("starred",)
        out.append(Entry(created, title, text, tags, _fingerprint("dayone", raw)))
    return out


def _zone(name: Any) -> tzinfo | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


PARSERS: dict[str, Callable[[bytes, tzinfo | None], list[Entry]]] = {
    "jrnl-json": parse_jrnl,
    "dayone-json": parse_dayone,
}


def parse(fmt: str, data: bytes, tz: tzinfo | None = None) -> list[Entry]:
    try:
        parser = PARSERS[fmt]
    except KeyError:
        raise ImportFileError(f"format must be one of: {', '.join(FORMATS)}") from None
    return parser(data, tz)


def import_entries(journal: Journal, entries: Sequence[Entry]) -> ImportResult:
    """Save new entries as private reflections in one transaction; skip ones already imported."""
    seen = {r.source for r in journal.reflections(drafts=True) if r.source}
    batch = []
    for e in entries:
        if e.source in seen:
            continue
        seen.add(e.source)
        batch.append(
            journal.new(
                Reflection,
                created=e.created,
                title=e.title,
                body=e.body,
                tags=e.tags,
                source=e.source,
            )
        )
    if batch:
        journal.save_many(batch)
    return ImportResult(added=len(batch), skipped=len(entries) - len(batch))
