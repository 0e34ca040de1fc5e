"""Every ``lava-sd bench NAME`` has a script in ``benchmarks/`` that runs the same ``main``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lava_sd.cli import BENCHMARKS

SCRIPTS = Path(__file__).parents[2] / "benchmarks"
SCRIPT_OF = {
    "audio": "audio_digits.py",
    "har-augment": "har_augment.py",
    "har": "har_watch.py",
    "har-cv": "har_cv.py",
    "sigma-delta-speed": "sigma_delta_speed.py",
    "speed": "sim_speed.py",
    "torch-fixed": "torch_fixed_speed.py",
    "select": "selection.py",
    "qat": "qat.py",
    "seeds": "seeds.py",
    "activity": "activity.py",
}


def test_every_benchmark_has_a_script():
    assert set(SCRIPT_OF) == set(BENCHMARKS)
    assert {p.name for p in SCRIPTS.glob("*.py")} == set(SCRIPT_OF.values())


@pytest.mark.parametrize("name", sorted(SCRIPT_OF))
def test_script_parses_the_benchmark_arguments(name: str) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / SCRIPT_OF[name]), "--help"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: lava-sd bench {name} ")
