"""The journal's records as plain dataclasses, and their JSON form inside an encrypted payload.

Every record has ``id``, ``kind``, ``created`` and ``updated``. Records are frozen: change one
with :func:`dataclasses.replace` and save the copy. Nothing here does I/O or reads the clock.
"""

from __future__ import annotations

import dataclasses
import operator
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Union

import orjson

from kapjournal.errors import RecordError

ROUTES = ("iv", "im", "intranasal", "sublingual", "oral", "other")
ROUTE_LABELS = {
    "iv": "IV infusion",
    "im": "IM injection",
    "intranasal": "intranasal",
    "sublingual": "sublingual lozenge",
    "oral": "oral",
    "other": "other",
}
SIDE_EFFECTS = (
    "nausea",
    "vomiting",
    "dizziness",
    "headache",
    "raised blood pressure",
    "sedation",
    "anxiety",
    "other",
)
CHECKIN_CONTEXTS = ("daily", "before-session", "after-session")
# Optional questions after a session that a KAP clinician watches, each answered 0, 1 or 2
# (see AFTER_EFFECTS for the words). None means not asked or not answered.
AFTER_EFFECTS = ("urinary", "sleep", "lasting_dissociation", "urges")
INSTRUMENTS = ("phq9", "gad7", "pcl5")

_BP = re.compile(r"^\d{2,3}/\d{2,3}$")


def _check_scale(name: str, value: int | None, *, required: bool = False) -> None:
    if value is None:
        if required:
            raise RecordError(f"{name} is required")
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise RecordError(f"{name} must be a whole number from 0 to 10")


@dataclass(frozen=True, slots=True, repr=False)
class Record:
    """Fields every record shares."""

    id: str
    created: datetime
    updated: datetime

    kind: ClassVar[str] = ""

    def __repr__(self) -> str:
        # Never the patient's words: a record may end up in a log or an error report.
        return f"<{type(self).__name__} {self.id}>"

    @property
    def at(self) -> datetime:
        """When the record happened, for ordering in time."""
        return self.created


@dataclass(frozen=True, slots=True, repr=False)
class DosingSession(Record):
    """A ketamine dosing session (named so to keep clear of SQLAlchemy's Session)."""

    when: datetime
    number: int = 0
    route: str = "other"
    dose: str = ""
    setting: str = ""
    support: str = ""
    intention: str = ""
    side_effects: frozenset[str] = frozenset()
    dissociation: int | None = None
    bp_before: str = ""
    bp_after: str = ""
    notes: str = ""

    kind: ClassVar[str] = "session"

    def __post_init__(self) -> None:
        if self.route not in ROUTES:
            raise RecordError(f"route must be one of: {', '.join(ROUTES)}")
        unknown = set(self.side_effects) - set(SIDE_EFFECTS)
        if unknown:
            raise RecordError(f"unknown side effect; choose from: {', '.join(SIDE_EFFECTS)}")
        _check_scale("dissociation", self.dissociation)
        for name in ("bp_before", "bp_after"):
            value = getattr(self, name)
            if value and not _BP.match(value):
                raise RecordError("blood pressure is written like 120/80")
        if self.number < 0:
            raise RecordError("session number cannot be negative")

    @property
    def at(self) -> datetime:
        return self.when


@dataclass(frozen=True, slots=True, repr=False)
class Reflection(Record):
    """A journal entry: free writing, or the answers to an exercise's steps."""

    exercise_id: str | None = None
    session_id: str | None = None
    title: str = ""
    answers: tuple[str, ...] = ()
    body: str = ""
    tags: tuple[str, ...] = ()
    share: bool = False
    draft: bool = False
    source: str = ""  # where an imported entry came from, so importing twice adds nothing twice

    kind: ClassVar[str] = "reflection"

    @property
    def text(self) -> str:
        """All the patient's words in this reflection."""
        return "\n\n".join([*(a for a in self.answers if a), *([self.body] if self.body else [])])


