"""Keys and sealing: the only module that imports ``cryptography``. ``docs/FORMAT.md`` is the spec.

Format 2: the current data key (DEK) is wrapped in one passphrase slot (Argon2id) and one recovery
slot (sealed to an X25519 public key derived from the recovery key, so a new DEK can be sealed to it
without the recovery key at hand). Every change of passphrase or recovery key makes a new DEK for new
writes; the old one is kept in a grow-only keyring, wrapped under the new. Items, the ledger, the head
and secrets are sealed with AES-256-GCM under keys derived from their DEK by HKDF, with AAD binding
each blob to its journal, row and version. Format 1 is still read, for migration.
"""

from __future__ import annotations

import base64
import binascii
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
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
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

FORMAT = 2
BLOB_V1 = 0x01
BLOB_V2 = 0x02
NONCE_BYTES = 12
TAG_BYTES = 16
PAD_TO = 256

# RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes. On read, at most 4x each.
DEFAULT_MEMORY_KIB = 64 * 1024
DEFAULT_PASSES = 3
DEFAULT_LANES = 4
MAX_MEMORY_KIB = 4 * DEFAULT_MEMORY_KIB
MAX_PASSES = 4 * DEFAULT_PASSES
MAX_LANES = 4 * DEFAULT_LANES
MIN_SALT, MAX_SALT = 16, 64
ARGON2_VERSION = 0x13

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_FIX = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def _js(text: str) -> str:
    """A JSON string, exactly as ``json.dumps(text, ensure_ascii=False)`` writes it, but fast."""
    return encode_basestring(text)  # type: ignore[no-any-return]


def canonical(obj: Any) -> bytes:
    """Canonical JSON for AAD: keys sorted by code point, no spaces, UTF-8, non-ASCII unescaped."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text, validate=True)


def _hkdf(secret: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


# --- the passphrase KDF ------------------------------------------------------------------------


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters (memory in KiB), stored with the passphrase slot and bound into its AAD."""

    memory_kib: int = DEFAULT_MEMORY_KIB
    passes: int = DEFAULT_PASSES
    lanes: int = DEFAULT_LANES
    salt: bytes = field(default_factory=lambda: os.urandom(16))

    def to_json(self) -> dict[str, Any]:
        return {
            "alg": "argon2id",
            "v": ARGON2_VERSION,
            "m": self.memory_kib,
            "t": self.passes,
            "p": self.lanes,
            "salt": _b64(self.salt),
        }

    def with_new_salt(self) -> KdfParams:
        return KdfParams(self.memory_kib, self.passes, self.lanes)

    @classmethod
    def from_json(cls, data: Any) -> KdfParams:
        """Parse and bound-check, before any KDF runs: a hostile slot costs nothing to refuse."""
        try:
            if data["alg"] != "argon2id":
                raise KdfTooCostly("the journal's key slot uses an unknown key derivation")
            if data.get("v", ARGON2_VERSION) != ARGON2_VERSION:
                raise KdfTooCostly("the journal's key slot uses an unknown Argon2 version")
            values = [data["m"], data["t"], data["p"]]
            if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
                raise ValueError("parameters must be whole numbers")
            params = cls(values[0], values[1], values[2], _unb64(data["salt"]))
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise NotAJournal("the journal's key slot is malformed") from exc
        params.check_bounds()
        return params

    def check_bounds(self) -> None:
        """Refuse settings above 4x the default (unbounded memory or time) and impossible ones."""
        if self.memory_kib > MAX_MEMORY_KIB or self.passes > MAX_PASSES or self.lanes > MAX_LANES:
            raise KdfTooCostly(
                "the journal asks for key-derivation settings above kapjournal's limit "
                "(more than 4 times the default); refusing to run them"
            )
        if self.memory_kib < 8 * self.lanes or self.passes < 1 or self.lanes < 1:
            raise NotAJournal("the journal's key slot has impossible key-derivation settings")
        if not MIN_SALT <= len(self.salt) <= MAX_SALT:
            raise NotAJournal("the journal's key slot has a salt of the wrong length")


def derive_passphrase_key(passphrase: str, params: KdfParams) -> bytes:
    """Argon2id (version 0x13) over the UTF-8 of the NFC-normalised passphrase; 32 bytes."""
    params.check_bounds()
    kdf = Argon2id(
        salt=params.salt,
        length=32,
        iterations=params.passes,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode())


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


