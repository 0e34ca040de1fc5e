"""Shared fixtures: a seeded RNG that prints its seed, and a check for leftover processes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

SEED = int(os.environ.get("LAVA_SD_TEST_SEED", "1234"))


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """A numpy Generator seeded per test; the seed is printed so a failure can be replayed."""
    seed = SEED + sum(map(ord, request.node.name))
    print(f"seed={seed} (set LAVA_SD_TEST_SEED to change the base {SEED})")
    return np.random.default_rng(seed)


def child_processes() -> list[tuple[int, str]]:
    """(pid, state) of every process whose parent is this test process, zombies included."""
    found = []
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == me:
            found.append((int(entry.name), fields[0]))
    return found
