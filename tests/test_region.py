"""The region file: where help finds the patient's country before the journal is unlocked.

It is plaintext on purpose (not health data), written 0600 in a 0700 folder, and read as hostile.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kapjournal import region


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_save_then_read_back_private(tmp_path: Path) -> None:
    assert region.stored() is None
    assert region.save(" uk ") == "GB"
    assert region.stored() == "GB"
    assert region.path().read_text() == "GB\n"
    assert mode(region.path()) == 0o600
    assert mode(region.path().parent) == 0o700
    region.save("int")
    assert region.stored() == "INT"
    assert [p.name for p in region.path().parent.iterdir()] == ["region"]  # no temp file left


@pytest.mark.parametrize("bad", ["", "G", "GBR", "1A", "G B", "ü1", "../etc"])
def test_save_refuses_what_is_not_a_country_code(bad: str) -> None:
    with pytest.raises(region.RegionError, match="two-letter country code"):
        region.save(bad)
    assert region.stored() is None


@pytest.mark.parametrize(
    "content",
    [
        b"GB" + b" " * 100,  # too long
        b"\xff\xfe",  # not text
        b"\x1b[31mGB",  # an escape sequence
        b"G\nB",
        b"",
        b"12\n",
    ],
)
def test_a_hostile_file_reads_as_no_region(content: bytes) -> None:
    region.path().parent.mkdir(parents=True)
    region.path().write_bytes(content)
    assert region.stored() is None


def test_links_folders_and_fifos_are_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("GB\n")
    region.path().parent.mkdir(parents=True)
    region.path().symlink_to(elsewhere)
    assert region.stored() is None
    region.path().unlink()
    region.path().mkdir()
    assert region.stored() is None
    region.path().rmdir()
    os.mkfifo(region.path())
    assert region.stored() is None  # and does not hang waiting for a writer


def test_an_unknown_but_well_formed_code_is_kept_for_later(tmp_path: Path) -> None:
    from kapjournal import safety

    region.save("BR")  # not listed yet: help shows the international directories
    assert region.stored() == "BR"
    assert safety.known_code(region.stored()) == "INT"


def test_a_failed_save_is_a_clear_error_and_leaves_no_temp_file() -> None:
    region.path().mkdir(parents=True)  # something in the way that cannot be replaced
    with pytest.raises(region.RegionError, match="could not save the region"):
        region.save("GB")
    assert region.save_quietly("GB") is False
    assert sorted(p.name for p in region.path().parent.iterdir()) == ["region"]
