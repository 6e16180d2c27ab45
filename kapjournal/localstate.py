"""What this computer remembers about each journal, outside the file: never journal content.

A random device id (the first half of every version's "dot"), and per journal id: the highest
version vector seen (to notice an older copy put in place of the journal), the highest counter
this device has used (never lowered, so a dot is never reused), and the journal's public key for
capture (pinned the first time it is seen after unlocking). Files are 0600 in a 0700 folder and
replaced atomically; a damaged or hostile file counts as empty.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kapjournal.paths import ensure_private_dir, state_dir

MAX_STATE_BYTES = 256 * 1024


def _read_json(path: Path) -> dict[str, Any]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return {}
    try:
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_STATE_BYTES + 1)
    except OSError:
        return {}
    if len(raw) > MAX_STATE_BYTES:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Best effort: a state that cannot be written weakens a warning, it never stops a save."""
    with contextlib.suppress(OSError):
        ensure_private_dir(path.parent)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, sort_keys=True)
        os.replace(tmp, path)


def device_id() -> str:
    """This computer's random id (16 hex digits), made on first use."""
    path = state_dir() / "device-id"
    data = _read_json(path)
    dev = data.get("device")
    if isinstance(dev, str) and len(dev) == 16 and all(c in "0123456789abcdef" for c in dev):
        return dev
    dev = secrets.token_hex(8)
    _write_json(path, {"device": dev})
    return dev


def _vv(data: Any) -> dict[str, int]:
    if not isinstance(data, dict):
        return {}
    return {
        k: v
        for k, v in data.items()
        if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
    }


@dataclass
class Marks:
    """The marks kept for one journal id."""

    vault_id: str
    seen: dict[str, int] = field(default_factory=dict)
    used: dict[str, int] = field(default_factory=dict)
    capture_pub: str = ""

    @property
    def path(self) -> Path:
        return state_dir() / "journals" / f"{uuid.UUID(self.vault_id)}.json"

    @classmethod
    def load(cls, vault_id: str) -> Marks:
        marks = cls(vault_id)
        data = _read_json(marks.path)
        marks.seen = _vv(data.get("seen"))
        marks.used = _vv(data.get("used"))
        pub = data.get("capture_pub")
        marks.capture_pub = pub if isinstance(pub, str) and len(pub) < 200 else ""
        return marks

    def save(self) -> None:
        _write_json(
            self.path, {"seen": self.seen, "used": self.used, "capture_pub": self.capture_pub}
        )

    def behind(self, vv: dict[str, int]) -> bool:
        """Whether ``vv`` is older than what this computer has seen of the journal."""
        return any(vv.get(dev, 0) < ctr for dev, ctr in self.seen.items())

    def record(self, vv: dict[str, int], dev: str | None = None, ctr: int = 0) -> None:
        for d, c in vv.items():
            if c > self.seen.get(d, 0):
                self.seen[d] = c
        if dev is not None and ctr > self.used.get(dev, 0):
            self.used[dev] = ctr
        self.save()

    def accept(self, vv: dict[str, int]) -> None:
        """The patient restored this older copy on purpose: it becomes the mark."""
        self.seen = dict(vv)
        self.save()


def _places_path() -> Path:
    return state_dir() / "journals" / "places.json"


def journal_at(path: Path) -> str | None:
    """The id of the journal this computer last unlocked at ``path``, if any."""
    found = _read_json(_places_path()).get(str(path.absolute()))
    return found if isinstance(found, str) else None


def remember_place(path: Path, vault_id: str) -> None:
    """Which journal lives at which path: so a file whose id was changed is not mistaken for it."""
    places = _read_json(_places_path())
    key = str(path.absolute())
    if places.get(key) != vault_id:
        places[key] = vault_id
        if len(places) > 200:  # a few journals at most; never let it grow without bound
            places = dict(list(places.items())[-200:])
        _write_json(_places_path(), places)