def _recovery_check(raw: bytes) -> bytes:
    return hashlib.sha256(b"kapjournal-recovery" + raw).digest()[:2]


def print_recovery_key(raw: bytes) -> str:
    """32 bytes + 2-byte checksum, 272 bits, as 55 Crockford base32 characters in 11 groups."""
    text = _b32(raw + _recovery_check(raw))
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def new_recovery_key() -> tuple[bytes, str]:
    """32 random bytes and their printed form."""
    raw = secrets.token_bytes(32)
    return raw, print_recovery_key(raw)


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
    if _recovery_check(raw) != check:
        raise BadRecoveryKey("the recovery key has a typo somewhere; check each group again")
    return raw


def recovery_public_key(raw: bytes, vault_id: str) -> bytes:
    """The X25519 public key of a recovery key (its private half is derived, never stored)."""
    return _recovery_private(raw, vault_id).public_key().public_bytes_raw()


def _recovery_private(raw: bytes, vault_id: str) -> X25519PrivateKey:
    seed = _hkdf(raw, b"kapjournal/v2/recovery-x25519", salt=vault_id.encode())
    return X25519PrivateKey.from_private_bytes(seed)


# --- sealing to a public key (recovery slot, capture) -------------------------------------------


def _box_key(shared: bytes, epk: bytes, pub: bytes, info: bytes) -> bytes:
    if shared == bytes(32):
        raise ValueError("low-order point")
    return _hkdf(shared, info, salt=epk + pub)


def seal_to(pub: bytes, plaintext: bytes, info: bytes, aad: bytes) -> tuple[bytes, bytes, bytes]:
    """ECIES: an ephemeral X25519 key, HKDF-SHA256, AES-256-GCM. Returns (epk, nonce, sealed)."""
    eph = X25519PrivateKey.generate()
    epk = eph.public_key().public_bytes_raw()
    key = _box_key(eph.exchange(X25519PublicKey.from_public_bytes(pub)), epk, pub, info)
    nonce = os.urandom(NONCE_BYTES)
    return epk, nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def open_from(
    priv: X25519PrivateKey, epk: bytes, nonce: bytes, sealed: bytes, info: bytes, aad: bytes
) -> bytes | None:
    try:
        pub = priv.public_key().public_bytes_raw()
        key = _box_key(priv.exchange(X25519PublicKey.from_public_bytes(epk)), epk, pub, info)
        return AESGCM(key).decrypt(nonce, sealed, aad)
    except (InvalidTag, ValueError):
        return None


def new_keypair() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair: (private bytes, public bytes)."""
    priv = X25519PrivateKey.generate()
    return priv.private_bytes_raw(), priv.public_key().public_bytes_raw()


def private_key(raw: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(raw)


# --- key slots ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A wrapped copy of the current data key, as stored in the ``keyslot`` table."""

    kind: str  # "passphrase" or "recovery"
    id: str
    kid: str
    params: str  # canonical JSON
    nonce: bytes
    wrapped: bytes

    def params_json(self) -> dict[str, Any]:
        if len(self.params) > 1024:  # a few fields: anything longer is not a slot we wrote
            raise NotAJournal("the journal's key slot is malformed")
        try:
            data = json.loads(self.params)
        except (ValueError, RecursionError) as exc:
            raise NotAJournal("the journal's key slot is malformed") from exc
        if not isinstance(data, dict):
            raise NotAJournal("the journal's key slot is malformed")
        return data


def _slot_aad(fmt: int, vault_id: str, kid: str, slot_id: str, kind: str, params: str) -> bytes:
    return canonical(
        {
            "app": "kapjournal",
            "fmt": fmt,
            "vault": vault_id,
            "kid": kid,
            "slot": slot_id,
            "kind": kind,
            "kdf": json.loads(params),
        }
    )


def passphrase_slot(
    slot_key: bytes, params: KdfParams, dek: bytes, vault_id: str, kid: str
) -> Slot:
    """Wrap the DEK under a key already derived from the passphrase with ``params``."""
    slot_id = str(uuid.uuid4())
    text = canonical(params.to_json()).decode()
    nonce = os.urandom(NONCE_BYTES)
    aad = _slot_aad(FORMAT, vault_id, kid, slot_id, "passphrase", text)
    return Slot("passphrase", slot_id, kid, text, nonce, AESGCM(slot_key).encrypt(nonce, dek, aad))


