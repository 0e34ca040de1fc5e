"""A network's Lava layers simulated in a plain batched loop, without Lava: numpy or torch.

``simulate`` builds the same layer processes ``Network.run`` would (so every parameter is checked
and broadcast the same way, and fixed-point input beyond the 24-bit register is refused the same
way), copies their Vars into plain objects and advances them with the functions the Lava process
models call (``layer.dynamics.advance_float`` / ``advance_fixed``), in Lava's order: within a
step, each layer sees the previous layer's output of that step.

Engines:

- ``"numpy"``: the process models' own arithmetic on numpy arrays. In fixed point the result
  equals the Lava run's bit for bit; the speed benchmark uses it as the "numpy floor" (the cost
  of the arithmetic alone).
- ``"torch"``: the same functions on torch tensors. Float: float64 tensors, the torch form of
  every layer's Lava float model. Fixed: int64 tensors for every state, parameter and sum, the
  weights as float32 tensors multiplied in the narrowest exact type (``layer.synapses``): the
  torch fixed mode, equal to Lava ``fixed_pt`` bit for bit (``docs/fixed_point.md``).

``run_network`` returns a ``NetworkOutput`` as ``Network.run`` does (logits, spikes, overflow
and its warnings); ``drive_layer`` steps one layer process as ``lava_sd.harness.drive`` does in
Lava, and can record its states after every step.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError, as_array
from lava_sd.fixed_point import squeeze_constant
from lava_sd.layer.dynamics import Synapses, advance_fixed, advance_float
from lava_sd.layer.process import check_input, warn_overflow
from lava_sd.layer.synapses import fixed_weights
from lava_sd.network import Network, NetworkOutput, check_batch, hold_frames
from lava_sd.run import RunResult
from lava_sd.validation import validate_graph

# Var dtypes of the fixed-point process models (the float ones hold float64, integer Vars int64)
_FIXED_PARAM_DTYPE = np.int32
ENGINES = ("numpy", "torch")
_SUMS = ("spike_count", "readout_sum", "overflow", "overflow_steps", "overflow_first")


@dataclass
class SimulationResult:
    """Per layer: spike counts and overflow counts per neuron ``(B, neurons)`` (as
    ``NetworkOutput.spikes``), readout sums ``(B, n)``, and per entry of the neuron's
    ``overflow_names`` the steps with an overflow anywhere and the first such step (0 if none);
    the wall time of the time-step loop and the steps run."""

    spikes: list[np.ndarray]
    readout_sums: list[np.ndarray]
    overflow: list[np.ndarray]
    seconds: float
    overflow_steps: list[np.ndarray] | None = None
    overflow_first: list[np.ndarray] | None = None
    num_steps: int = 0


def simulate(
    network: Network,
    x: np.ndarray,
    lengths: np.ndarray,
    backend: str = "fixed",
    engine: str = "numpy",
    threads: int | None = 1,
) -> SimulationResult:
    """Run ``network`` on a padded batch ``x`` ``(B, F, T)`` (``"float"`` or ``"fixed"``).

    Args:
        network, x, lengths: as ``Network.run``.
        backend: ``"float"`` or ``"fixed"``.
        engine: ``"numpy"`` or ``"torch"`` (module docstring).
        threads: torch's intra-op threads during the run (restored after it; ``None``: leave
            them). One by default: a step's tensors are small, and with a second thread that
            waited for a busy core the spoken-digit lpRNN ran about 9x slower on a shared
            2-core machine (``docs/fixed_point.md``, torch fixed mode).

    Returns:
        The same spike counts, readout sums and overflow counts as ``network.run`` (fixed point:
        bit for bit, with either engine).
    """
    _check_engine("simulate", backend, engine)
    x, lengths = check_batch("simulate", x, lengths, network.n_in)
    procs = network.build(lengths, backend)
    validate_graph(procs, backend)
    # the input once per frame: Network.input_data holds column j for steps j K .. j K + K - 1
    # (and the last column frame_offset more steps), so step t reads column frame[t]
    frames = hold_frames(x, 1, 0, network.input_scale, backend)
    if backend != "float":
        check_input(procs[0], frames)  # the same largest drive as the held input's
    num_steps = x.shape[-1] * network.frame_steps + network.frame_offset
    frame = np.minimum(np.arange(num_steps) // network.frame_steps, x.shape[-1] - 1)
    with _torch_threads(engine, threads):
        layers = [_Layer(proc, backend, engine) for proc in procs]
        inputs = layers[0].inputs(frames)
        started = time.perf_counter()
        for t in range(num_steps):
            s = inputs[frame[t]]
            for layer in layers:
                s = layer.step(t + 1, s)
        seconds = time.perf_counter() - started
    sums = [layer.sums() for layer in layers]
    return SimulationResult(
        spikes=[s["spike_count"] for s in sums],
        readout_sums=[s["readout_sum"] for s in sums],
        overflow=[s["overflow"] for s in sums],
        seconds=seconds,
        overflow_steps=[s["overflow_steps"] for s in sums],
        overflow_first=[s["overflow_first"] for s in sums],
        num_steps=num_steps,
    )


def run_network(
    network: Network,
    x: np.ndarray,
    lengths: np.ndarray,
    backend: str = "fixed",
    engine: str = "torch",
    threads: int | None = 1,
) -> NetworkOutput:
    """``network.run(x, lengths, backend=backend)`` without Lava (``simulate``): the same
    logits, spikes, overflow and overflow warnings; ``out.run`` holds the recorded sums under
    the keys ``Network.run`` uses, ``seconds_run`` (the step loop) and ``seconds_total``."""
    started = time.perf_counter()
    sim = simulate(network, x, lengths, backend, engine, threads)
    result = RunResult(readout_sum=sim.readout_sums[-1])
    for i in range(len(sim.spikes)):
        result.update(
            {f"spikes_{i}": sim.spikes[i], f"overflow_{i}": sim.overflow[i],
             f"overflow_steps_{i}": sim.overflow_steps[i],
             f"overflow_first_{i}": sim.overflow_first[i]}
        )  # fmt: skip
    result.backend, result.num_steps, result.seconds_run = backend, sim.num_steps, sim.seconds
    result.seconds_total = time.perf_counter() - started
    return network.output(result, np.asarray(lengths), backend, where=f", {engine}")


def drive_layer(
    proc: Any,
    inputs: np.ndarray,
    *,
    backend: str = "fixed",
    engine: str = "numpy",
    record: tuple[str, ...] = (),
    every_step: bool = False,
    threads: int | None = 1,
) -> dict[str, np.ndarray]:
    """Step one layer process with ``inputs`` (``a_in.shape + (T,)``) as
    ``lava_sd.harness.drive(proc, inputs, backend=..., record=...)`` does in Lava (checks,
    overflow warnings), without Lava.

    Returns:
        ``"s_out"`` (``s_out.shape + (T,)``) and each Var of ``record`` after the last step, or
        after every step with ``every_step`` (time last); numpy arrays.
    """
    _check_engine("drive_layer", backend, engine)
    owner = f"drive_layer({type(proc).__name__} '{proc.name}')"
    inputs = as_array(owner, "inputs", inputs)
    if inputs.shape[:-1] != tuple(proc.a_in.shape) or inputs.shape[-1] < 1:
        raise ParameterError(
            f"{owner}: inputs must have shape {tuple(proc.a_in.shape)} + (T,), got {inputs.shape}."
        )
    validate_graph([proc], backend)
    if backend != "float":
        check_input(proc, inputs)
    history: dict[str, list[np.ndarray]] = {key: [] for key in ("s_out", *record)}
    with _torch_threads(engine, threads):
        layer = _Layer(proc, backend, engine)
        data = layer.inputs(inputs)
        for t in range(len(data)):
            history["s_out"].append(_numpy(layer.step(t + 1, data[t])))
            if every_step or t == len(data) - 1:
                for key in record:
                    history[key].append(_numpy(getattr(layer.vars, key)).copy())
    out = {key: np.stack(values, axis=-1) for key, values in history.items()}
    if not every_step:
        out.update({key: out[key][..., -1] for key in record})
    sums = layer.sums()
    warn_overflow(proc.owner, backend, proc.NEURON.overflow_names, sums["overflow_steps"],
                  sums["overflow_first"])  # fmt: skip
    return out


@contextmanager
def _torch_threads(engine: str, threads: int | None) -> Iterator[None]:
    """torch's intra-op threads set to ``threads`` while a torch engine runs, then restored."""
    if engine != "torch" or threads is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _check_engine(owner: str, backend: str, engine: str) -> None:
    if backend not in ("float", "fixed") or engine not in ENGINES:
        raise ParameterError(
            f"{owner}: backend must be 'float' or 'fixed' and engine one of {ENGINES}, got "
            f"{backend!r}, {engine!r}."
        )


