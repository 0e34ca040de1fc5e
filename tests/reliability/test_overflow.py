"""Item 6 of issue 13: fixed point refuses input no 24-bit register holds, and every run in which
a state wraps or saturates warns (process, state, steps, first step): ``drive`` and ``encode``
as ``Network.run`` (tests/models/test_registry.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lava_sd import LIF, ParameterError, SigmaDeltaConfig, encode
from lava_sd.harness import drive


def test_a_wrapping_state_warns_with_its_name_and_first_step() -> None:
    lif = LIF(shape=(2,), du=0, dv=0, vth=(1 << 17) - 1, name="slow")
    with pytest.warns(RuntimeWarning, match=r"LIF 'slow': u wrapped or saturated on \d+ step"):
        out = drive(lif, np.full((2, 40), 100_000), backend="fixed", record=("overflow",))
    assert out["overflow"].sum() > 0
    u_wraps = 2**23 // (100_000 << 6) + 1  # the step on which u first passes 2**23
    with pytest.warns(RuntimeWarning, match=f"first at step {u_wraps}"):
        drive(LIF(shape=(2,), du=0, dv=0, vth=1), np.full((2, 40), 100_000), backend="fixed")


def test_in_range_runs_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        drive(LIF(shape=(2,), du=4095, dv=410, vth=100), np.full((2, 40), 50), backend="fixed")
        drive(LIF(shape=(2,), du=1.0, dv=0.0, vth=1e9), np.full((2, 40), 1e6), backend="float")


def test_input_beyond_the_24_bit_register_is_refused() -> None:
    lif = LIF(shape=(2,), du=4095, dv=0, vth=100)
    with pytest.raises(ParameterError, match=r"holds at most 131071"):
        drive(lif, np.full((2, 5), 200_000), backend="fixed")
    with pytest.raises(ParameterError, match="24-bit register"):
        encode(40 * np.sin(np.linspace(0, 6, 100)), SigmaDeltaConfig(w_fb=-0.25), backend="fixed")