def recovery_slot(pub: bytes, dek: bytes, vault_id: str, kid: str) -> Slot:
    """Seal the DEK to the recovery public key; the AAD binds the slot's own metadata."""
    slot_id = str(uuid.uuid4())
    eph = X25519PrivateKey.generate()
    epk = eph.public_key().public_bytes_raw()
    params = canonical({"alg": "x25519", "pub": _b64(pub), "epk": _b64(epk)}).decode()
    key = _box_key(
        eph.exchange(X25519PublicKey.from_public_bytes(pub)),
        epk,
        pub,
        b"kapjournal/v2/recovery-slot",
    )
    nonce = os.urandom(NONCE_BYTES)
    aad = _slot_aad(FORMAT, vault_id, kid, slot_id, "recovery", params)
    return Slot("recovery", slot_id, kid, params, nonce, AESGCM(key).encrypt(nonce, dek, aad))


def slot_kdf(slot: Slot) -> KdfParams:
    """A passphrase slot's KDF parameters, bound-checked (cheap: no KDF is run)."""
    return KdfParams.from_json(slot.params_json())


def recovery_slot_pub(slot: Slot) -> bytes | None:
    """The recovery public key named by a format-2 recovery slot (None for a format-1 slot)."""
    data = slot.params_json()
    if data.get("alg") != "x25519":
        return None
    try:
        pub = _unb64(data["pub"])
    except (KeyError, ValueError, binascii.Error) as exc:
        raise NotAJournal("the journal's recovery key slot is malformed") from exc
    if len(pub) != 32:
        raise NotAJournal("the journal's recovery key slot is malformed")
    return pub


def open_passphrase_slot(
    passphrase: str, slot: Slot, vault_id: str, fmt: int
) -> tuple[bytes, bytes, KdfParams]:
    """(DEK, slot key, params) from the passphrase slot; the KDF runs once."""
    params = slot_kdf(slot)
    key = derive_passphrase_key(passphrase, params)
    dek = unwrap_passphrase_slot(key, slot, vault_id, fmt)
    if dek is None:
        raise WrongPassphrase("that passphrase does not open this journal")
    return dek, key, params


def unwrap_passphrase_slot(slot_key: bytes, slot: Slot, vault_id: str, fmt: int) -> bytes | None:
    try:
        aad = _slot_aad(fmt, vault_id, slot.kid, slot.id, slot.kind, slot.params)
        return AESGCM(slot_key).decrypt(slot.nonce, slot.wrapped, aad)
    except (InvalidTag, ValueError):
        return None


def open_recovery_slot(raw: bytes, slot: Slot, vault_id: str, fmt: int) -> bytes:
    """The DEK from the recovery slot: format 2 by X25519, format 1 by HKDF of the key."""
    data = slot.params_json()
    legacy = data.get("alg") == "hkdf-sha256"  # format 1's slot, kept until the next key change
    aad = _slot_aad(1 if legacy else fmt, vault_id, slot.kid, slot.id, slot.kind, slot.params)
    dek: bytes | None = None
    if legacy:
        key = _hkdf(raw, b"kapjournal/v1/recovery-slot", salt=vault_id.encode())
        try:
            dek = AESGCM(key).decrypt(slot.nonce, slot.wrapped, aad)
        except (InvalidTag, ValueError):
            dek = None
    elif data.get("alg") == "x25519":
        try:
            epk = _unb64(data["epk"])
        except (KeyError, ValueError, binascii.Error) as exc:
            raise NotAJournal("the journal's recovery key slot is malformed") from exc
        dek = open_from(
            _recovery_private(raw, vault_id),
            epk,
            slot.nonce,
            slot.wrapped,
            b"kapjournal/v2/recovery-slot",
            aad,
        )
    if dek is None:
        raise WrongPassphrase("that recovery key does not open this journal")
    return dek


# --- the keyring: old data keys wrapped under the ones that replaced them -----------------------


def _ring_aad(vault_id: str, kid: str, parent: str) -> bytes:
    return canonical(
        {
            "app": "kapjournal",
            "fmt": FORMAT,
            "vault": vault_id,
            "part": "keyring",
            "kid": kid,
            "parent": parent,
        }
    )