class _Layer:
    """One layer process's Vars as plain numpy arrays (or torch tensors), advanced like its
    Lava model."""

    def __init__(self, proc: Any, backend: str, engine: str = "numpy") -> None:
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
        self.fixed = fixed
        self.advance = advance_fixed if fixed else advance_float
        self.torch = engine == "torch"
        if self.torch:
            self.to_torch()

    def to_torch(self) -> None:
        """Hold the states, the trace, the parameters and the weights as torch tensors: float64
        in float; in fixed point int64 (the weights: their float32 form), with the per-sample
        sums and the frame counts too, and every parameter reduced along the axes on which it is
        constant (``squeeze_constant``: the same values once broadcast)."""
        import torch

        def tensor(value: Any) -> Any:
            if value is None:
                return None
            array = np.asarray(value)
            if not self.fixed:
                return torch.tensor(array.astype(float))
            converted = torch.from_numpy(np.ascontiguousarray(squeeze_constant(array)))
            return converted if array.dtype.kind == "f" else converted.to(torch.int64)

        spec = self.vars.NEURON
        keys = [var.name for var in spec.states] + ["trace"]
        if self.fixed:
            keys += ["spike_count", "readout_sum", "overflow", "n_frames", "readout_decay"]
        for key in keys:
            value = np.array(getattr(self.vars, key))  # own, writable memory
            setattr(self.vars, key, torch.from_numpy(value) if self.fixed else tensor(value))
        self.params = _to_torch(self.params, tensor)
        self.synapses = self.synapses._replace(
            weights=tensor(self.synapses.weights), rec_weights=tensor(self.synapses.rec_weights)
        )

    def inputs(self, data: np.ndarray) -> Any:
        """The layer's input ``(..., n_in, T)`` in its engine, time first: ``(T, ..., n_in)``,
        numpy, or torch float64 (float) or int64 (fixed point, where the inputs are integers)."""
        data = np.ascontiguousarray(np.moveaxis(np.asarray(data, dtype=np.float64), -1, 0))
        if not self.torch:
            return data
        import torch

        data = torch.from_numpy(data)
        return data.to(torch.int64) if self.fixed else data

    def step(self, time_step: int, x: Any) -> Any:
        """Advance by one step (``time_step`` counts from 1); returns the layer's output."""
        self.vars.time_step = time_step
        return self.advance(self.vars, x, self.params, self.synapses)

    def sums(self) -> dict[str, np.ndarray]:
        """The per-sample sums and overflow counters as numpy arrays."""
        return {key: _numpy(getattr(self.vars, key)) for key in _SUMS}


def _numpy(x: Any) -> np.ndarray:
    """A numpy array of ``x`` (a torch tensor's values, on the CPU)."""
    return x if isinstance(x, np.ndarray) else x.detach().cpu().numpy()


def _to_torch(params: Any, tensor: Any) -> Any:
    """A parameter tuple with its numpy arrays as torch tensors (nested tuples too)."""
    if isinstance(params, np.ndarray):
        return tensor(params)
    if isinstance(params, tuple):
        items = [_to_torch(p, tensor) for p in params]
        return type(params)(*items) if hasattr(params, "_fields") else tuple(items)
    return params
