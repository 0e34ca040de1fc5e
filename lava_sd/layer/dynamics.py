"""One step of a layer (synapses + neuron) and of its readout: the one place they are composed.

Every layer of every model is the same composition, in float and in integer arithmetic::

    drive     = W x                  # input synapses (fixed: Lava Dense arithmetic, << weight_exp);
                                     # without W the input is already weighted: drive = x
    recurrent = U out_prev           # recurrent synapses on the layer's last output, if any
    state     = neuron step(state, drive, recurrent)       # the model's dynamics.step_*
    out       = state.<output>       # binary spikes, or graded events (EGRU)

    readout, per sample, over its own steps t < n_frames K + offset:
        spike_count += (out != 0)            # and the events of internal populations
        trace <- trace (1 - k) + k out                      # fixed: decay(trace, k) + k out
        at every frame end (t - offset + 1 = j K, j < n_frames):
            readout_sum += trace             # "trace" readout (K = 1: every step)
                        or decoded(state)    # "decoded" readout (ΣΔ: -i_fb)

``advance_float`` / ``advance_fixed`` are one whole step of a layer held in any object with the
layer's Vars as attributes: a Lava process model (``layer.models``) or the batched simulator's
layers (``lava_sd.simulate``: numpy, the speed benchmark's numpy floor, or torch). The float and
the integer step functions, and the readout and overflow bookkeeping, work on numpy arrays and
torch tensors alike (integers: int64 arrays or tensors, ``lava_sd.fixed_point.namespace``). Only
numpy and Lava's weight utilities are imported here: Lava's model discovery executes the modules
that import it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce
from typing import Any, NamedTuple

import numpy as np

from lava_sd.fixed_point import as_int64, decay, namespace, overflow_any
from lava_sd.layer.spec import NeuronSpec
from lava_sd.layer.synapses import dense_fixed, dense_float
from lava_sd.model_state import load_state
from lava_sd.spiking import heaviside


class Synapses(NamedTuple):
    """A layer's fused synapses: float weights, or Lava-ready integer weights (``fixed_weights``)
    with their exponents. ``None`` leaves a synapse out."""

    weights: Any = None  # (gates * n, n_in)
    rec_weights: Any = None  # (gates * n, n)
    weight_exp: int = 0
    rec_weight_exp: int = 0
    num_message_bits: int = 0  # of the input: 0 binary, else graded


def layer_step_float(
    neuron: NeuronSpec,
    state: Any,
    x: Any,
    synapses: Synapses,
    params: Any,
    spike_fn: Callable[[Any], Any] = heaviside,
) -> Any:
    """One float step of a layer: synapses, then the neuron's ``step_float``; the new state."""
    drive = x
    if synapses.weights is not None:
        drive = dense_float(x, synapses.weights, synapses.num_message_bits)
    recurrent = None
    if synapses.rec_weights is not None:
        out_prev = getattr(state, neuron.output)
        recurrent = dense_float(out_prev, synapses.rec_weights, neuron.output_bits)
    return neuron.step_float(state, drive, recurrent, params, spike_fn)


def layer_step_fixed(
    neuron: NeuronSpec, state: Any, x: Any, synapses: Synapses, params: Any
) -> tuple[Any, tuple[Any, ...]]:
    """One integer step of a layer: Lava ``Dense`` arithmetic, then the neuron's ``step_fixed``
    (numpy int64 arrays, or torch int64 tensors with torch parameters and weights).

    Returns:
        ``(state, overflow)``: the new int64 state and one boolean mask per
        ``neuron.overflow_names``.
    """
    if synapses.weights is None:
        drive = as_int64(x)
    else:
        drive = dense_fixed(x, synapses.weights, synapses.weight_exp, synapses.num_message_bits)
    recurrent = None
    if synapses.rec_weights is not None:
        out_prev = getattr(state, neuron.output)
        recurrent = dense_fixed(
            out_prev, synapses.rec_weights, synapses.rec_weight_exp, neuron.output_bits
        )
    return neuron.step_fixed(state, drive, recurrent, params)


def trace_float(trace: Any, out: Any, k: Any) -> Any:
    """Float readout trace ``trace (1 - k) + k out``."""
    return trace * (1 - k) + k * out


def trace_fixed(trace: Any, out: Any, k: Any) -> Any:
    """Integer readout trace ``decay(trace, k) + k out`` (``k`` a voltage-style decay D: one
    spike adds ``k``, a steady spike train settles at 4096)."""
    return decay(trace, k) + k * out