def wrap_old_key(
    parent_dek: bytes, parent_kid: str, old_dek: bytes, old_kid: str, vault_id: str
) -> tuple[bytes, bytes]:
    """(nonce, wrapped): ``old_dek`` under the keyring key of ``parent_dek``."""
    nonce = os.urandom(NONCE_BYTES)
    key = _hkdf(parent_dek, b"kapjournal/v2/keyring")
    return nonce, AESGCM(key).encrypt(nonce, old_dek, _ring_aad(vault_id, old_kid, parent_kid))


def unwrap_old_key(
    parent_dek: bytes, parent_kid: str, kid: str, nonce: bytes, wrapped: bytes, vault_id: str
) -> bytes | None:
    try:
        key = _hkdf(parent_dek, b"kapjournal/v2/keyring")
        return AESGCM(key).decrypt(nonce, wrapped, _ring_aad(vault_id, kid, parent_kid))
    except (InvalidTag, ValueError):
        return None


def new_ids() -> tuple[str, str, bytes]:
    """A new vault id, key id and data key."""
    return str(uuid.uuid4()), str(uuid.uuid4()), AESGCM.generate_key(bit_length=256)


def new_key() -> tuple[str, bytes]:
    """A new key id and data key (a rotation)."""
    return str(uuid.uuid4()), AESGCM.generate_key(bit_length=256)


# --- sealing items and the journal's own records -------------------------------------------------


def pad(plaintext: bytes) -> bytes:
    """Spaces to a multiple of 256 bytes, so a blob's length says little about its text."""
    return plaintext + b" " * ((-len(plaintext)) % PAD_TO)


class _KeySet:
    """The AEADs derived from one data key."""

    __slots__ = ("digest", "items", "items_v1", "meta")

    def __init__(self, dek: bytes) -> None:
        self.items = AESGCM(_hkdf(dek, b"kapjournal/v2/items"))
        self.items_v1 = AESGCM(_hkdf(dek, b"kapjournal/v1/items"))
        self.meta = AESGCM(_hkdf(dek, b"kapjournal/v2/meta"))
        self.digest = _hkdf(dek, b"kapjournal/v2/digest")


class Sealer:
    """Seals with the current data key and opens with any key of the keyring."""

    def __init__(self, vault_id: str, current_kid: str, deks: dict[str, bytes]) -> None:
        self.vault_id = vault_id
        self.kid = current_kid
        self._deks = dict(deks)
        self._keys: dict[str, _KeySet] = {}
        self._vault_js = _js(vault_id)

    def _k(self, kid: str) -> _KeySet | None:
        keys = self._keys.get(kid)
        if keys is None:
            dek = self._deks.get(kid)
            if dek is None:
                return None
            keys = self._keys[kid] = _KeySet(dek)
        return keys

    @property
    def digest_key(self) -> bytes:
        keys = self._k(self.kid)
        assert keys is not None
        return keys.digest

    # items (format 2)

    def item_aad(self, item_id: str, dev: str, ctr: int, tomb: int, kid: str) -> bytes:
        """``canonical({"app","ctr","dev","fmt","id","kid","tomb","vault"})`` without a dict."""
        return (
            f'{{"app":"kapjournal","ctr":{ctr},"dev":{_js(dev)},"fmt":2,"id":{_js(item_id)},'
            f'"kid":{_js(kid)},"tomb":{tomb},"vault":{self._vault_js}}}'
        ).encode()

    def seal_item(self, item_id: str, dev: str, ctr: int, tomb: int, plaintext: bytes) -> bytes:
        keys = self._k(self.kid)
        assert keys is not None
        nonce = os.urandom(NONCE_BYTES)
        aad = self.item_aad(item_id, dev, ctr, tomb, self.kid)
        return bytes([BLOB_V2]) + nonce + keys.items.encrypt(nonce, pad(plaintext), aad)

    def open_item(
        self, item_id: str, dev: str, ctr: int, tomb: int, kid: str, blob: bytes
    ) -> bytes:
        """The padded plaintext. Raises ``DamagedItem``."""
        keys = self._k(kid)
        if keys is None:
            raise DamagedItem(item_id, "it was sealed with a key this journal does not hold")
        if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[0] != BLOB_V2:
            raise DamagedItem(item_id, "its header is not recognised")
        try:
            return keys.items.decrypt(
                blob[1:13], blob[13:], self.item_aad(item_id, dev, ctr, tomb, kid)
            )
        except InvalidTag:
            raise DamagedItem(
                item_id, "it fails its integrity check (damaged or tampered)"
            ) from None

    # items (format 1, read for migration)

    def open_item_v1(self, item_id: str, kid: str, blob: bytes) -> bytes:
        keys = self._k(kid)
        if keys is None:
            raise DamagedItem(item_id, "it was sealed with a different key")
        if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[0] != BLOB_V1:
            raise DamagedItem(item_id, "its header is not recognised")
        aad = (
            f'{{"app":"kapjournal","fmt":1,"id":{_js(item_id)},"kid":{_js(kid)},'
            f'"vault":{self._vault_js}}}'
        ).encode()
        try:
            return keys.items_v1.decrypt(blob[1:13], blob[13:], aad)
        except InvalidTag:
            raise DamagedItem(
                item_id, "it fails its integrity check (damaged or tampered)"
            ) from None

    # the journal's own records: head, ledger buckets, secrets

    def _meta_aad(self, part: str, name: str, ver: int, kid: str) -> bytes:
        return canonical(
            {
                "app": "kapjournal",
                "fmt": FORMAT,
                "vault": self.vault_id,
                "kid": kid,
                "part": part,
                "name": name,
                "ver": ver,
            }
        )

    def seal_meta(self, part: str, name: str, ver: int, plaintext: bytes) -> bytes:
        keys = self._k(self.kid)
        assert keys is not None
        nonce = os.urandom(NONCE_BYTES)
        aad = self._meta_aad(part, name, ver, self.kid)
        return bytes([BLOB_V2]) + nonce + keys.meta.encrypt(nonce, pad(plaintext), aad)

    def open_meta(self, part: str, name: str, ver: int, kid: str, blob: bytes) -> bytes | None:
        """The padded plaintext, or None if it does not open (damaged, replaced, wrong key).

        Only the current key opens the journal's own records: an earlier key (which an old
        passphrase still opens, in an old copy) must never vouch for anything.
        """
        if kid != self.kid:
            return None
        keys = self._k(kid)
        if keys is None or len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[0] != BLOB_V2:
            return None
        try:
            return keys.meta.decrypt(blob[1:13], blob[13:], self._meta_aad(part, name, ver, kid))
        except InvalidTag:
            return None


