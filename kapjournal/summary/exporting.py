"""One export, start to finish, for the CLI and the TUI alike: build, render, encrypt, write, log.

Takes any object with the ``Journal`` reading API (a Protocol, so ``summary`` never imports the
journal module and stays within its layer). Exports are written as they are made (never whole in
memory, except under a passphrase). The share log records each export: when, the range, the
format, what was included, for whom, how many records of each kind, and a digest of them (not
every record's id: a log is decrypted at every unlock, and ids say nothing a person needs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

import orjson

from kapjournal import dates, records
from kapjournal.records import Assessment, CheckIn, DosingSession, Record, Reflection, ShareLog
from kapjournal.summary import iter_render
from kapjournal.summary.build import DEFAULT_COMMITMENTS, DEFAULT_FOLLOWUPS, build_summary
from kapjournal.summary.model import Summary
from kapjournal.summary.sharing import recipient_label, write_stream

EVERYTHING_FORMAT = "kapjournal-everything"
EVERYTHING_VERSION = 1
DEFAULT_DAYS = 28
R = TypeVar("R", bound=Record)


class JournalLike(Protocol):
    clock: Callable[[], datetime]

    def sessions(self) -> list[DosingSession]: ...
    def reflections(self, *, drafts: bool = False) -> list[Reflection]: ...
    def checkins(self) -> list[CheckIn]: ...
    def assessments(self) -> list[Assessment]: ...
    def of_kind(self, kind: type[R]) -> list[R]: ...
    def add(self, kind: type[R], **values: Any) -> R: ...


@dataclass(frozen=True, slots=True)
class Written:
    """Where an export went and how it was protected."""

    path: Path
    recipient: str  # "age1…", "passphrase" or "none"
    size: int


def default_range(today: date, days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """The last ``days`` days, today included."""
    return today - timedelta(days=days - 1), today


def first_day(journal: JournalLike) -> date | None:
    """The day of the earliest session, reflection, check-in or assessment, for "everything"."""
    found = [
        first
        for group in (
            journal.sessions(),
            journal.reflections(),
            journal.checkins(),
            journal.assessments(),
        )
        if (first := next((r.at for r in group if dates.in_bounds(r.at)), None)) is not None
    ]  # a record dated outside 1900-2100 is a typo; it must not stretch the period to year 1
    return min(found).date() if found else None


def summary_from(
    journal: JournalLike,
    since: date | None,
    until: date | None,
    include: str = "shared",
    *,
    catalog: object | None = None,
) -> Summary:
    """The summary of ``since``..``until`` (None: the first record / today) from a journal."""
    today = journal.clock().date()
    until = until or today
    since = since or first_day(journal) or until
    steps: Any = DEFAULT_COMMITMENTS
    follow: Any = DEFAULT_FOLLOWUPS
    questions: Any = None
    if catalog is not None and getattr(catalog, "exercises", None):
        from kapjournal.summary.build import commitments_from, questions_from

        steps, follow = commitments_from(catalog)
        questions = questions_from(catalog)
    return build_summary(
        sessions=journal.sessions(),
        reflections=journal.reflections(),
        checkins=journal.checkins(),
        assessments=journal.assessments(),
        since=min(since, until),
        until=until,
        include=include,
        today=today,
        tz=journal.clock().tzinfo,
        commitment_steps=steps,
        followups=follow,
        questions=questions,
        made=journal.clock(),
    )


def export_summary(
    journal: JournalLike,
    summary: Summary,
    fmt: str,
    path: Path | str,
    *,
    recipient: str | None = None,
    passphrase: str | None = None,
) -> Written:
    """Render, encrypt, write (0600, never overwriting) and record it in the share log."""
    _check_writable(journal)
    chunks = iter_render(summary, fmt)
    written = write_stream(chunks, path, recipient=recipient, passphrase=passphrase)
    label = recipient_label(recipient, passphrase)
    log_export(journal, summary, fmt, label)
    return Written(written, label, written.stat().st_size)


def _check_writable(journal: JournalLike) -> None:
    """Refuse before writing a file when the share log could not be written afterwards (an older
    copy of the journal, which may hold what the patient un-shared since)."""
    check = getattr(journal, "check_writable", None)
    if check is not None:
        check()


def log_export(journal: JournalLike, summary: Summary, fmt: str, recipient: str) -> ShareLog:
    """Record a written summary in the share log (the TUI calls it once its worker has written)."""
    return journal.add(
        ShareLog,
        since=summary.since,
        until=summary.until,
        format=fmt,
        include=summary.include,
        recipient=recipient,
        counts=dict(summary.counts),
        digest=summary.digest,
    )


def everything(journal: JournalLike, kinds: Sequence[type[Record]] | None = None) -> bytes:
    """Every record, drafts and settings too, in the open ``kapjournal-everything`` JSON format."""
    return b"".join(iter_everything(journal, kinds))


def iter_everything(
    journal: JournalLike, kinds: Sequence[type[Record]] | None = None
) -> Iterator[bytes]:
    """:func:`everything` in pieces, one record per line (docs/EXPORT.md describes the format).

    ``{"format": "kapjournal-everything", "version": 1, "exported": <ISO time>,
    "counts": {<kind>: n}, "records": [<records.to_dict(record)>, ...]}``, records grouped by
    kind and oldest first; each has ``kind``, ``id``, ``created``, ``updated`` and its fields.
    """
    groups = [journal.of_kind(cls) for cls in (kinds or records.KINDS.values())]
    counts = Counter({g[0].kind: len(g) for g in groups if g})
    head = {
        "format": EVERYTHING_FORMAT,
        "version": EVERYTHING_VERSION,
        "exported": journal.clock().isoformat(),
        "counts": dict(counts),
    }
    yield orjson.dumps(head)[:-1] + b',"records":['
    first = True
    for group in groups:
        for record in group:
            yield (b"\n" if first else b",\n") + orjson.dumps(records.to_dict(record))
            first = False
    yield b"\n]}\n"


def export_everything(
    journal: JournalLike,
    path: Path | str,
    *,
    recipient: str | None = None,
    passphrase: str | None = None,
) -> Written:
    """Write :func:`iter_everything` and log it, with how many records of each kind went out."""
    _check_writable(journal)
    counts = {cls.kind: len(journal.of_kind(cls)) for cls in records.KINDS.values()}
    written = write_stream(
        iter_everything(journal), path, recipient=recipient, passphrase=passphrase
    )
    label = recipient_label(recipient, passphrase)
    journal.add(
        ShareLog,
        format="everything",
        include="everything",
        recipient=label,
        counts={k: n for k, n in counts.items() if n},
    )
    return Written(written, label, written.stat().st_size)
