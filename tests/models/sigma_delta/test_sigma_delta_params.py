"""ΣΔ parameters: every bad value is a clear ParameterError before anything runs."""

from __future__ import annotations

import numpy as np
import pytest

from lava_sd import ParameterError, SigmaDelta, SigmaDeltaConfig
from lava_sd.harness import drive


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(shape=(3,), v=np.zeros(4)), r"'v' has shape \(4,\)"),
        (dict(shape=(2, 3), bias_mant=np.zeros(2)), "does not broadcast"),
        (dict(shape=()), "non-empty"),
        (dict(shape=(0, 3)), "positive"),
        (dict(shape="three"), "shape must be"),
        (dict(shape=(3,), du_in=np.nan), "NaN"),
        (dict(shape=(3,), w_fb=-np.inf), "NaN or infinite"),
        (dict(shape=(3,), du_fb=-0.1), "'du_fb' = -0.1 is out of range"),
        (dict(shape=(3,), vth=-1.0), "negative threshold"),
        (dict(shape=(3,), w_fb=0.5), "feedback must be negative"),
        (dict(shape=(3,), bias_exp=8), "'bias_exp' = 8 is out of range"),
        (dict(shape=(3,), bias_exp=1.5), "'bias_exp' = 1.5 is not an integer"),
        (dict(shape=(3,), s=2), "Spikes are 0 or 1"),
    ],
)
def test_construction_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        SigmaDelta(**kwargs)


def test_float_parameters_for_fixed_backend() -> None:
    neurons = SigmaDelta(shape=(2,), **SigmaDeltaConfig(w_fb=-0.1).float_params())
    with pytest.raises(ParameterError, match="not an integer.*fixed_params"):
        drive(neurons, np.zeros((2, 3), dtype=int), backend="fixed")


@pytest.mark.parametrize(
    ("backend", "kwargs", "match"),
    [
        ("float", dict(du_in=1.5), r"'du_in' = 1.5 is out of range \[0, 1\]"),
        ("fixed", dict(du_in=4096), r"'du_in' = 4096 is out of range \[0, 4095\]"),
        ("fixed", dict(dv=5000), r"'dv' = 5000 is out of range \[0, 4096\]"),
        ("fixed", dict(vth=2**17), "'vth'"),
        ("fixed", dict(bias_mant=5000), "'bias_mant'"),
        ("fixed", dict(w_fb=-(2**24)), "'w_fb'"),
        ("fixed", dict(v=2**23), "States are 24-bit"),
    ],
)
def test_backend_specific_ranges(backend: str, kwargs: dict, match: str) -> None:
    base = dict(du_in=0, du_ip=4095, du_fb=255, dv=4096, w_fb=-100, vth=0, bias_mant=0)
    params = base if backend == "fixed" else SigmaDeltaConfig(w_fb=-0.1).float_params()
    with pytest.raises(ParameterError, match=match):  # at construction or before the run
        neurons = SigmaDelta(shape=(2,), **{**params, **kwargs})
        drive(neurons, np.zeros((2, 3), dtype=int), backend=backend)


def test_parameters_changed_after_construction_are_checked() -> None:
    neurons = SigmaDelta(shape=(2,))
    neurons.vth.init = np.array([-1.0, 0.0])
    with pytest.raises(ParameterError, match="'vth'"):
        drive(neurons, np.zeros((2, 3)))


def test_wrong_input_shape_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"inputs must have shape \(2, 3\) \+ \(T,\)"):
        drive(SigmaDelta(shape=(2, 3)), np.zeros((3, 2, 10)))