@dataclass(frozen=True, slots=True, repr=False)
class CheckIn(Record):
    """A mood check-in on 0–10 scales (not a validated measure)."""

    mood: int = 5
    anxiety: int | None = None
    energy: int | None = None
    note: str = ""
    context: str = "daily"
    session_id: str | None = None
    # After-session questions (AFTER_EFFECTS), each 0, 1 or 2, or None when not answered.
    urinary: int | None = None  # bladder or urinary changes
    sleep: int | None = None  # trouble sleeping
    lasting_dissociation: int | None = None  # feeling detached or unreal past the day
    urges: int | None = None  # 0 none, 1 urges or cravings, 2 used outside a session

    kind: ClassVar[str] = "checkin"

    def __post_init__(self) -> None:
        _check_scale("mood", self.mood, required=True)
        _check_scale("anxiety", self.anxiety)
        _check_scale("energy", self.energy)
        for name in AFTER_EFFECTS:
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2
            ):
                raise RecordError(f"{name.replace('_', ' ')} must be 0, 1 or 2")
        if self.context not in CHECKIN_CONTEXTS:
            raise RecordError(f"context must be one of: {', '.join(CHECKIN_CONTEXTS)}")


@dataclass(frozen=True, slots=True, repr=False)
class Assessment(Record):
    """A completed questionnaire. The score is computed from the answers by ``measures``."""

    instrument: str = "phq9"
    answers: tuple[int, ...] = ()
    score: int = 0
    band: str = ""
    flags: tuple[str, ...] = ()
    session_id: str | None = None
    # The unscored "how difficult have these problems made it..." question of PHQ-9 and GAD-7:
    # 0 not difficult at all ... 3 extremely difficult; None when skipped (and in old records).
    difficulty: int | None = None

    kind: ClassVar[str] = "assessment"

    def __post_init__(self) -> None:
        if self.instrument not in INSTRUMENTS:
            raise RecordError(f"instrument must be one of: {', '.join(INSTRUMENTS)}")
        if self.difficulty is not None:
            if self.instrument == "pcl5":
                raise RecordError("the PCL-5 has no difficulty question")
            if (
                isinstance(self.difficulty, bool)
                or not isinstance(self.difficulty, int)
                or not 0 <= self.difficulty <= 3
            ):
                raise RecordError("the difficulty answer must be a whole number from 0 to 3")


@dataclass(frozen=True, slots=True, repr=False)
class SafetyPlan(Record):
    """The patient's own safety plan, in their words."""

    warning_signs: str = ""
    coping: str = ""  # things I can do on my own that help
    people_places: str = ""  # people and places that take my mind off things
    # People I can ask for help. Before the plan had a separate professionals section this
    # field held both, so an old plan's professionals stay here, in the patient's words.
    contacts: str = ""
    professionals: str = ""  # professionals and services to contact in a crisis
    safe_surroundings: str = ""  # making my surroundings safe
    reasons: str = ""  # what matters to me, reasons for living

    kind: ClassVar[str] = "safety_plan"


@dataclass(frozen=True, slots=True, repr=False)
class Settings(Record):
    """Preferences, kept encrypted because the therapist's name and region are personal too."""

    autolock_minutes: int = 5
    region: str = "INT"  # crisis lines: a country code, or INT for the international list
    theme: str = "textual-dark"
    therapist_name: str = ""
    therapist_contact: str = ""
    therapist_recipient: str = ""  # an age1… public key

    kind: ClassVar[str] = "settings"

    def __post_init__(self) -> None:
        if not 0 <= self.autolock_minutes <= 240:
            raise RecordError("auto-lock must be between 0 (off) and 240 minutes")
        recipient = self.therapist_recipient
        if recipient and not re.fullmatch(r"age1[02-9ac-hj-np-z]{58}", recipient):
            raise RecordError("a therapist's key looks like age1 followed by 58 letters and digits")


@dataclass(frozen=True, slots=True, repr=False)
class ShareLog(Record):
    """One export the patient made: when, what range, in which format, for whom, how much.

    ``counts`` says how many records of each kind went out and ``digest`` (SHA-256 of their ids
    and versions) lets two exports be compared, without the log holding every record's id.
    ``item_ids`` is only in logs written before that; they still load, and it stays empty now.
    """

    since: date | None = None
    until: date | None = None
    format: str = "md"
    include: str = "shared"
    recipient: str = ""  # age recipient, "passphrase", or "none"
    item_ids: tuple[str, ...] = ()  # old logs only
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    digest: str = ""

    kind: ClassVar[str] = "share_log"


KINDS: dict[str, type[Record]] = {
    cls.kind: cls
    for cls in (DosingSession, Reflection, CheckIn, Assessment, SafetyPlan, Settings, ShareLog)
}


# --- JSON form ---------------------------------------------------------------------------------

Converter = Callable[[Any], Any]


