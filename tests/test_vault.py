"""The cryptographic core: KDF, recovery keys, slots and sealing."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from kapjournal import vault
from kapjournal.errors import BadRecoveryKey, DamagedItem, KdfTooCostly, WrongPassphrase


def test_argon2id_matches_rfc9106_test_vector() -> None:
    # RFC 9106 §5.3: Argon2id, m=32 KiB, t=3, p=4, tag 32 bytes.
    kdf = Argon2id(
        salt=b"\x02" * 16,
        length=32,
        iterations=3,
        lanes=4,
        memory_cost=32,
        ad=b"\x04" * 12,
        secret=b"\x03" * 8,
    )
    tag = kdf.derive(b"\x01" * 32)
    assert tag.hex() == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"


def test_passphrase_is_nfc_normalised() -> None:
    params = vault.KdfParams(64, 1, 1, b"s" * 16)
    composed = "caf\u00e9"
    decomposed = "cafe\u0301"
    assert vault.derive_passphrase_key(composed, params) == vault.derive_passphrase_key(
        decomposed, params
    )


def test_recovery_key_round_trip_forgiving_of_case_spaces_and_lookalikes() -> None:
    raw, printed = vault.new_recovery_key()
    assert len(printed.split("-")) == 11
    assert vault.parse_recovery_key(printed) == raw
    sloppy = printed.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert vault.parse_recovery_key(sloppy) == raw


@pytest.mark.parametrize("position", range(55))
def test_recovery_key_typo_is_caught_by_checksum(position: int) -> None:
    _, printed = vault.new_recovery_key()
    chars = printed.replace("-", "")
    wrong = "Z" if chars[position] != "Z" else "Y"
    typo = chars[:position] + wrong + chars[position + 1 :]
    with pytest.raises(BadRecoveryKey):
        vault.parse_recovery_key(typo)


def test_recovery_key_of_wrong_length_is_explained() -> None:
    with pytest.raises(BadRecoveryKey, match="55 letters"):
        vault.parse_recovery_key("ABCDE-FGHJK")


def _sealer() -> vault.Sealer:
    vault_id, key_id, dek = vault.new_ids()
    return vault.Sealer(dek, vault_id, key_id)


def test_seal_pads_to_256_and_opens() -> None:
    s = _sealer()
    blob = s.seal("a", b'{"x":1}')
    assert blob[:1] == b"\x01"
    assert (len(blob) - 1 - 12 - 16) % 256 == 0
    assert s.open("a", s.key_id, blob).rstrip() == b'{"x":1}'


def test_ten_thousand_seals_use_distinct_nonces() -> None:
    s = _sealer()
    nonces = {s.seal("a", b"same")[1:13] for _ in range(10_000)}
    assert len(nonces) == 10_000


def test_blob_bound_to_its_row() -> None:
    s = _sealer()
    blob = s.seal("a", b"{}")
    with pytest.raises(DamagedItem) as info:
        s.open("b", s.key_id, blob)
    assert info.value.item_id == "b"


def test_slot_parameters_above_ceiling_refused_before_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    vault_id, key_id, dek = vault.new_ids()
    slot = vault.passphrase_slot("pw", dek, vault_id, key_id, vault.KdfParams(64, 1, 1))
    greedy = slot.kdf_json.replace('"m":64', f'"m":{2 * 1024 * 1024}')
    tampered = vault.Slot(slot.id, slot.kind, greedy, slot.nonce, slot.wrapped)

    def must_not_run(*_: object) -> bytes:
        raise AssertionError("the KDF ran")

    monkeypatch.setattr(vault, "derive_passphrase_key", must_not_run)
    with pytest.raises(KdfTooCostly):
        vault.unlock_with_passphrase("pw", [tampered], vault_id, key_id)


def test_lowered_parameters_only_break_the_unwrap() -> None:
    vault_id, key_id, dek = vault.new_ids()
    slot = vault.passphrase_slot("pw", dek, vault_id, key_id, vault.KdfParams(128, 2, 1))
    cheaper = slot.kdf_json.replace('"t":2', '"t":1')
    tampered = vault.Slot(slot.id, slot.kind, cheaper, slot.nonce, slot.wrapped)
    with pytest.raises(WrongPassphrase):
        vault.unlock_with_passphrase("pw", [tampered], vault_id, key_id)
    assert vault.unlock_with_passphrase("pw", [slot], vault_id, key_id) == dek
