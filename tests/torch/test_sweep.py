"""lava_sd.torch.sweep's checks, before any Ray cluster starts (the sweep itself runs in
tests/commands/test_sweep_command.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from toy_data import tones

from lava_sd import ParameterError
from lava_sd.torch.sweep import sweep


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (dict(grid={"lr": [0.01]}, samples=0), "samples must be a positive integer"),
        (dict(grid={"lr": [0.01]}, backend="torch"), "backend must be one of"),
        (dict(grid={"lr": [0.01]}, metric="loss"), "metric must be one of"),
        (dict(), "nothing to sweep over"),
        (dict(grid={"lr": []}), r"grid\['lr'\] must be a non-empty list"),
        (dict(grid={"lr": [0.1]}, search={"lr": {"choice": [1]}}), "given twice"),
        (dict(search={"lr": {"loguniform": [0, 0.1]}}), "0 < lo < hi"),
        (dict(search={"frame_steps": {"randint": [1.5, 4]}}), "integers"),
        (dict(search={"lr": {"choice": []}}), "'choice'"),
        (dict(grid={"recurrent": [True, False], "gain": [1]}), r"\['gain'\] for model 'lif'"),
    ],
)
def test_bad_sweeps_are_refused_before_ray_starts(
    rng: np.random.Generator, tmp_path: Path, options: dict, message: str
) -> None:
    x, y = tones(rng, 30)
    with pytest.raises(ParameterError, match=message):
        sweep("lif", (x[:20], y[:20]), (x[20:], y[20:]), out=tmp_path, **options)
    assert not any(tmp_path.iterdir())  # nothing written