def digest_term(
    key: bytes, item_id: str, dev: str, ctr: int, tomb: int, kid: str, hash_hex: str
) -> int:
    """One item version's share of the head digest: keyed BLAKE2b-256 as an integer."""
    data = f"{item_id}\x00{dev}\x00{ctr}\x00{tomb}\x00{kid}\x00{hash_hex}".encode(
        "utf-8", "surrogatepass"
    )
    return int.from_bytes(hashlib.blake2b(data, key=key, digest_size=32).digest(), "big")


def blob_hash(blob: bytes) -> bytes:
    """BLAKE2b-128 of a sealed item: recorded in the ledger, so no other blob passes for it."""
    return hashlib.blake2b(blob, digest_size=16).digest()


DIGEST_MOD = 1 << 256


# --- capture: anyone may add, only the passphrase reads --------------------------------------------

CAPTURE_INFO = b"kapjournal/v2/capture"


def _capture_aad(vault_id: str, capture_id: str) -> bytes:
    return canonical(
        {"app": "kapjournal", "fmt": FORMAT, "vault": vault_id, "part": "capture", "id": capture_id}
    )


def seal_capture(pub: bytes, vault_id: str, capture_id: str, plaintext: bytes) -> bytes:
    """``0x02 ‖ ephemeral public key (32) ‖ nonce (12) ‖ AES-256-GCM``, sealed to the journal's
    capture key and bound to this journal and row; padded like every item."""
    epk, nonce, sealed = seal_to(
        pub, pad(plaintext), CAPTURE_INFO, _capture_aad(vault_id, capture_id)
    )
    return bytes([BLOB_V2]) + epk + nonce + sealed


def open_capture(priv: bytes, vault_id: str, capture_id: str, blob: bytes) -> bytes | None:
    if len(blob) < 1 + 32 + NONCE_BYTES + TAG_BYTES or blob[0] != BLOB_V2:
        return None
    return open_from(
        private_key(priv),
        blob[1:33],
        blob[33:45],
        blob[45:],
        CAPTURE_INFO,
        _capture_aad(vault_id, capture_id),
    )