def _decoder(tp: Any) -> Converter:
    """A function turning the JSON value of a field of type ``tp`` back into Python."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        decode_inner = _decoder(inner)
        return lambda v: None if v is None else decode_inner(v)
    if tp is datetime:
        return _aware
    if tp is date:
        return date.fromisoformat
    if origin is tuple:
        return tuple
    if origin is frozenset:
        return frozenset
    return lambda v: v


def _aware(value: Any) -> datetime:
    """A stored time; one written without an offset (never by us) is read as UTC, not refused."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    return value


_DECODERS: dict[str, tuple[frozenset[str], list[tuple[str, Converter]]]] = {}
_FAST: dict[
    str, tuple[Callable[[dict[str, Any]], tuple[Any, ...]], list[tuple[int, Converter]]]
] = {}


def _decoders(cls: type[Record]) -> tuple[frozenset[str], list[tuple[str, Converter]]]:
    """The field names of ``cls``, and a converter for each field whose JSON form differs."""
    found = _DECODERS.get(cls.kind)
    if found is None:
        hints = typing.get_type_hints(cls)
        names = frozenset(f.name for f in dataclasses.fields(cls))
        convert = []
        for name in sorted(names):
            tp = hints[name]
            if tp not in (str, int, bool, float, str | None, int | None):
                convert.append((name, _decoder(tp)))
        found = (names, convert)
        _DECODERS[cls.kind] = found
    return found


def _fast(
    cls: type[Record],
) -> tuple[Callable[[dict[str, Any]], tuple[Any, ...]], list[tuple[int, Converter]]]:
    """For a dict holding every field of ``cls``: a getter of the values in field order, and the
    converters by position. The same converters as :func:`_decoders`, one C call to read them."""
    found = _FAST.get(cls.kind)
    if found is None:
        order = [f.name for f in dataclasses.fields(cls)]
        by_name = dict(_decoders(cls)[1])
        convert = [(i, by_name[name]) for i, name in enumerate(order) if name in by_name]
        found = (operator.itemgetter(*order), convert)
        _FAST[cls.kind] = found
    return found


def to_dict(record: Record) -> dict[str, Any]:
    """The record as JSON-ready values, with its kind."""
    out: dict[str, Any] = {"kind": record.kind}
    for f in dataclasses.fields(record):
        out[f.name] = _encode(getattr(record, f.name))
    return out


def from_dict(data: dict[str, Any]) -> Record:
    """Build a record from :func:`to_dict`'s output; fields from newer versions are left out."""
    return _build(dict(data))


def _build(data: dict[str, Any]) -> Record:
    """:func:`from_dict` on a dict we own and may change (the hot path of loading a journal)."""
    try:
        cls = KINDS[data.pop("kind")]
    except (KeyError, TypeError) as exc:
        raise RecordError("unknown record kind") from exc
    get, by_position = _fast(cls)
    try:
        values = list(get(data))
    except KeyError:
        pass  # a field is missing (written by an older version): the general path below
    else:
        try:
            for i, decode in by_position:
                values[i] = decode(values[i])
            return cls(*values)
        except (TypeError, ValueError) as exc:
            raise RecordError("record has a missing or malformed field") from exc
    names, convert = _decoders(cls)
    try:
        if not data.keys() <= names:
            data = {k: v for k, v in data.items() if k in names}
        for name, decode in convert:
            if name in data:
                data[name] = decode(data[name])
        return cls(**data)
    except (TypeError, ValueError) as exc:
        raise RecordError("record has a missing or malformed field") from exc


def to_json(record: Record) -> bytes:
    return orjson.dumps(to_dict(record))


def from_json(raw: bytes) -> Record:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise RecordError("record is not valid JSON") from exc
    if not isinstance(data, dict):
        raise RecordError("record is not a JSON object")
    return _build(data)


def searchable_text(record: Record) -> str:
    """The words a search should find in a record, case-folded."""
    match record:
        case Reflection():
            parts = [record.title, record.text, " ".join(record.tags)]
        case DosingSession():
            parts = [
                f"session {record.number}",
                ROUTE_LABELS.get(record.route, record.route),
                record.dose,
                record.setting,
                record.support,
                record.intention,
                record.notes,
                " ".join(sorted(record.side_effects)),
            ]
        case CheckIn():
            parts = ["check-in", record.note]
        case Assessment():
            parts = [record.instrument, record.band]
        case _:
            parts = []
    return "\n".join(p for p in parts if p).casefold()
