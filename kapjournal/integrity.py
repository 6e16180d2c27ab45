"""The journal's proof that it is whole: the head, the ledger, and what a mismatch means in words.

The head (one sealed row) holds the version vector, the ids of the key slots and keys, the version
of each of the 256 ledger buckets and a digest over every item version. The ledger (sealed buckets)
holds, for each item id, the dot of its latest version, whether it is a tombstone, its kind and day.
Comparing the rows on disk with the ledger names what was deleted, replayed, resurrected or planted.
No I/O and no cryptography here: ``Journal`` reads, opens and seals.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

BUCKETS = 256
DIGEST_MOD = 1 << 256

KIND_WORDS = {
    "session": "session",
    "reflection": "reflection",
    "checkin": "check-in",
    "assessment": "questionnaire",
    "safety_plan": "safety plan",
    "settings": "settings",
    "share_log": "record of a summary you shared",
}

# A ledger entry: [dev, ctr, tomb, kind, day, kid, hash as hex]
Entry = list[Any]


def matches(entry: Entry, dev: str, ctr: int, tomb: int, kid: str, hash_: bytes) -> bool:
    """Whether a row is exactly the version a ledger entry records."""
    return (dev, ctr, tomb, kid, hash_.hex()) == (entry[0], entry[1], entry[2], entry[5], entry[6])


def bucket_of(item_id: str) -> int:
    """Which ledger bucket holds an id (its first BLAKE2b byte: even for hostile ids)."""
    return hashlib.blake2b(item_id.encode("utf-8", "surrogatepass"), digest_size=1).digest()[0]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a journal, in one plain line (never its contents)."""

    kind: str  # missing, replayed, resurrected, foreign, extra, damaged, slot, keyring, head,
    # ledger, rollback, sqlite, secret, capture
    message: str
    item_id: str | None = None

    def __str__(self) -> str:
        return self.message


@dataclass
class Head:
    """The decoded head record."""

    kid: str
    vv: dict[str, int] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    slots: dict[str, str] = field(default_factory=dict)
    rpub: str = ""  # base64 recovery public key; "" when the slot is format 1's or unknown
    cpub: str = ""  # base64 capture public key
    secrets: list[str] = field(default_factory=list)
    buckets: list[int] = field(default_factory=lambda: [0] * BUCKETS)
    digest: int = 0
    live: int = 0
    tombs: int = 0

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {
                "kid": self.kid,
                "vv": self.vv,
                "keys": self.keys,
                "slots": self.slots,
                "rpub": self.rpub,
                "cpub": self.cpub,
                "secrets": sorted(self.secrets),
                "buckets": self.buckets,
                "digest": f"{self.digest % DIGEST_MOD:064x}",
                "live": self.live,
                "tombs": self.tombs,
            }
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> Head:
        """Parse strictly; any surprise is a ``ValueError`` (the head counts as damaged)."""
        data = orjson.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("head is not an object")
        head = cls(
            kid=_str(data["kid"]),
            vv={_str(k): _int(v) for k, v in _dict(data["vv"]).items()},
            keys=[_str(k) for k in _list(data["keys"])],
            slots={_str(k): _str(v) for k, v in _dict(data["slots"]).items()},
            rpub=_str(data["rpub"]),
            cpub=_str(data["cpub"]),
            secrets=[_str(s) for s in _list(data["secrets"])],
            buckets=[_int(b) for b in _list(data["buckets"])],
            digest=int(_str(data["digest"]), 16),
            live=_int(data["live"]),
            tombs=_int(data["tombs"]),
        )
        if len(head.buckets) != BUCKETS:
            raise ValueError("head has the wrong number of buckets")
        return head

    def copy(self) -> Head:
        return Head.from_bytes(self.to_bytes())


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("expected text")
    return v


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError("expected a whole number")
    return v


def _dict(v: Any) -> dict[Any, Any]:
    if not isinstance(v, dict):
        raise ValueError("expected an object")
    return v


def _list(v: Any) -> list[Any]:
    if not isinstance(v, list):
        raise ValueError("expected a list")
    return v


def parse_bucket(raw: bytes) -> dict[str, Entry]:
    data = orjson.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("bucket is not an object")
    for key, entry in data.items():
        if not (
            isinstance(key, str)
            and isinstance(entry, list)
            and len(entry) == 7
            and isinstance(entry[0], str)
            and isinstance(entry[1], int)
            and entry[2] in (0, 1)
            and isinstance(entry[5], str)
            and isinstance(entry[6], str)
        ):
            raise ValueError("bucket entry is malformed")
    return data


def sentence(text: str) -> str:
    """The text with its first letter made upper case (the rest untouched)."""
    return text[:1].upper() + text[1:]


def what(entry: Entry | None) -> str:
    """ "a reflection from 3 Nov 2026", from a ledger entry; "an entry" when unknown."""
    if not entry:
        return "an entry"
    word = KIND_WORDS.get(entry[3], "entry")
    article = "an" if word[0] in "aeiou" else "a"
    try:
        day = date.fromisoformat(entry[4])
        return f"{article} {word} from {day.day} {day:%b %Y}"
    except (TypeError, ValueError):
        return f"{article} {word}"


@dataclass
class RowCheck:
    """The result of comparing rows with the ledger: problems, and ids not to trust."""

    problems: list[Problem] = field(default_factory=list)
    excluded: set[str] = field(default_factory=set)


def compare_rows(
    dots: list[tuple[str, str, int, int, str, bytes]],
    ledger: dict[str, Entry],
    unverified: set[int],
    vv: dict[str, int] | None = None,
) -> RowCheck:
    """Each row against its ledger entry. Rows in unverified buckets are left to the digest.

    A row that differs from its entry is, in this order: *resurrected* (the entry is a
    tombstone, the row is live), *replayed* (an older counter of the same device), or *foreign*
    (anything else: a counter beyond what the head has seen, another device's dot, a tombstone
    where the entry is live). None of them is used.
    """
    out = RowCheck()
    expected = dict(ledger)
    seen = vv or {}
    for item_id, dev, ctr, tomb, kid, hash_ in dots:
        if unverified and bucket_of(item_id) in unverified:
            expected.pop(item_id, None)
            continue
        entry = expected.pop(item_id, None)
        if entry is None:
            out.excluded.add(item_id)
            out.problems.append(
                Problem(
                    "extra",
                    "An entry this journal never recorded was found in the file and is ignored "
                    "(it may have been copied in from another copy of the journal).",
                    item_id,
                )
            )
            continue
        if matches(entry, dev, ctr, tomb, kid, hash_):
            continue
        out.excluded.add(item_id)
        if entry[2] and not tomb:
            kind = "resurrected"
            message = (
                f"{sentence(what(entry))} that you deleted is back in the file (an old copy "
                "of it was put back); it stays deleted."
            )
        elif dev == entry[0] and ctr < entry[1] and ctr <= seen.get(dev, ctr):
            kind = "replayed"
            message = (
                f"An older version of {what(entry)} was put back in place of the latest; "
                "the older version is not used."
            )
        else:
            kind = "foreign"
            message = (
                f"{sentence(what(entry))} is not the version this journal recorded (it was "
                "changed, or comes from another copy of the journal); it is not used."
            )
        out.problems.append(Problem(kind, message, item_id))
    for item_id, entry in expected.items():
        if bucket_of(item_id) in unverified:
            continue
        if entry[2]:
            continue  # a tombstone row gone: nothing readable is lost
        out.problems.append(
            Problem("missing", f"{sentence(what(entry))} is missing from the file.", item_id)
        )
    return out
