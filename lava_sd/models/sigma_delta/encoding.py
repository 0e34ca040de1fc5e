"""Encode signals with a ΣΔ population in Lava (float or fixed point) and decode the spikes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lava_sd.checks import ParameterError, as_array
from lava_sd.harness import drive
from lava_sd.models.sigma_delta.config import SigmaDeltaConfig
from lava_sd.models.sigma_delta.proc.process import SigmaDelta
from lava_sd.run import RunResult


@dataclass
class EncodeResult:
    """Output of ``encode``: spikes and decoded values, both shaped like the signal."""

    spikes: np.ndarray
    decoded: np.ndarray
    overflow_steps: int
    input_scale: int | None
    run: RunResult

    @property
    def spike_rate(self) -> float:
        """Mean spikes per neuron per step."""
        return float(self.spikes.mean())


def encode(
    signal: np.ndarray,
    config: SigmaDeltaConfig,
    *,
    backend: str = "float",
    input_scale: int | None = None,
    timeout: float | None = None,
    progress: bool = False,
) -> EncodeResult:
    """Encode ``signal`` (time last: ``(T,)``, ``(n, T)`` or ``(batch, n, T)``) with ΣΔ neurons.

    One Lava simulation (``lava_sd.harness.drive``): the signal drives a ``SigmaDelta``
    population's ``a_in`` directly; its spikes are recorded and decoded with ``config.decode``.

    Args:
        signal: finite values, time as the last axis.
        config: the population's float description.
        backend: ``"float"`` or ``"fixed"`` (``"loihi2"`` needs lava-loihi).
        input_scale: fixed point only; inputs become ``round(signal * input_scale)``.
            Default ``config.default_input_scale()``.
        timeout, progress: passed to ``lava_sd.run``.
    """
    signal = as_array("encode", "signal", signal)
    if signal.ndim < 1 or signal.shape[-1] < 1:
        raise ParameterError("encode: 'signal' needs a time axis (the last one) of length >= 1.")
    shape, num_steps = signal.shape[:-1] or (1,), signal.shape[-1]
    data = signal.reshape(shape + (num_steps,))
    if backend == "float":
        scale, params = None, config.float_params()
    else:
        scale = input_scale or config.default_input_scale()
        params, data = config.fixed_params(scale), np.round(data * scale)
    neurons = SigmaDelta(shape=shape, **params)
    result = drive(
        neurons, data, backend=backend, record=("overflow",), timeout=timeout, progress=progress
    )
    spikes = result["s_out"].reshape(signal.shape)
    return EncodeResult(
        spikes=spikes,
        decoded=config.decode(spikes, scale),
        overflow_steps=int(result["overflow"].sum()),
        input_scale=scale,
        run=result,
    )
