"""EGRU: torch == Lava float, Lava fixed == independent integer reference, fixed vs float bound,
threshold edge cases, sparsity vs threshold, piecewise-linear gates, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lava_sd import EGRU, ParameterError
from lava_sd.harness import drive
from lava_sd.models.egru.dynamics import sigmoid_fixed, sigmoid_pwl, tanh_fixed, tanh_pwl
from lava_sd.models.egru.torch import EGRULayer


def random_layer(rng: np.random.Generator, n_in: int, n: int, thr: float) -> EGRULayer:
    torch.manual_seed(int(rng.integers(1 << 30)))
    layer = EGRULayer(n_in, n, thr=thr).double()
    with torch.no_grad():
        layer.bias_x.uniform_(-0.5, 0.5)
        layer.bias_r.uniform_(-0.5, 0.5)
        layer.thr.uniform_(0.05, 0.5)
    return layer


def float_params(layer: EGRULayer) -> dict:
    return {
        "weights": layer.weight.detach().numpy(),
        "rec_weights": layer.recurrent_weight.detach().numpy(),
        "bias_x": layer.bias_x.detach().numpy(),
        "bias_r": layer.bias_r.detach().numpy(),
        "thr": layer.threshold().detach().numpy(),
    }


def test_torch_equals_lava_float(rng: np.random.Generator) -> None:
    batch, n_in, n, steps = 3, 4, 7, 120
    layer = random_layer(rng, n_in, n, 0.3)
    x = rng.normal(0, 1.5, (batch, n_in, steps))
    y = layer(torch.from_numpy(x)).detach().numpy()
    lava = drive(EGRU(shape=(batch, n), **float_params(layer)), x, backend="float")
    assert 0.05 < (y != 0).mean() < 0.9, "the test must exercise events"
    np.testing.assert_allclose(lava["s_out"], y, rtol=1e-6, atol=1e-12)


def test_piecewise_linear_gates() -> None:
    """Documented in docs/fixed_point.md: distance to the exact functions and Q12 rounding."""
    x = np.linspace(-8, 8, 160_001)
    sig_err = np.abs(sigmoid_pwl(x) - 1 / (1 + np.exp(-x))).max()
    tanh_err = np.abs(tanh_pwl(x) - np.tanh(x)).max()
    xi = np.round(x * 4096).astype(np.int64)
    sig_q = np.abs(sigmoid_fixed(xi) - 4096 * sigmoid_pwl(xi / 4096)).max()
    tanh_q = np.abs(tanh_fixed(xi) - 4096 * tanh_pwl(xi / 4096)).max()
    print(f"sigmoid_pwl {sig_err:.4f}, tanh_pwl {tanh_err:.4f}; Q12: {sig_q} / {tanh_q} LSB")
    assert sig_err < 0.02 and tanh_err < 0.04 and sig_q <= 3 and tanh_q <= 6
    np.testing.assert_array_equal(sigmoid_fixed(np.array([0, 10**6, -(10**6)])), [2048, 4096, 0])
    torch_x = torch.linspace(-8, 8, 1001, dtype=torch.float64)
    np.testing.assert_allclose(sigmoid_pwl(torch_x).numpy(), sigmoid_pwl(torch_x.numpy()))


def fixed_weights(w: np.ndarray) -> np.ndarray:
    """Even mantissas W_m ~ 256 w: with weight_exp -1 and inputs x_int = 32 x, the Q12 gate
    input (W_m x_int) >> 1 = 4096 (W_m / 256)(x_int / 32) exactly (W_m even)."""
    return np.clip(2 * np.round(w * 128), -254, 254).astype(np.int64)


def test_fixed_tracks_float_within_bound(rng: np.random.Generator) -> None:
    """No events (thr = 1), the same weights, biases and inputs on both grids: the states
    differ only by the Q12 rounding of gates and products; bound 0.01 (41 LSB, see
    docs/fixed_point.md)."""
    n_in, n, steps = 4, 8, 200
    p = float_params(random_layer(rng, n_in, n, 1.0))
    w_m = fixed_weights(p["weights"])
    b_x, b_r = np.round(p["bias_x"] * 4096), np.round(p["bias_r"] * 4096)
    fixed = dict(weights=w_m, weight_exp=-1, bias_x=b_x, bias_r=b_r, thr=4096)
    floats = dict(weights=w_m / 256, bias_x=b_x / 4096, bias_r=b_r / 4096, thr=1.0)
    x_int = rng.integers(-(2**7), 2**7, (n_in, steps))
    out_x = drive(EGRU(shape=(n,), **fixed), x_int, backend="fixed", record=("c",))
    out_f = drive(EGRU(shape=(n,), **floats), x_int / 32, record=("c",))
    assert np.all(out_x["s_out"] == 0) and np.all(out_f["s_out"] == 0)
    err = np.abs(out_x["c"] / 4096 - out_f["c"]).max()
    print(f"max |c_fixed - c_float| = {err:.2e}")
    assert 0 < err < 0.01


@pytest.mark.parametrize("backend", ["float", "fixed"])
def test_threshold_edge_cases(rng: np.random.Generator, backend: str) -> None:
    """thr = 1: c never exceeds 1, so no event ever. thr = 0: an event wherever c > 0, carrying
    c, and no reset (c - 0)."""
    n_in, n, steps = 3, 6, 80
    layer = random_layer(rng, n_in, n, 0.5)
    p = float_params(layer)
    x = rng.normal(0, 3.0, (n_in, steps))
    scale = 1.0 if backend == "float" else 4096.0
    for thr, expect_events in ((1.0, False), (0.0, True)):
        params = dict(p, thr=thr * scale, rec_weights=np.zeros((3 * n, n)))
        if backend == "fixed":
            params.update(
                weights=fixed_weights(p["weights"]), weight_exp=-1,
                bias_x=np.round(p["bias_x"] * 4096), bias_r=np.round(p["bias_r"] * 4096),
            )  # fmt: skip
            inputs = np.round(x * 32)
        else:
            inputs = x
        out = drive(EGRU(shape=(n,), **params), inputs, backend=backend, record=("c",))
        y = out["s_out"]
        if not expect_events:
            assert np.all(y == 0)
        else:
            assert 0 < (y != 0).mean() < 1
            assert np.all(y >= 0) and np.all((y > 0) == (y != 0))
            last = y[:, -1]
            np.testing.assert_array_equal(last[last > 0], out["c"][last > 0])  # no reset


def test_activity_sparsity_rises_with_threshold(rng: np.random.Generator) -> None:
    n_in, n, steps = 4, 16, 100
    layer = random_layer(rng, n_in, n, 0.5)
    x = rng.normal(0, 1.5, (1, n_in, steps))
    sparsity = []
    for thr in (0.0, 0.2, 0.4, 0.7, 0.95):
        params = dict(float_params(layer), thr=thr)
        y = drive(EGRU(shape=(1, n), **params), x, backend="float")["s_out"]
        sparsity.append(float((y == 0).mean()))
    print("sparsity for thr 0, 0.2, 0.4, 0.7, 0.95:", np.round(sparsity, 3))
    assert np.all(np.diff(sparsity) >= 0) and sparsity[-1] - sparsity[0] > 0.3


def test_bad_parameters_fail_before_run() -> None:
    w = np.zeros((6, 3))
    with pytest.raises(ParameterError, match=r"\(6, n_in\)"):
        EGRU(shape=(2,), weights=np.zeros((2, 3)))
    with pytest.raises(ParameterError, match="thr"):
        drive(EGRU(shape=(2,), weights=w, thr=1.5), np.zeros((3, 4)))
    with pytest.raises(ParameterError, match="NaN"):
        EGRU(shape=(2,), weights=w, bias_x=np.nan)
    with pytest.raises(ParameterError, match="not an integer"):
        drive(EGRU(shape=(2,), weights=w, thr=0.5), np.zeros((3, 4)), backend="fixed")
    with pytest.raises(ValueError, match="thr"):
        EGRULayer(3, 2, thr=-0.1)
