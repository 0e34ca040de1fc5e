"""The Lava process every layer model is: fused synapses + the model's neurons + readout sums.

A model's process is a subclass that names its neuron (``NEURON``, a ``NeuronSpec``) and its
readout (``READOUT``: ``"trace"`` or ``"decoded"``); everything else (the Vars, their checks per
backend) comes from here and from the spec. Only numpy and Lava are imported: Lava's model
discovery executes the modules next to a process.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var

from lava_sd.checks import ParameterError, as_array, check_integer, check_range, check_shape
from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX
from lava_sd.layer.spec import NeuronSpec, VarSpec
from lava_sd.layer.synapses import dense_fixed, fixed_weights

ALL_FRAMES = 2**31 - 1
WEIGHT_LIMITS = (-256, 255)  # what Lava's Dense holds (8-bit mantissa, by sign mode)
FIXED_HINT = (
    "The fixed_pt model takes integer parameters: map a trained network with lava_sd.convert, "
    "or convert float parameters with the model's config (e.g. ALIFConfig.fixed_params())."
)


class LayerProcess(AbstractProcess):
    """A layer of ``shape = (batch, n)`` or ``(n,)`` neurons with fused synapses and readout.

    Per step (``lava_sd.layer.dynamics``)::

        drive = W a_in               # fixed: (a_in @ Wq.T) << weight_exp, as Lava's Dense;
                                     # without ``weights``, a_in is already weighted
        recurrent = U out_prev       # with ``rec_weights``: the layer's last output
        neuron step(drive, recurrent) -> s_out          # the model's equations
        trace <- trace (1 - k) + k s_out                # "trace" readout, k = readout_decay
        per sample, over its own n_frames K + offset steps:
            spike_count += (s_out != 0)
            at frame ends (every one, or the last with readout_last):
                readout_sum += trace, or the neuron's decoded value ("decoded")

    With the trace readout, ``readout_sum / n_frames`` is the time mean of a leaky-integrator
    readout's input: the host applies the readout weights (``lava_sd.Network``).

    Args:
        shape: ``(batch, n)`` or ``(n,)``.
        weights: optional ``(gates n, n_in)`` input weights; ``a_in`` is then ``(batch, n_in)``
            of spikes (``num_message_bits = 0``) or graded values. Without them ``a_in`` is an
            already weighted input ``(batch, gates n)``, e.g. from Lava's ``Dense``.
        rec_weights: optional ``(gates n, n)`` recurrent weights on the layer's last output.
        weight_exp, rec_weight_exp: fixed-point weight exponents (as Lava's ``Dense``).
        num_message_bits: 0 for binary input spikes, else the graded payload width; default:
            what the layer itself sends (the neuron's ``output_bits``), so that layers of one
            model connect as they are.
        n_frames: per sample ``(batch,)``, its number of frames (default: every step counts).
        frame_steps, frame_offset: steps per frame ``K`` and readout delay after a frame end.
        readout_decay: the trace's decay ``k`` (float fraction; fixed D in [0, 4096]).
        readout_last: sum the readout at the last frame only (default: every frame).
        name: process name.
        **neuron: the neuron's parameters and initial states (the model's ``NEURON`` spec).

    Vars: the arguments above, the neuron Vars, ``trace``, ``readout_sum``, ``spike_count``
    and ``overflow`` (per neuron, the ``n`` units then the neuron's internal ``populations``:
    events, and steps on which any state wrapped or saturated, always 0 in ``floating_pt``),
    ``overflow_steps`` and ``overflow_first`` (per entry of the neuron's
    ``overflow_names``: steps with an overflow anywhere, and the first such step, 0 if none).
    """

    NEURON: NeuronSpec
    READOUT = "trace"

    def __init__(
        self,
        *,
        shape: Sequence[int],
        weights: np.ndarray | None = None,
        rec_weights: np.ndarray | None = None,
        weight_exp: int = 0,
        rec_weight_exp: int = 0,
        num_message_bits: int | None = None,
        n_frames: int | np.ndarray | None = None,
        frame_steps: int = 1,
        frame_offset: int = 0,
        readout_decay: float = 0.0,
        readout_last: bool = False,
        name: str | None = None,
        **neuron: Any,
    ) -> None:
        # AbstractProcess.__init__ first: a process that raises before it has run leaves an
        # object whose __del__ fails inside Lava.
        super().__init__(shape=shape, name=name)
        owner = self.owner
        shape = check_shape(owner, shape)
        if len(shape) > 2:
            raise ParameterError(f"{owner}: shape must be (n,) or (batch, n), got {shape}.")
        batch, n = shape[:-1], shape[-1]
        dims = self._dims(neuron)
        rows = self.NEURON.weight_rows(n, dims)
        n_in = self._add_weights("weights", weights, rows, None)
        self._add_weights("rec_weights", rec_weights, rows, n)
        self.a_in = InPort(shape=(*batch, rows if weights is None else n_in))
        self.s_out = OutPort(shape=shape)
        if num_message_bits is None:
            num_message_bits = self.NEURON.output_bits
        for key, value, low, high in (
            ("weight_exp", weight_exp, -24, 24),
            ("rec_weight_exp", rec_weight_exp, -24, 24),
            ("num_message_bits", num_message_bits, 0, 24),
            ("frame_steps", frame_steps, 1, ALL_FRAMES),
            ("frame_offset", frame_offset, 0, ALL_FRAMES),
            ("readout_last", readout_last, 0, 1),
        ):
            setattr(self, key, Var(shape=(1,), init=_small_int(owner, key, value, low, high)))
        frames = as_array(owner, "n_frames", ALL_FRAMES if n_frames is None else n_frames)
        try:
            frames = np.broadcast_to(frames, batch or (1,)).copy()
        except ValueError:
            raise ParameterError(
                f"{owner}: 'n_frames' gives the frames of each sample: a scalar or shape "
                f"{batch or (1,)}, got {frames.shape}."
            ) from None
        check_integer(owner, "n_frames", frames, "Frames per sample are whole numbers.")
        check_range(owner, "n_frames", frames, 0, ALL_FRAMES)
        self.n_frames = Var(shape=frames.shape, init=frames)
        readout = as_array(owner, "readout_decay", readout_decay)
        check_range(owner, "readout_decay", readout, 0, DECAY_UNITY)
        self.readout_decay = Var(shape=(1,), init=float(readout))
        for key in ("trace", "readout_sum"):
            setattr(self, key, Var(shape=shape, init=0))
        for key in ("spike_count", "overflow"):
            setattr(self, key, Var(shape=(*batch, self.NEURON.neurons(n, dims)), init=0))
        n_flags = (len(self.NEURON.overflow_names),)
        self.overflow_steps = Var(shape=n_flags, init=0)
        self.overflow_first = Var(shape=n_flags, init=0)
        self._add_neuron_vars(batch, n, dims, neuron)

    @property
    def owner(self) -> str:
        """How this process is named in error messages."""
        return f"{type(self).__name__} '{self.name}'"

    def _add_weights(self, key: str, value: Any, rows: int, cols: int | None) -> int:
        """Create the Var ``key`` and its ``use_`` flag; returns the number of input columns."""
        flag = "use_weights" if key == "weights" else "use_rec"
        setattr(self, flag, Var(shape=(1,), init=int(value is not None)))
        if value is None:
            setattr(self, key, Var(shape=(rows, cols or 1), init=0))
            return cols or 0
        arr = as_array(self.owner, key, value)
        if arr.ndim != 2 or arr.shape[0] != rows or (cols is not None and arr.shape[1] != cols):
            want = f"({rows}, {cols if cols is not None else 'n_in'})"
            raise ParameterError(f"{self.owner}: '{key}' must have shape {want}, got {arr.shape}.")
        if arr.shape[1] == 0:
            raise ParameterError(f"{self.owner}: '{key}' has no input columns.")
        setattr(self, key, Var(shape=arr.shape, init=arr))
        return arr.shape[1]

    def _dims(self, values: dict) -> dict[str, int]:
        """The neuron's size parameters (``NeuronSpec.dims``), checked: integers >= 1."""
        dims = {}
        for key in self.NEURON.dims:
            var = self.NEURON.var(key)
            value = var.default if values.get(key) is None else values[key]
            if value is None:
                raise ParameterError(f"{self.owner}: missing neuron parameter '{key}'.")
            arr = as_array(self.owner, key, value, (1,))
            check_integer(self.owner, key, arr, var.hint)
            check_range(self.owner, key, arr, 1, ALL_FRAMES, var.hint)
            dims[key] = int(arr[0])
        return dims

    def _add_neuron_vars(
        self, batch: tuple[int, ...], n: int, dims: dict[str, int], values: dict
    ) -> None:
        """One Var per entry of the neuron spec, from ``values`` or the spec's default."""
        spec = self.NEURON
        names = {v.name for v in spec.vars}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ParameterError(
                f"{self.owner}: unknown parameter(s) {unknown}; the {spec.name} neuron takes "
                f"{sorted(names)} (and the layer takes weights, rec_weights, weight_exp, "
                "rec_weight_exp, num_message_bits, n_frames, frame_steps, frame_offset, "
                "readout_decay, name)."
            )
        missing = [v.name for v in spec.vars if v.default is None and values.get(v.name) is None]
        if missing:
            raise ParameterError(f"{self.owner}: missing neuron parameter(s) {missing}.")
        for var in spec.vars:
            value = values.get(var.name)
            value = var.default if value is None else value
            var_shape = spec.var_shape(var, batch, n, dims)
            arr = as_array(self.owner, var.name, value, var_shape)
            self._check_common(var, arr)
            setattr(self, var.name, Var(shape=var_shape, init=arr))

    def _check_common(self, var: VarSpec, arr: np.ndarray) -> None:
        """At construction, before the backend is known: refuse what no backend accepts."""
        if var.integer:
            check_integer(self.owner, var.name, arr, var.hint)
        low = min(var.float_range[0], var.fixed_range[0])
        high = max(var.float_range[1], var.fixed_range[1])
        check_range(self.owner, var.name, arr, low, high, var.hint)

    def validate(self, backend: str) -> None:
        """Check every Var for ``backend`` (``"float"``, ``"fixed"`` or ``"loihi2"``).

        Called by ``lava_sd.run`` in the parent before the simulation starts (an exception
        inside a Lava process model would hang the run).

        Raises:
            ParameterError: naming the parameter, the bad value and the valid range.
        """
        owner = self.owner
        fixed = backend != "float"
        for var in self.NEURON.vars:
            arr = np.asarray(getattr(self, var.name).init, dtype=float)
            if fixed:
                check_integer(owner, var.name, arr, FIXED_HINT)
                check_range(owner, var.name, arr, *var.fixed_range, var.hint)
            else:
                check_range(owner, var.name, arr, *var.float_range, var.hint)
        readout = np.asarray(float(self.readout_decay.init))
        if not fixed:
            check_range(owner, "readout_decay", readout, 0, 1, "A fraction 1/tau.")
            return
        check_integer(owner, "readout_decay", readout, "Fixed point: D in [0, 4096].")
        for key in ("weights", "rec_weights"):
            arr = np.asarray(getattr(self, key).init)
            check_integer(owner, key, arr, FIXED_HINT)
            check_range(
                owner, key, arr, *WEIGHT_LIMITS,
                "Lava's Dense holds 8-bit weight mantissas and would clip larger ones: quantize "
                "with lava_sd.fixed_point.quantize_weights (mantissa and weight_exp).",
            )  # fmt: skip


def input_drive(proc: LayerProcess, data: np.ndarray) -> int:
    """The largest one-step synaptic drive ``|W x_t| << weight_exp`` (or ``|x_t|`` without
    fused weights) of integer input ``data`` ``(..., n_in, T)`` into ``proc``, as Lava's ``Dense``
    computes it."""
    x = np.moveaxis(np.asarray(data), -1, 0).reshape(-1, np.shape(data)[-2])
    if not proc.use_weights.init:
        return int(np.abs(x).max(initial=0))
    weights = fixed_weights(np.asarray(proc.weights.init))
    nmb = int(np.asarray(proc.num_message_bits.init).reshape(-1)[0])
    exp = int(np.asarray(proc.weight_exp.init).reshape(-1)[0])
    return int(np.abs(dense_fixed(x, weights, exp, nmb)).max(initial=0))


def check_input(proc: LayerProcess, data: np.ndarray) -> None:
    """Fixed point: refuse input whose one-step synaptic drive no 24-bit register can hold
    (``drive << input_shift`` beyond ``2**23 - 1``: the state would wrap on arrival).

    Raises:
        ParameterError: with the drive, the limit and what to do.
    """
    shift = proc.NEURON.input_shift
    drive = input_drive(proc, data)
    limit = STATE_MAX >> shift
    if drive > limit:
        raise ParameterError(
            f"{proc.owner}: the input drives a synaptic input of {drive} in one step; the "
            f"24-bit register it enters (<< {shift}) holds at most {limit}. The input is out of "
            "the range the network was built for: scale it down (its units, the normaliser, or "
            "convert(..., input_scale=...))."
        )


def warn_overflow(
    owner: str, backend: str, names: Sequence[str], steps: np.ndarray, first: np.ndarray
) -> list[tuple[str, int, int]]:
    """Warn (``RuntimeWarning``) for every state of ``names`` that wrapped or saturated on some
    step (``steps``: per name, steps with an overflow; ``first``: the first such step).

    Returns:
        ``(name, steps, first step)`` of each warning.
    """
    events = [
        (name, int(n), int(f))
        for name, n, f in zip(names, np.ravel(steps), np.ravel(first), strict=True)
        if n
    ]
    for name, n, f in events:
        warnings.warn(
            f"Lava {backend}: {owner}: {name} wrapped or saturated on {n} step(s), first at "
            f"step {f}; the fixed-point result may differ from float. Inputs beyond the "
            "training range are the usual cause.",
            RuntimeWarning,
            stacklevel=3,
        )
    return events


def _small_int(owner: str, key: str, value: Any, low: int, high: int) -> int:
    """``value`` as an int in ``[low, high]``, or a ``ParameterError``."""
    arr = as_array(owner, key, value)
    if arr.size != 1:
        raise ParameterError(f"{owner}: '{key}' must be a single integer, got shape {arr.shape}.")
    check_integer(owner, key, arr, "Use an integer.")
    check_range(owner, key, arr, low, high)
    return int(arr.reshape(-1)[0])
