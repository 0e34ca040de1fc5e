"""BatchDense equals Lava's Dense (fixed_pt bit for bit, floating_pt exactly), per sample."""

from __future__ import annotations

import numpy as np
import pytest
from lava.proc.dense.process import Dense

from lava_sd import BatchDense, ParameterError
from lava_sd.harness import drive


def run_synapse(proc, inputs: np.ndarray, backend: str) -> np.ndarray:
    return drive(proc, inputs, backend=backend, in_port="s_in", out_port="a_out")["a_out"]


@pytest.mark.parametrize("batch", [1, 4])
@pytest.mark.parametrize(("weight_exp", "mixed"), [(0, True), (-2, True), (3, False), (-1, False)])
def test_fixed_equals_dense_per_sample(
    rng: np.random.Generator, batch: int, weight_exp: int, mixed: bool
) -> None:
    n_in, n_out, steps = 7, 5, 40
    low = -300 if mixed else 0
    weights = rng.integers(low, 300, (n_out, n_in))  # beyond 8 bits: exercises clipping
    weights[0, 0] = 255 if mixed else weights[0, 0]
    spikes = (rng.random((batch, n_in, steps)) < 0.4).astype(np.int64)
    batched = run_synapse(
        BatchDense(weights=weights, batch=batch, weight_exp=weight_exp, clip_weights=True),
        spikes,
        "fixed",
    )
    assert batched.shape == (batch, n_out, steps)
    for b in range(batch):
        single = run_synapse(Dense(weights=weights, weight_exp=weight_exp), spikes[b], "fixed")
        np.testing.assert_array_equal(batched[b], single)
    assert np.abs(batched).max() > 0


def test_weights_no_register_holds_are_refused_unless_clipping_is_asked() -> None:
    spikes = np.ones((1, 2, 3), dtype=np.int64)
    with pytest.raises(ParameterError, match="clip_weights=True"):
        run_synapse(BatchDense(weights=[[1e9, 1]]), spikes, "fixed")
    clipped = run_synapse(BatchDense(weights=[[1e9, 1]], clip_weights=True), spikes, "fixed")
    assert clipped.max() == 255 + 1  # Dense's clip to 255 (excitatory), one step late
    with pytest.raises(ParameterError, match="empty"):
        BatchDense(weights=np.zeros((0, 3)))


def test_float_equals_dense(rng: np.random.Generator) -> None:
    weights = rng.normal(size=(3, 6))
    spikes = (rng.random((2, 6, 30)) < 0.5).astype(float)
    batched = run_synapse(BatchDense(weights=weights, batch=2), spikes, "float")
    for b in range(2):
        single = run_synapse(Dense(weights=weights), spikes[b], "float")
        np.testing.assert_allclose(batched[b], single, rtol=1e-12)


def test_graded_fixed_matches_reference(rng: np.random.Generator) -> None:
    """Graded payloads: (W s) >> 1 with Dense's LSB-dropped mixed-sign weights, one step late."""
    weights = rng.integers(-100, 100, (4, 5))
    payload = rng.integers(-1000, 1000, (2, 5, 20))
    out = run_synapse(
        BatchDense(weights=weights, batch=2, num_message_bits=16, weight_exp=-1), payload, "fixed"
    )
    w_q = (weights >> 1) << 1  # mixed sign: the lowest bit is dropped
    expected = np.einsum("oi,bit->bot", w_q, payload) >> 1
    np.testing.assert_array_equal(out[..., 1:], expected[..., :-1])
    np.testing.assert_array_equal(out[..., 0], 0)


def test_fixed_rejects_float_weights() -> None:
    proc = BatchDense(weights=np.full((2, 3), 0.5), batch=2)
    with pytest.raises(ParameterError, match="not an integer"):
        run_synapse(proc, np.zeros((2, 3, 5)), "fixed")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(weights=np.zeros((2, 3, 4))), "2-D"),
        (dict(weights=np.array([[np.nan, 1.0]])), "NaN"),
        (dict(weights=np.ones((2, 2)), batch=0), "batch"),
        (dict(weights=np.ones((2, 2)), num_weight_bits=9), "num_weight_bits"),
        (dict(weights=np.ones((2, 2)), weight_exp=0.5), "weight_exp"),
    ],
)
def test_bad_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        BatchDense(**kwargs)


def test_wrong_input_width_is_refused() -> None:
    proc = BatchDense(weights=np.ones((2, 3)), batch=2)
    with pytest.raises(ParameterError, match="shape"):
        run_synapse(proc, np.zeros((2, 4, 5)), "float")
