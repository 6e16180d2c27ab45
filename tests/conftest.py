"""Shared set-up: every test in a private home; the pilot kit's names for the project's tests.

The fixtures (``clock``, ``monotonic``, ``journal_path``, ``journal``, ``existing_journal``,
``make_app``, ``kapjournal_home``) come from the kit, ``kapjournal.testing``, which pytest loads
as a plugin because kapjournal is installed. Its names are re-exported here so that
``from tests.conftest import FAST_KDF, PASSPHRASE, FrozenClock`` keeps working.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from kapjournal.testing import FAST_KDF, PASSPHRASE, T0, FakeMonotonic, FrozenClock

__all__ = ["FAST_KDF", "PASSPHRASE", "T0", "FakeMonotonic", "FrozenClock"]

MAX_WORKERS = 8

# Hypothesis's deadline (200 ms an example) is a wall-time assertion; a busy machine breaks it.
# Its "too slow" health check is one as well. Examples still run; only the stopwatch is gone.
settings.register_profile("kapjournal", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("kapjournal")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker per CPU this process may run on, at most MAX_WORKERS."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


@pytest.fixture(autouse=True)
def _private_env(kapjournal_home: Path) -> None:
    """Keep the user's real journal, config and passphrase out of every test."""
    os.umask(0o022)
