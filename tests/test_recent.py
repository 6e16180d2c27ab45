"""``Journal.recent``: the newest entries from the ledger's days, decrypting only what it must."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kapjournal import vault
from kapjournal.journal import TIMELINE_KINDS, Journal
from kapjournal.records import Assessment, CheckIn, DosingSession, Record, Reflection
from tests.conftest import FAST_KDF, PASSPHRASE

# Zones as far apart as the world has them: a day in one is up to two days from a day in another.
ZONES = [timezone(timedelta(hours=h)) for h in (-12, -5, 0, 5.5, 13, 14)]
START = datetime(2026, 1, 1, tzinfo=UTC)


def mixed_journal(path: Path, count: int, seed: int) -> Journal:
    """``count`` records of every timeline kind, at random instants in random zones, a few
    deleted; saved, locked, and opened again (so nothing is decrypted yet)."""
    rng = random.Random(seed)
    journal, _ = Journal.create(path, PASSPHRASE, kdf=FAST_KDF)
    made: list[Record] = []
    minutes = rng.sample(range(60 * 24 * 90), count)  # distinct: ties keep the order read
    for n in range(count):
        at = (START + timedelta(minutes=minutes[n])).astimezone(rng.choice(ZONES))
        match n % 4:
            case 0:
                made.append(journal.new(Reflection, created=at, body=f"r{n}"))
            case 1:
                made.append(journal.new(CheckIn, created=at, mood=5))
            case 2:
                made.append(journal.new(DosingSession, when=at, route="iv", number=n))
            case _:
                made.append(
                    journal.new(Assessment, created=at, instrument="gad7", answers=(0,) * 7)
                )
    journal.save_many(made)
    for record in rng.sample(made, count // 10):
        journal.delete(record.id)
    journal.lock()
    return Journal.unlock(path, PASSPHRASE)


def newest(found: list[Record], n: int, kinds: set[str], since: date | None) -> list[str]:
    """What ``list -n`` prints: the first ``n`` of these kinds from ``since`` (UTC), by id."""
    kept = (
        r
        for r in found
        if r.kind in kinds and (since is None or r.at.astimezone(UTC).date() >= since)
    )
    return [r.id for r in kept][:n]


@pytest.mark.parametrize("seed", range(4))
def test_the_newest_are_the_same_as_from_the_whole_timeline(tmp_path: Path, seed: int) -> None:
    journal = mixed_journal(tmp_path / "j.kapj", 400, seed)
    rng = random.Random(seed)
    asks = [
        (rng.choice([1, 3, 20, 57]), rng.choice([None, "reflection", "session"])) for _ in range(6)
    ]
    answers = []
    for n, kind in asks:
        since = rng.choice([None, date(2026, 2, 20), date(2026, 3, 30)])
        kinds = set(TIMELINE_KINDS) if kind is None else {kind}
        answers.append(
            (newest(journal.recent(n, None if kind is None else [kind], since), n, kinds, since),
             n, kinds, since)
        )  # fmt: skip
        assert not journal.loaded  # read in part each time
    whole = journal.timeline()
    for got, n, kinds, since in answers:
        assert got == newest(whole, n, kinds, since)
        assert len(got) == n or since is not None


def test_only_the_days_that_can_hold_them_are_decrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = mixed_journal(tmp_path / "j.kapj", 400, 7)
    opened = 0
    real = vault.Sealer.open_item

    def counting(self: vault.Sealer, *args: object) -> bytes:
        nonlocal opened
        opened += 1
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(vault.Sealer, "open_item", counting)
    found = journal.recent(5)
    # 360 live records over 90 days: the newest five come from the last days and a margin of two.
    assert 5 <= opened <= 40 and len(found) == opened
    journal.load()
    assert opened > 360


def test_a_journal_with_a_problem_or_words_waiting_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "j.kapj"
    mixed_journal(path, 40, 1).lock()
    Journal.capture(path, "written while locked, just now")
    journal = Journal.unlock(path, PASSPHRASE)
    found = journal.recent(1, ["reflection"])
    assert journal.loaded and journal.arrived == 1  # taken in, so it can be listed
    assert found[0].answers[0] == "written while locked, just now"  # type: ignore[attr-defined]
