"""Keys and sealing: the only module that imports ``cryptography``.

Format version 1 (see DESIGN.md §2): a random data key (DEK) is wrapped with AES-256-GCM in key
slots, one under an Argon2id key from the passphrase and one under the recovery key. Items are
sealed with a key derived from the DEK by HKDF, with AAD binding each blob to its journal and row.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kapjournal.errors import (
    BadRecoveryKey,
    DamagedItem,
    KdfTooCostly,
    NotAJournal,
    WrongPassphrase,
)

FORMAT = 1
BLOB_VERSION = b"\x01"
NONCE_BYTES = 12
PAD_TO = 256

# RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes.
DEFAULT_MEMORY_KIB = 64 * 1024
DEFAULT_PASSES = 3
DEFAULT_LANES = 4
MAX_MEMORY_KIB = 1024 * 1024
MAX_PASSES = 10
MAX_LANES = 64

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_FIX = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def _js(text: str) -> str:
    """A JSON string, exactly as ``json.dumps(text, ensure_ascii=False)`` writes it, but fast."""
    return encode_basestring(text)


def canonical(obj: Any) -> bytes:
    """Canonical JSON for AAD: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters, stored with each passphrase slot and bound into its AAD."""

    memory_kib: int = DEFAULT_MEMORY_KIB
    passes: int = DEFAULT_PASSES
    lanes: int = DEFAULT_LANES
    salt: bytes = field(default_factory=lambda: os.urandom(16))

    def to_json(self) -> dict[str, Any]:
        return {
            "alg": "argon2id",
            "m": self.memory_kib,
            "t": self.passes,
            "p": self.lanes,
            "salt": base64.b64encode(self.salt).decode(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KdfParams:
        try:
            if data["alg"] != "argon2id":
                raise KdfTooCostly("key slot uses an unknown key derivation")
            params = cls(
                int(data["m"]), int(data["t"]), int(data["p"]), base64.b64decode(data["salt"])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise NotAJournal("a key slot is malformed") from exc
        params.check_ceiling()
        return params

    def check_ceiling(self) -> None:
        """Refuse parameters that would make us spend unbounded memory or time, before running."""
        if self.memory_kib > MAX_MEMORY_KIB or self.passes > MAX_PASSES or self.lanes > MAX_LANES:
            raise KdfTooCostly(
                "the journal asks for key-derivation settings above kapjournal's limit "
                "(more than 1 GiB of memory or 10 passes); refusing to run them"
            )
        if self.memory_kib < 8 * self.lanes or self.passes < 1 or self.lanes < 1:
            raise NotAJournal("a key slot has impossible key-derivation settings")


def derive_passphrase_key(passphrase: str, params: KdfParams) -> bytes:
    """Argon2id over the NFC-normalised passphrase."""
    params.check_ceiling()
    kdf = Argon2id(
        salt=params.salt,
        length=32,
        iterations=params.passes,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode())


def _hkdf(secret: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


# --- recovery key ------------------------------------------------------------------------------


def _b32(data: bytes) -> str:
    bits = int.from_bytes(data, "big")
    nbits = len(data) * 8
    pad = (-nbits) % 5
    bits <<= pad
    n = (nbits + pad) // 5
    return "".join(_CROCKFORD[(bits >> (5 * (n - 1 - i))) & 31] for i in range(n))


def _unb32(text: str, nbytes: int) -> bytes:
    n = len(text)
    bits = 0
    for ch in text:
        bits = (bits << 5) | _CROCKFORD.index(ch)
    pad = n * 5 - nbytes * 8
    if pad < 0 or bits & ((1 << pad) - 1):
        raise ValueError("too short, or a typo in the last character")
    return (bits >> pad).to_bytes(nbytes, "big")


def new_recovery_key() -> tuple[bytes, str]:
    """32 random bytes and their printed form: Crockford base32 in groups of five, with a checksum."""
    raw = secrets.token_bytes(32)
    check = hashlib.sha256(b"kapjournal-recovery" + raw).digest()[:2]
    text = _b32(raw + check)  # 34 bytes -> 55 characters
    return raw, "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def parse_recovery_key(text: str) -> bytes:
    """The 32 bytes of a typed recovery key; a typo fails the checksum with a clear error."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CROCKFORD_FIX)
    if len(cleaned) != 55 or any(ch not in _CROCKFORD for ch in cleaned):
        raise BadRecoveryKey(
            "a recovery key has 55 letters and digits in 11 groups of five; check what you typed"
        )
    try:
        data = _unb32(cleaned, 34)
    except ValueError:
        raise BadRecoveryKey(
            "the recovery key has a typo somewhere; check each group again"
        ) from None
    raw, check = data[:32], data[32:]
    if hashlib.sha256(b"kapjournal-recovery" + raw).digest()[:2] != check:
        raise BadRecoveryKey("the recovery key has a typo somewhere; check each group again")
    return raw


# --- key slots ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A wrapped copy of the data key, as stored in the ``keyslot`` table."""

    id: str
    kind: str  # "passphrase" or "recovery"
    kdf_json: str
    nonce: bytes
    wrapped: bytes


def _slot_aad(vault_id: str, key_id: str, slot_id: str, kind: str, kdf_json: str) -> bytes:
    return canonical(
        {
            "app": "kapjournal",
            "fmt": FORMAT,
            "vault": vault_id,
            "kid": key_id,
            "slot": slot_id,
            "kind": kind,
            "kdf": json.loads(kdf_json),
        }
    )