def accumulate(
    time_step: int,
    out: Any,
    value: Any,
    n_frames: Any,
    frame_steps: int,
    frame_offset: int,
    spike_count: Any,
    readout_sum: Any,
    last_only: bool = False,
) -> None:
    """Add one step (``time_step`` counts from 1) to a layer's per-sample sums, in place.

    ``spike_count += (out != 0)`` for the samples still within their own
    ``n_frames * frame_steps + frame_offset`` steps (not in the batch padding), and
    ``readout_sum += value`` at each frame end ``t - frame_offset + 1 = j frame_steps`` of a frame
    ``j < n_frames`` (``last_only``: of the last frame ``j = n_frames - 1`` only). ``out``,
    ``value`` and ``readout_sum`` are ``(..., n)``; ``out`` and ``spike_count`` hold the events of
    every neuron of the layer (the units, then the ``NeuronSpec.populations``); ``n_frames`` has
    the batch shape (or ``(1,)``). All numpy arrays, or all torch tensors.
    """
    batch_shape = (*out.shape[:-1], 1)
    own = (time_step - 1 < n_frames * frame_steps + frame_offset).reshape(batch_shape)
    spike_count += own & (out != 0)
    t = time_step - 1 - frame_offset
    if t < 0 or (t + 1) % frame_steps:
        return
    frame = (t + 1) // frame_steps - 1
    valid = (frame == n_frames - 1 if last_only else frame < n_frames).reshape(batch_shape)
    readout_sum += namespace(readout_sum).where(valid, value, 0)


def advance_float(layer: Any, x: np.ndarray, params: Any, synapses: Synapses) -> np.ndarray:
    """One float step of ``layer`` (an object holding the layer's Vars, ``NEURON``, ``READOUT``
    and ``time_step``), in place; returns its output."""
    spec = layer.NEURON
    state = layer_step_float(spec, load_state(layer, spec.state_type), x, synapses, params)
    return _finish_step(layer, state, trace_float)


def advance_fixed(layer: Any, x: Any, params: Any, synapses: Synapses) -> Any:
    """One integer step of ``layer`` (as ``advance_float``), counting overflow; returns its
    output."""
    spec = layer.NEURON
    state, flags = layer_step_fixed(spec, load_state(layer, spec.state_type), x, synapses, params)
    count_overflow(layer, flags)
    return _finish_step(layer, state, trace_fixed)


def count_overflow(layer: Any, flags: tuple[Any, ...]) -> None:
    """Per neuron: steps with any overflow; per flag: steps with one anywhere, and the first."""
    hit = False
    for i, flag in enumerate(flags):
        if overflow_any(flag):
            hit = True
            layer.overflow_steps[i] += 1
            if not layer.overflow_first[i]:
                layer.overflow_first[i] = layer.time_step
    if hit:
        mask = layer.NEURON.overflow_mask
        layer.overflow += reduce(operator.or_, flags) if mask is None else mask(flags)


def _finish_step(layer: Any, state: Any, trace_step: Callable[..., Any]) -> np.ndarray:
    """Bind the new state to the layer's Vars (no copies) and update the readout."""
    for key, value in zip(state._fields, state, strict=True):
        setattr(layer, key, value)
    spec = layer.NEURON
    out = getattr(state, spec.output)
    if layer.READOUT == "trace":
        layer.trace[:] = trace_step(layer.trace, out, layer.readout_decay[0])
        value = layer.trace
    else:
        value = spec.decoded(state)
    events = out
    if spec.populations:
        events = namespace(out).concatenate(
            [events, *(getattr(state, p.field) for p in spec.populations)], axis=-1
        )
    accumulate(
        layer.time_step, _like(events, layer.spike_count), _like(value, layer.readout_sum),
        layer.n_frames, int(layer.frame_steps[0]), int(layer.frame_offset[0]), layer.spike_count,
        layer.readout_sum, bool(layer.readout_last[0]),
    )  # fmt: skip
    return out


def _like(x: Any, target: Any) -> Any:
    """``x``, or a torch tensor's values when ``target`` is a numpy array (the simulator's float
    torch engine keeps the per-sample sums in numpy)."""
    if namespace(target) is np and namespace(x) is not np:
        return x.detach().cpu().numpy()
    return x
