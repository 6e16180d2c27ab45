"""The cryptographic core: KDF, recovery keys, slots and sealing."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from kapjournal import vault
from kapjournal.errors import (
    BadRecoveryKey,
    DamagedItem,
    KdfTooCostly,
    NotAJournal,
    WrongPassphrase,
)


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
    return vault.Sealer(vault_id, key_id, {key_id: dek})


def test_seal_pads_to_256_and_opens() -> None:
    s = _sealer()
    blob = s.seal_item("a", "dev", 1, 0, b'{"x":1}')
    assert blob[:1] == b"\x02"
    assert (len(blob) - 1 - 12 - 16) % 256 == 0
    assert s.open_item("a", "dev", 1, 0, s.kid, blob).rstrip() == b'{"x":1}'


def test_ten_thousand_seals_use_distinct_nonces() -> None:
    s = _sealer()
    nonces = {s.seal_item("a", "d", 1, 0, b"same")[1:13] for _ in range(10_000)}
    assert len(nonces) == 10_000


@pytest.mark.parametrize(
    "where", [("b", "d", 1, 0), ("a", "e", 1, 0), ("a", "d", 2, 0), ("a", "d", 1, 1)]
)
def test_blob_bound_to_its_row_and_version(where: tuple[str, str, int, int]) -> None:
    s = _sealer()
    blob = s.seal_item("a", "d", 1, 0, b"{}")
    with pytest.raises(DamagedItem) as info:
        s.open_item(*where, s.kid, blob)
    assert info.value.item_id == where[0]


def _slot(params: vault.KdfParams) -> tuple[vault.Slot, str, bytes]:
    vault_id, key_id, dek = vault.new_ids()
    key = vault.derive_passphrase_key("a passphrase", params)
    return vault.passphrase_slot(key, params, dek, vault_id, key_id), vault_id, dek


def test_slot_parameters_above_ceiling_refused_before_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    slot, vault_id, _ = _slot(vault.KdfParams(64, 1, 1))
    for greedy in (
        slot.params.replace('"m":64', f'"m":{4 * 64 * 1024 + 1}'),
        slot.params.replace('"t":1', '"t":13'),
        slot.params.replace('"p":1', '"p":17'),
    ):
        tampered = vault.Slot(slot.kind, slot.id, slot.kid, greedy, slot.nonce, slot.wrapped)

        def must_not_run(*_: object) -> bytes:
            raise AssertionError("the KDF ran")

        monkeypatch.setattr(vault, "derive_passphrase_key", must_not_run)
        with pytest.raises(KdfTooCostly):
            vault.open_passphrase_slot("a passphrase", tampered, vault_id, 2)


@pytest.mark.parametrize("salt", ["", "AAAA", "AAAAAAAAAAAAAAAAAAAA", "not base64!", 7])
def test_a_bad_salt_is_a_plain_error_not_a_crash(salt: object) -> None:
    slot, vault_id, _ = _slot(vault.KdfParams(64, 1, 1))
    data = slot.params_json()
    data["salt"] = salt
    tampered = vault.Slot(
        slot.kind, slot.id, slot.kid, vault.canonical(data).decode(), slot.nonce, slot.wrapped
    )
    with pytest.raises(NotAJournal):
        vault.open_passphrase_slot("a passphrase", tampered, vault_id, 2)


def test_lowered_parameters_only_break_the_unwrap() -> None:
    slot, vault_id, dek = _slot(vault.KdfParams(128, 2, 1))
    cheaper = slot.params.replace('"t":2', '"t":1')
    tampered = vault.Slot(slot.kind, slot.id, slot.kid, cheaper, slot.nonce, slot.wrapped)
    with pytest.raises(WrongPassphrase):
        vault.open_passphrase_slot("a passphrase", tampered, vault_id, 2)
    assert vault.open_passphrase_slot("a passphrase", slot, vault_id, 2)[0] == dek


def test_recovery_slot_opens_only_with_its_key_and_needs_no_key_to_write() -> None:
    vault_id, kid, dek = vault.new_ids()
    raw, _ = vault.new_recovery_key()
    other, _ = vault.new_recovery_key()
    pub = vault.recovery_public_key(raw, vault_id)
    slot = vault.recovery_slot(pub, dek, vault_id, kid)  # only the public half is needed
    assert vault.open_recovery_slot(raw, slot, vault_id, 2) == dek
    with pytest.raises(WrongPassphrase):
        vault.open_recovery_slot(other, slot, vault_id, 2)
    with pytest.raises(WrongPassphrase):  # bound to its journal
        vault.open_recovery_slot(raw, slot, vault.new_ids()[0], 2)


def test_keyring_unwraps_only_under_the_key_that_replaced_it() -> None:
    vault_id, old_kid, old = vault.new_ids()
    new_kid, new = vault.new_key()
    nonce, wrapped = vault.wrap_old_key(new, new_kid, old, old_kid, vault_id)
    assert vault.unwrap_old_key(new, new_kid, old_kid, nonce, wrapped, vault_id) == old
    assert vault.unwrap_old_key(old, new_kid, old_kid, nonce, wrapped, vault_id) is None