def _wrap(slot_key: bytes, dek: bytes, vault_id: str, key_id: str, kind: str, kdf: dict) -> Slot:
    slot_id = str(uuid.uuid4())
    kdf_json = canonical(kdf).decode()
    nonce = os.urandom(NONCE_BYTES)
    aad = _slot_aad(vault_id, key_id, slot_id, kind, kdf_json)
    return Slot(slot_id, kind, kdf_json, nonce, AESGCM(slot_key).encrypt(nonce, dek, aad))


def _unwrap(slot_key: bytes, slot: Slot, vault_id: str, key_id: str) -> bytes | None:
    try:
        aad = _slot_aad(vault_id, key_id, slot.id, slot.kind, slot.kdf_json)
        return AESGCM(slot_key).decrypt(slot.nonce, slot.wrapped, aad)
    except (InvalidTag, ValueError):
        return None


def _recovery_slot_key(raw: bytes, vault_id: str) -> bytes:
    return _hkdf(raw, b"kapjournal/v1/recovery-slot", salt=vault_id.encode())


def passphrase_slot(
    passphrase: str, dek: bytes, vault_id: str, key_id: str, kdf: KdfParams
) -> Slot:
    key = derive_passphrase_key(passphrase, kdf)
    return _wrap(key, dek, vault_id, key_id, "passphrase", kdf.to_json())


def recovery_slot(raw: bytes, dek: bytes, vault_id: str, key_id: str) -> Slot:
    key = _recovery_slot_key(raw, vault_id)
    return _wrap(key, dek, vault_id, key_id, "recovery", {"alg": "hkdf-sha256"})


def slot_kdf(slot: Slot) -> KdfParams:
    """The slot's KDF parameters, checked against the ceiling (cheap: no KDF is run)."""
    try:
        data = json.loads(slot.kdf_json)
    except ValueError as exc:
        raise NotAJournal("a key slot is malformed") from exc
    return KdfParams.from_json(data)


def unlock_with_passphrase(passphrase: str, slots: list[Slot], vault_id: str, key_id: str) -> bytes:
    """The DEK, from the first passphrase slot that opens; the KDF runs once per distinct slot."""
    candidates = [s for s in slots if s.kind == "passphrase"]
    params = [slot_kdf(s) for s in candidates]  # refuse costly parameters before any KDF runs
    for slot, kdf in zip(candidates, params, strict=True):
        dek = _unwrap(derive_passphrase_key(passphrase, kdf), slot, vault_id, key_id)
        if dek is not None:
            return dek
    raise WrongPassphrase("that passphrase does not open this journal")


def unlock_with_recovery(raw: bytes, slots: list[Slot], vault_id: str, key_id: str) -> bytes:
    key = _recovery_slot_key(raw, vault_id)
    for slot in slots:
        if slot.kind == "recovery":
            dek = _unwrap(key, slot, vault_id, key_id)
            if dek is not None:
                return dek
    raise WrongPassphrase("that recovery key does not open this journal")


# --- items -------------------------------------------------------------------------------------


def new_ids() -> tuple[str, str, bytes]:
    """A new vault id, key id and data key."""
    return str(uuid.uuid4()), str(uuid.uuid4()), AESGCM.generate_key(bit_length=256)


class Sealer:
    """Seals and opens item payloads with the item key derived from the DEK."""

    __slots__ = ("_aead", "_aad_tail", "key_id", "vault_id")

    def __init__(self, dek: bytes, vault_id: str, key_id: str) -> None:
        self._aead = AESGCM(_hkdf(dek, b"kapjournal/v1/items"))
        self.vault_id = vault_id
        self.key_id = key_id
        self._aad_tail = f',"kid":{_js(key_id)},"vault":{_js(vault_id)}}}'.encode()

    def _aad(self, item_id: str, key_id: str) -> bytes:
        """``canonical({"app", "fmt", "id", "kid", "vault"})``, built without a dict per item."""
        if key_id != self.key_id:
            return canonical(
                {
                    "app": "kapjournal",
                    "fmt": FORMAT,
                    "vault": self.vault_id,
                    "id": item_id,
                    "kid": key_id,
                }
            )
        return f'{{"app":"kapjournal","fmt":{FORMAT},"id":{_js(item_id)}'.encode() + self._aad_tail

    def seal(self, item_id: str, plaintext: bytes) -> bytes:
        """``0x01 ‖ nonce ‖ AES-256-GCM(padded plaintext)``; padding hides lengths to 256 bytes."""
        padded = plaintext + b" " * ((-len(plaintext)) % PAD_TO)
        nonce = os.urandom(NONCE_BYTES)
        return (
            BLOB_VERSION
            + nonce
            + self._aead.encrypt(nonce, padded, self._aad(item_id, self.key_id))
        )

    def open(self, item_id: str, key_id: str, blob: bytes) -> bytes:
        """The padded plaintext; JSON ignores the trailing spaces. Raises ``DamagedItem``."""
        if key_id != self.key_id:
            raise DamagedItem(item_id, "it was sealed with a different key")
        if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != BLOB_VERSION:
            raise DamagedItem(item_id, "its header is not recognised")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], self._aad(item_id, key_id))
        except InvalidTag:
            raise DamagedItem(
                item_id, "it fails its integrity check (damaged or tampered)"
            ) from None
