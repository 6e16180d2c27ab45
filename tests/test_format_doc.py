"""docs/FORMAT.md's test vectors are what the code computes: the spec cannot drift from it."""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kapjournal import vault
from kapjournal.integrity import bucket_of

DOC = Path(__file__).parent.parent / "docs" / "FORMAT.md"


def vectors() -> dict[str, str]:
    block = (
        DOC.read_text().split("## 13. Test vectors", 1)[1].split("```text", 1)[1].split("```")[0]
    )
    return dict(
        (m.group(1), m.group(2)) for m in re.finditer(r"^(\S+)\s+= (.*)$", block, re.MULTILINE)
    )


def test_argon2id_vector() -> None:
    v = vectors()
    params = vault.KdfParams(
        int(v["argon2id.m_kib"]),
        int(v["argon2id.t"]),
        int(v["argon2id.p"]),
        bytes.fromhex(v["argon2id.salt"]),
    )
    assert vault.derive_passphrase_key(v["argon2id.passphrase"], params).hex() == v["argon2id.key"]


def test_recovery_key_vector() -> None:
    v = vectors()
    raw = bytes.fromhex(v["recovery.raw"])
    assert vault.print_recovery_key(raw) == v["recovery.printed"]
    assert vault.parse_recovery_key(v["recovery.printed"]) == raw
    assert vault.recovery_public_key(raw, v["recovery.vault_id"]).hex() == v["recovery.pub"]


def test_item_vector() -> None:
    v = vectors()
    dek = bytes.fromhex(v["dek"])
    for name, info in (
        ("items", b"kapjournal/v2/items"),
        ("meta", b"kapjournal/v2/meta"),
        ("digest", b"kapjournal/v2/digest"),
    ):
        assert vault._hkdf(dek, info).hex() == v[f"dek.{name}"]
    sealer = vault.Sealer(v["item.vault_id"], v["item.kid"], {v["item.kid"]: dek})
    dot = (v["item.dev"], int(v["item.ctr"]), int(v["item.tomb"]))
    aad = sealer.item_aad(v["item.id"], *dot, v["item.kid"])
    assert aad.decode() == v["item.aad"]
    nonce = bytes.fromhex(v["item.nonce"])
    plain = v["item.plaintext"].encode()
    blob = (
        b"\x02"
        + nonce
        + AESGCM(bytes.fromhex(v["dek.items"])).encrypt(nonce, vault.pad(plain), aad)
    )
    assert blob.hex() == v["item.blob"]
    opened = sealer.open_item(v["item.id"], *dot, v["item.kid"], bytes.fromhex(v["item.blob"]))
    assert opened.rstrip(b" ") == plain
    assert bucket_of(v["item.id"]) == int(v["item.bucket"])
    assert vault.blob_hash(bytes.fromhex(v["item.blob"])).hex() == v["item.hash"]
    term = vault.digest_term(
        bytes.fromhex(v["dek.digest"]), v["item.id"], *dot, v["item.kid"], v["item.hash"]
    )
    assert f"{term:064x}" == v["item.digest_term"]
