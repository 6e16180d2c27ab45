"""Importing other journals' JSON exports (jrnl, Day One), and kapjournal's own everything-export.

Parsing is pure (bytes in, entries out). Each entry keeps its date, text and tags, and carries
``source = "<format>:<sha256 of the entry's canonical JSON>"`` so importing the same file twice,
or two overlapping exports, adds nothing twice. The canonical JSON has the tags sorted: jrnl writes
an entry's tags in a different order on each export, and the order means nothing. (Fingerprints
from before that are still recognised, so nothing imported then comes in again.) Imported
reflections are private, like any new one: sharing stays the patient's choice, entry by entry.

Day One: a ``.zip`` export is read as it is (its JSON files only, in memory, within size limits;
nothing is extracted, so no member name can reach the disk); photo, video and audio links and the
U+FFFC placeholder become a short note ("[photo]") so the text reads cleanly and still says one
was there; an entry without a known time zone is kept in local time.

``kapjournal-json`` is what ``kapjournal export --everything`` writes (see docs/EXPORT.md): every
record comes back with its own id, so importing it into a new journal moves a journal to a new
machine, and importing it twice adds nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kapjournal import dates, records
from kapjournal.errors import KapJournalError, RecordError
from kapjournal.records import Record, Reflection

if TYPE_CHECKING:
    from kapjournal.journal import Journal

FORMATS = ("jrnl-json", "dayone-json", "kapjournal-json")
_DAYONE_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
# ![](dayone-moment://ID), ![](dayone-moment:/video/ID), …: an attachment shown inline.
_DAYONE_MOMENT = re.compile(
    r"!\[[^\]\n]*\]\(dayone-moment:/{1,2}(?:(video|audio|pdfAttachment)/)?[^)\s]*\)"
)
_MOMENT_NOTE = {None: "[photo]", "video": "[video]", "audio": "[audio]", "pdfAttachment": "[PDF]"}
_NOTES = re.compile(r"(\[(?:photo|video|audio|PDF|attachment)\])(?:[ \t]*\1)+")
OBJECT_REPLACEMENT = "\ufffc"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_MAX_MEMBERS = 100_000  # photos included; only JSON files are read
ZIP_MAX_JSON_BYTES = 256 * 1024 * 1024  # all JSON read from one zip, uncompressed
ZIP_MAX_RATIO = 200  # uncompressed / compressed above this is a zip bomb, not a journal


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
    aliases: tuple[str, ...] = ()  # older fingerprints of the same entry (tags in their order)


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    skipped: int  # already imported (same source)


def _fingerprint(prefix: str, raw: dict[str, Any]) -> str:
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{prefix}:{hashlib.sha256(canonical.encode()).hexdigest()}"


def _fingerprints(prefix: str, raw: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The entry's fingerprint with its tags in sorted order, and the older one (as given)."""
    tags = raw.get("tags")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return _fingerprint(prefix, raw), ()
    ordered = sorted(tags)
    if ordered == tags:  # already in order: the old fingerprint is the same
        return _fingerprint(prefix, raw), ()
    return _fingerprint(prefix, {**raw, "tags": ordered}), (_fingerprint(prefix, raw),)


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
        source, aliases = _fingerprints("jrnl", raw)
        out.append(
            Entry(
                created=created,
                title=_text(raw, "title", where).strip(),
                body=_text(raw, "body", where).strip("\n"),
                tags=tags,
                source=source,
                aliases=aliases,
            )
        )
    return out


def parse_dayone(data: bytes, tz: tzinfo | None = None) -> list[Entry]:
    """A Day One export: its ``.zip`` as it is, or a JSON file from one (``Journal.json``).

    Times are in each entry's own zone; without one (or an unknown one), in ``tz`` or local time.
    """
    if data.startswith(ZIP_MAGIC):
        return [e for doc in dayone_zip_documents(data) for e in parse_dayone(doc, tz)]
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
        created = dates.imported(  # no zone given: the patient's local time
            created, _zone(raw.get("timeZone")) or tz, f"{where}: the date"
        )
        text = _dayone_text(_text(raw, "text", where), bool(raw.get("photos")))
        title = ""
        first, _, rest = text.partition("\n")
        if first.startswith("# "):
            title, text = first[2:].strip(), rest.strip("\n")
        tags = _tags(raw.get("tags"), where)
        if raw.get("starred") is True and "starred" not in tags:
            tags += ("starred",)
        source, aliases = _fingerprints("dayone", raw)
        out.append(Entry(created, title, text, tags, source, aliases))
    return out


