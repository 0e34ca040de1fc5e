"""A network's Lava layers simulated in a plain batched loop, without Lava.

``simulate`` builds the same layer processes ``Network.run`` would (so every parameter is checked
and broadcast the same way), copies their Vars into plain objects and advances them with the
functions the Lava process models call (``layer.dynamics.advance_float`` / ``advance_fixed``), in
Lava's order: within a step, each layer sees the previous layer's output of that step. In fixed
point the result equals the Lava run's bit for bit; the speed benchmark uses it as the "numpy
floor" (the cost of the arithmetic alone). ``engine="torch"`` runs the float equations on torch
float64 tensors: the torch form of every layer's Lava float model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.layer.dynamics import Synapses, advance_fixed, advance_float
from lava_sd.layer.synapses import fixed_weights
from lava_sd.network import Network, check_batch

# Var dtypes of the fixed-point process models (the float ones hold float64, integer Vars int64)
_FIXED_PARAM_DTYPE = np.int32


@dataclass
class SimulationResult:
    """Per layer: spike counts and overflow counts per neuron ``(B, neurons)`` (as
    ``NetworkOutput.spikes``), readout sums ``(B, n)``; and the wall time of the time-step
    loop."""

    spikes: list[np.ndarray]
    readout_sums: list[np.ndarray]
    overflow: list[np.ndarray]
    seconds: float


def simulate(
    network: Network,
    x: np.ndarray,
    lengths: np.ndarray,
    backend: str = "fixed",
    engine: str = "numpy",
) -> SimulationResult:
    """Run ``network`` on a padded batch ``x`` ``(B, F, T)`` (``"float"`` or ``"fixed"``).

    Args:
        network, x, lengths: as ``Network.run``.
        backend: ``"float"`` or ``"fixed"``.
        engine: ``"numpy"``, or ``"torch"`` (float only: torch float64 tensors).

    Returns:
        The same spike counts, readout sums and overflow counts as ``network.run`` (fixed point:
        bit for bit).
    """
    if backend not in ("float", "fixed") or engine not in ("numpy", "torch"):
        raise ParameterError(
            f"simulate: backend must be 'float' or 'fixed' and engine 'numpy' or 'torch', got "
            f"{backend!r}, {engine!r}."
        )
    if engine == "torch" and backend == "fixed":
        raise ParameterError("simulate: the torch engine runs the float equations only.")
    x, lengths = check_batch("simulate", x, lengths, network.n_in)
    data = network.input_data(x, backend)
    layers = [_Layer(proc, backend) for proc in network.build(lengths, backend)]
    if engine == "torch":
        import torch

        data = torch.from_numpy(np.asarray(data, dtype=np.float64))
        for layer in layers:
            layer.to_torch()
    started = time.perf_counter()
    for t in range(data.shape[-1]):
        s = data[..., t]
        for layer in layers:
            s = layer.step(t + 1, s)
    seconds = time.perf_counter() - started
    return SimulationResult(
        spikes=[layer.vars.spike_count for layer in layers],
        readout_sums=[layer.vars.readout_sum for layer in layers],
        overflow=[layer.vars.overflow for layer in layers],
        seconds=seconds,
    )


class _Layer:
    """One layer process's Vars as plain numpy arrays, advanced like its Lava model."""

    def __init__(self, proc: Any, backend: str) -> None:
        spec = type(proc).NEURON
        fixed = backend != "float"
        values = {var.name: np.broadcast_to(np.array(var.init), var.shape) for var in proc.vars}
        state_dtype = np.int64 if fixed else float
        for var in spec.states:
            values[var.name] = values[var.name].astype(state_dtype)
        for key in ("trace", "readout_sum", "spike_count", "overflow"):
            dtype = np.int64 if fixed or key in ("spike_count", "overflow") else float
            values[key] = values[key].astype(dtype)
        for key in (
            "overflow_steps", "overflow_first", "n_frames", "frame_steps", "frame_offset",
            "readout_last",
        ):  # fmt: skip
            values[key] = values[key].astype(np.int64)
        if fixed:
            values["readout_decay"] = values["readout_decay"].astype(np.int64)
        self.vars = SimpleNamespace(**values, NEURON=spec, READOUT=type(proc).READOUT, time_step=0)
        params = {var.name: values[var.name] for var in spec.params}
        use_w, use_rec = bool(values["use_weights"][0]), bool(values["use_rec"][0])
        if fixed:
            params = {k: v.astype(_FIXED_PARAM_DTYPE) for k, v in params.items()}
            self.params = spec.fixed_params(params)
            self.synapses = Synapses(
                fixed_weights(values["weights"]) if use_w else None,
                fixed_weights(values["rec_weights"]) if use_rec else None,
                int(values["weight_exp"][0]),
                int(values["rec_weight_exp"][0]),
                int(values["num_message_bits"][0]),
            )
        else:
            params = {
                var.name: params[var.name].astype(np.int64 if var.integer else float)
                for var in spec.params
            }
            self.params = spec.float_params(params)
            self.synapses = Synapses(
                values["weights"] if use_w else None,
                values["rec_weights"] if use_rec else None,
                num_message_bits=int(values["num_message_bits"][0]),
            )
        self.advance = advance_fixed if fixed else advance_float

    def to_torch(self) -> None:
        """Hold the float states, trace, parameters and weights as torch float64 tensors."""
        import torch

        def tensor(value: Any) -> Any:
            return value if value is None else torch.tensor(np.asarray(value, dtype=float))

        spec = self.vars.NEURON
        for key in (*(var.name for var in spec.states), "trace"):
            setattr(self.vars, key, tensor(getattr(self.vars, key)))
        self.params = _to_torch(self.params, tensor)
        self.synapses = self.synapses._replace(
            weights=tensor(self.synapses.weights), rec_weights=tensor(self.synapses.rec_weights)
        )

    def step(self, time_step: int, x: np.ndarray) -> np.ndarray:
        """Advance by one step (``time_step`` counts from 1); returns the layer's output."""
        self.vars.time_step = time_step
        return self.advance(self.vars, x, self.params, self.synapses)


def _to_torch(params: Any, tensor: Any) -> Any:
    """A parameter tuple with its numpy arrays as torch tensors (nested tuples too)."""
    if isinstance(params, np.ndarray):
        return tensor(params)
    if isinstance(params, tuple):
        items = [_to_torch(p, tensor) for p in params]
        return type(params)(*items) if hasattr(params, "_fields") else tuple(items)
    return params
