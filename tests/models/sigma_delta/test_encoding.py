"""ΣΔ encoding quality in float and fixed point, decoding, parameter helpers."""

from __future__ import annotations

import numpy as np
import pytest

from lava_sd import ParameterError, SigmaDelta, SigmaDeltaConfig, encode
from lava_sd.harness import drive

T = 1200
SETTLE = 64  # 4 tau_fb: the decoder has forgotten its zero initial state (e^-4 < 2 %)


def make_signals() -> np.ndarray:
    """Constant, step and slow sine, all within [0.2, 0.8] (inside the range for_range(1.0))."""
    t = np.arange(T)
    constant = np.full(T, 0.37)
    step = np.where(t < T // 2, 0.3, 0.7)
    sine = 0.5 + 0.3 * np.sin(2 * np.pi * t / 400)
    return np.stack([constant, step, sine])[:, None, :]  # (batch=3, n=1, T)


def tracking_window() -> np.ndarray:
    """Steps compared with the target: after settling, and not within SETTLE of the step."""
    t = np.arange(T)
    return (t >= SETTLE) & ~((t >= T // 2) & (t < T // 2 + SETTLE))


@pytest.mark.parametrize("backend", ["float", "fixed"])
def test_decoded_output_tracks_the_target(backend: str) -> None:
    """Error bound: with tau_v = 1 and threshold 0 the neuron spikes iff its decoded value d is
    below the input x, and d_t = r d_{t-1} + q s_{t-1} (r = 1 - 1/tau_fb, q = |w_fb|). A spike
    raises the error e = d - x to at most r e + q - (1 - r) x < q; without a spike e falls by
    (1 - r) d <= (1 - r) q tau_fb = q. So once settled |e| <= q plus the signal's change per
    step (the sine's slope 0.3 * 2 pi / 400 = 0.005 is below both slew rates, q/5 and x/16),
    hence max|e| <= 1.1 q. The sawtooth ripple between the spikes has an RMS well below q; we
    assert RMS <= q / 2 (measured about 0.38 q)."""
    config = SigmaDeltaConfig.for_range(1.0, tau_fb=16)
    signals = make_signals()
    result = encode(signals, config, backend=backend)
    window = tracking_window()
    error = (result.decoded - signals)[..., window]
    q = config.quantum
    assert result.overflow_steps == 0
    for name, e in zip(("constant", "step", "sine"), error, strict=True):
        rms, worst = float(np.sqrt(np.mean(e**2))), float(np.abs(e).max())
        print(f"{backend} {name}: rms={rms:.4f} max={worst:.4f} q={q:.4f}")
        assert rms <= q / 2, f"{name}: RMS error {rms:.4f} > q/2 = {q / 2:.4f}"
        assert worst <= 1.1 * q, f"{name}: max error {worst:.4f} > 1.1 q"
    rate = result.spikes.mean()
    assert 0.3 < rate < 0.6, rate  # about mean(x) / max_decodable = 0.5 / 1.25


def test_float_and_fixed_encodings_agree() -> None:
    config = SigmaDeltaConfig.for_range(1.0, tau_fb=16)
    signals = make_signals()
    flt, fix = encode(signals, config), encode(signals, config, backend="fixed")
    assert fix.input_scale == config.default_input_scale()
    agreement = (flt.spikes == fix.spikes).mean()
    assert agreement > 0.99, agreement
    assert np.abs(flt.decoded - fix.decoded).max() <= config.quantum


@pytest.mark.parametrize("backend", ["float", "fixed"])
def test_decode_equals_minus_i_fb(rng: np.random.Generator, backend: str) -> None:
    config = SigmaDeltaConfig(w_fb=-0.05, tau_fb=12.0, tau_in=3.0, tau_v=2.0)
    signal = rng.uniform(0, 0.5, (2, 3, 200))
    scale = None if backend == "float" else config.default_input_scale()
    params = config.float_params() if scale is None else config.fixed_params(scale)
    inputs = signal if scale is None else np.round(signal * scale)
    out = drive(SigmaDelta(shape=(2, 3), **params), inputs, backend=backend, record=("i_fb",))
    decoded = config.decode(out["s_out"], scale)
    unit = 1 if scale is None else scale * 64
    np.testing.assert_array_equal(decoded[..., -1] * unit, -out["i_fb"])


def test_fixed_params_are_integers_in_range() -> None:
    config = SigmaDeltaConfig(w_fb=-0.1, tau_fb=20, tau_in=1, tau_ip=1, tau_v=np.inf, bias=0.3)
    p = config.fixed_params(1024)
    assert p["du_in"] == 4095 and p["du_ip"] == 4095
    assert p["du_fb"] == round(4096 / 20) - 1
    assert p["dv"] == 0
    assert p["w_fb"] == round(-0.1 * 1024 * 64)
    assert p["bias_mant"] << p["bias_exp"] == pytest.approx(0.3 * 1024 * 64, rel=1e-3)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: SigmaDeltaConfig(w_fb=0.1), "Feedback is negative"),
        (lambda: SigmaDeltaConfig(w_fb=-0.1, tau_fb=0.5), "'tau_fb' = 0.5 is out of range"),
        (lambda: SigmaDeltaConfig(w_fb=-0.1, tau_v=np.nan), "NaN"),
        (lambda: SigmaDeltaConfig(w_fb=-0.1, threshold=-1), "'threshold'"),
        (lambda: SigmaDeltaConfig.for_range(-1.0), "max_value must be positive"),
        (lambda: SigmaDeltaConfig.for_range(1.0, headroom=0.5), "headroom"),
        (lambda: SigmaDeltaConfig(w_fb=-1e-6).fixed_params(1), "quantizes w_fb"),
        (lambda: SigmaDeltaConfig(w_fb=-0.1, bias=1e9).fixed_params(1024), "does not fit"),
        (lambda: encode(np.array([[np.inf, 1.0]]), SigmaDeltaConfig(w_fb=-0.1)), "NaN"),
        (lambda: encode(np.zeros((2, 0)), SigmaDeltaConfig(w_fb=-0.1)), "time axis"),
    ],
)
def test_bad_configuration(call, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        call()