def _dayone_text(text: str, has_photos: bool) -> str:
    """Day One's Markdown unescaped, attachments as a short note saying one was there."""
    text = _DAYONE_ESCAPE.sub(r"\1", text)
    text = _DAYONE_MOMENT.sub(lambda m: _MOMENT_NOTE[m.group(1)], text)
    if OBJECT_REPLACEMENT in text:
        text = text.replace(OBJECT_REPLACEMENT, "[photo]" if has_photos else "[attachment]")
    text = _NOTES.sub(r"\1", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def dayone_zip_documents(data: bytes) -> list[bytes]:
    """The JSON journals in a Day One ``.zip``, read in memory within limits (never extracted).

    Refused, with a clear message: a damaged zip, too many members, a member whose name leaves
    the archive (``..`` or an absolute path), and anything that inflates far beyond its size.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ImportFileError("this .zip file is damaged or is not a zip file") from None
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise ImportFileError("this .zip holds too many files to be a Day One export")
        docs: list[bytes] = []
        total = 0
        for info in members:
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
                raise ImportFileError("this .zip has a file whose name leaves the archive; refused")
            if info.is_dir() or name.suffix.lower() != ".json" or len(name.parts) > 1:
                continue  # photos, videos and anything in a folder: not read
            if info.flag_bits & 0x1:
                raise ImportFileError(
                    "this .zip is password-protected; export it again without one"
                )
            budget = ZIP_MAX_JSON_BYTES - total
            if (
                info.file_size > budget
                or info.file_size > max(info.compress_size, 1) * ZIP_MAX_RATIO
            ):
                raise ImportFileError("this .zip inflates far beyond its size; refused as unsafe")
            try:
                with archive.open(info) as member:
                    doc = member.read(budget + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
                raise ImportFileError("this .zip file is damaged") from None
            if len(doc) > budget or len(doc) > max(info.compress_size, 1) * ZIP_MAX_RATIO:
                raise ImportFileError("this .zip inflates far beyond its size; refused as unsafe")
            total += len(doc)
            docs.append(doc)
    if not docs:
        raise ImportFileError("this .zip holds no Day One journal (no .json file at its top level)")
    return docs


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
EVERYTHING_FORMAT = "kapjournal-everything"
EVERYTHING_VERSIONS = (1,)
MAX_ID = 200


def parse(fmt: str, data: bytes, tz: tzinfo | None = None) -> list[Entry]:
    if fmt == "kapjournal-json":
        raise ImportFileError("use parse_everything for kapjournal-json")
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
        if e.source in seen or any(a in seen for a in e.aliases):
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


# --- kapjournal's own everything-export -----------------------------------------------------


def is_age(data: bytes) -> bool:
    """Whether ``data`` is an age-encrypted file (binary or armored)."""
    return data.startswith((b"age-encryption.org/v1\n", b"-----BEGIN AGE ENCRYPTED FILE-----"))


def age_kind(data: bytes) -> str:
    """ "passphrase" or "key": how an age file was encrypted, from its header."""
    head = data[:4096]
    if head.startswith(b"-----BEGIN AGE"):
        return "unknown"
    return "passphrase" if b"\n-> scrypt " in head else "key"


def open_everything(data: bytes, passphrase: Callable[[], str]) -> bytes:
    """The plaintext of an everything-export: as is, or decrypted with the asked passphrase."""
    if not is_age(data):
        return data
    kind = age_kind(data)
    if kind != "passphrase":
        raise ImportFileError(
            "this file is encrypted to an age key, not a passphrase; open it first with "
            "age -d -i YOUR-KEY-FILE, then import what that writes"
        )
    import pyrage

    from kapjournal.summary.sharing import decrypt_passphrase

    try:
        return decrypt_passphrase(data, passphrase())
    except KapJournalError as exc:
        raise ImportFileError(f"{exc}; nothing was imported") from None
    except pyrage.DecryptError:
        raise ImportFileError(
            "that passphrase does not open this file (or the file is damaged); nothing was imported"
        ) from None


def parse_everything(data: bytes) -> list[Record]:
    """Every record of a ``kapjournal-everything`` export, checked as strictly as the journal.

    A file that is not one, from a newer version, or with a record that does not read, is
    refused whole with a message naming the record's number (never its text): nothing is
    imported from a file that is not entirely right.
    """
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ImportFileError("this is not a kapjournal export (not valid JSON)") from None
    if not isinstance(doc, dict) or doc.get("format") != EVERYTHING_FORMAT:
        raise ImportFileError(
            "this is not a kapjournal export --everything file (its format is not "
            f'"{EVERYTHING_FORMAT}")'
        )
    version = doc.get("version")
    if version not in EVERYTHING_VERSIONS:
        raise ImportFileError(
            f"this export is format version {version!r}; this kapjournal reads version 1 "
            "(update kapjournal to import it)"
        )
    raw_records = doc.get("records")
    if not isinstance(raw_records, list):
        raise ImportFileError('this kapjournal export has no "records" list')
    out: list[Record] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_records, start=1):
        where = f"record {number}"
        if not isinstance(raw, dict):
            raise ImportFileError(f"{where} is not an object")
        rid = raw.get("id")
        if not isinstance(rid, str) or not rid or len(rid) > MAX_ID or not rid.isprintable():
            raise ImportFileError(f"{where} has no usable id")
        if rid in seen:
            raise ImportFileError(f"{where} repeats the id of an earlier record")
        seen.add(rid)
        try:
            record = records.from_dict(raw)
        except RecordError as exc:
            raise ImportFileError(f"{where}: {exc}") from None
        if record.created.tzinfo is None or record.updated.tzinfo is None:
            raise ImportFileError(f"{where}: its times have no time zone")
        out.append(record)
    counts = doc.get("counts")
    if isinstance(counts, dict):
        found: dict[str, int] = {}
        for r in out:
            found[r.kind] = found.get(r.kind, 0) + 1
        if {k: v for k, v in counts.items() if v} != found:
            raise ImportFileError("this export's record counts do not match its records; damaged?")
    return out


def import_records(journal: Journal, found: Sequence[Record]) -> ImportResult:
    """Save records under their own ids in one transaction; one already there is left as it is."""
    batch = [r for r in found if journal.get(r.id) is None]
    if batch:
        journal.save_many(batch)
    return ImportResult(added=len(batch), skipped=len(found) - len(batch))
