"""The declarative description of a neuron that the layer framework composes.

A model's ``dynamics.py`` describes its neuron once, as a ``NeuronSpec``: the parameter and
state Vars (name, valid ranges per backend, fixed-point bits, default), the state tuple, the float
and integer step functions and what the neuron sends. Everything else is derived from it: the
Lava process's Vars and their per-backend validation (``layer.process``), the process models'
``LavaPyType`` declarations (``layer.models``), the batched numpy/torch simulator
(``layer.simulate``) and the fixed-point report.

Step functions take the layer's synaptic input split in two, ``drive`` (input synapses, or the
already weighted input) and ``recurrent`` (the recurrent synapses on the layer's last output, or
``None``), so that gated neurons (EGRU) can treat them apart; ``summed_input`` adapts a neuron
whose input is their sum. Only numpy is imported here: Lava's model discovery executes the
modules that import it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from lava_sd.fixed_point import (
    ACT_SHIFT,
    BIAS_EXP_BITS,
    BIAS_MANT_BITS,
    DECAY_UNITY,
    STATE_MAX,
    VTH_BITS,
)

INF = float("inf")


@dataclass(frozen=True)
class VarSpec:
    """One neuron Var: its valid ranges per backend, its fixed-point width and its default.

    Attributes:
        name: the Var's name (a keyword argument of the layer process).
        float_range: ``[low, high]`` in ``floating_pt``.
        fixed_range: ``[low, high]`` in ``fixed_pt`` (always integers there).
        bits: fixed-point width, declared as the ``LavaPyType`` precision.
        hint: what to tell a user whose value is out of range.
        default: value when not given; ``None`` makes the parameter required.
        shape: ``"neuron"`` (the population's shape), ``"rows"`` (one per weight row,
            ``(gates * n,)``, e.g. EGRU gate biases), ``"scalar"`` (one for the layer), or a
            function ``(batch, n, dims) -> shape`` of the batch shape, the number of units and
            the neuron's ``dims`` (a state of an internal population, an internal matrix).
        integer: integer-valued in both backends (an exponent, a counter, a switch).
    """

    name: str
    float_range: tuple[float, float] = (-INF, INF)
    fixed_range: tuple[float, float] = (-STATE_MAX, STATE_MAX)
    bits: int = 24
    hint: str = ""
    default: float | None = None
    shape: str | Callable[[tuple[int, ...], int, Mapping[str, int]], tuple[int, ...]] = "neuron"
    integer: bool = False


def current_decay(name: str, what: str, default: float | None = None) -> VarSpec:
    """A current decay: float fraction ``1/tau`` in [0, 1]; fixed Lava ``du`` (D = du + 1)."""
    hint = f"{what}: float 1/tau, fixed D = {name} + 1."
    return VarSpec(name, (0, 1), (0, DECAY_UNITY - 1), 12, hint, default)


def voltage_decay(name: str, what: str, default: float | None = None) -> VarSpec:
    """A voltage-style decay: float fraction in [0, 1]; fixed Lava ``dv`` (D = dv)."""
    hint = f"{what}: float fraction, fixed D = {name}."
    return VarSpec(name, (0, 1), (0, DECAY_UNITY), 13, hint, default)


def state_var(name: str, bits: int = 24) -> VarSpec:
    """A 24-bit (or ``bits``-wide) state Var, 0 at the start."""
    limit = (1 << (bits - 1)) - 1
    return VarSpec(name, (-INF, INF), (-limit, limit), bits, f"States are {bits}-bit.", 0.0)


_MANT = (1 << (BIAS_MANT_BITS - 1)) - 1
THRESHOLD = VarSpec(
    "vth", (0, INF), (0, (1 << VTH_BITS) - 1), VTH_BITS, "Threshold; fixed: v > vth << 6."
)
BIAS = (
    VarSpec("bias_mant", (-INF, INF), (-_MANT - 1, _MANT), BIAS_MANT_BITS,
            "13-bit signed mantissa.", default=0.0),
    VarSpec("bias_exp", (0, 7), (0, 7), BIAS_EXP_BITS,
            "3-bit exponent: bias = bias_mant << bias_exp.", default=0, integer=True),
)  # fmt: skip
SPIKE = VarSpec("s", (0, 1), (0, 1), 1, "Spikes are 0 or 1.", default=0.0)

SizeFn = Callable[[int, Mapping[str, int]], int]


@dataclass(frozen=True)
class Population:
    """A spiking population inside a layer besides its output units (the L2MU's input and
    memory populations): what its events are and where they go.

    Attributes:
        field: the state field holding its events.
        size: ``(n, dims) -> neurons`` for ``n`` units and the neuron's ``dims``.
        fan_out: ``(n, dims) -> synapses`` that each of its events reaches inside the layer.
        fan_in: ``(inputs, n, dims) -> synapses`` into each of its neurons, where ``inputs`` is
            the fan-in of the layer's weight rows (``n_in``, plus ``n`` if recurrent).
        states: its state fields (the rest of the neuron's states are the units').
    """

    field: str
    size: SizeFn
    fan_out: SizeFn
    fan_in: Callable[[int, int, Mapping[str, int]], int]
    states: tuple[str, ...]


@dataclass(frozen=True)
class NeuronSpec:
    """A neuron model as the layer framework composes it.

    Attributes:
        name: short name, e.g. ``"alif"``.
        state_type: the NamedTuple of the state; its fields are the state Vars, in order.
        params: parameter Vars.
        states: state Vars, one per field of ``state_type``.
        float_params: Vars (name -> array) -> the parameter object ``step_float`` takes.
        fixed_params: Vars -> the integer parameter object ``step_fixed`` takes.
        step_float: ``(state, drive, recurrent, params, spike_fn) -> state``.
        step_fixed: ``(state, drive, recurrent, params) -> (state, overflow)`` with ``overflow``
            a tuple of boolean masks, one per name in ``overflow_names``.
        overflow_names: what each overflow mask is about (a state or an intermediate sum).
        output: the state field the layer sends and feeds back through its recurrent synapses.
        output_bits: 0 for binary spikes, else the graded payload width.
        gates: weight rows per neuron (3 for a GRU's update, reset and candidate).
        decoded: for a ``"decoded"`` readout: state -> the value the neuron represents.
        input_shift: left shift of the synaptic input into its 24-bit register (6: Lava's
            ``act_shift`` into a current; 0: a Q12 gate input).
        dims: integer size parameters (``"scalar"`` params, e.g. the L2MU's ``memory`` and
            ``order``) that the shapes of other Vars depend on.
        rows: ``(n, dims) -> weight rows`` when not ``gates * n`` (the L2MU feeds its input
            population and its units from one matrix).
        populations: internal spiking populations, counted with the output units.
        unit_fan_in: ``(n, dims) -> synapses`` from the populations into each unit (beyond the
            weight rows), for resource estimates.
        overflow_mask: ``overflow flags -> (..., neurons)`` mask of the neurons (units, then
            populations) with any overflow in a step; by default the flags' union, which
            then have the units' shape.
    """

    name: str
    state_type: type
    params: tuple[VarSpec, ...]
    states: tuple[VarSpec, ...]
    float_params: Callable[[Mapping[str, Any]], Any]
    fixed_params: Callable[[Mapping[str, Any]], Any]
    step_float: Callable[..., Any]
    step_fixed: Callable[..., tuple[Any, tuple[np.ndarray, ...]]]
    overflow_names: tuple[str, ...]
    output: str = "s"
    output_bits: int = 0
    gates: int = 1
    decoded: Callable[[Any], Any] | None = None
    input_shift: int = ACT_SHIFT
    dims: tuple[str, ...] = ()
    rows: SizeFn | None = None
    populations: tuple[Population, ...] = ()
    unit_fan_in: SizeFn | None = None
    overflow_mask: Callable[[tuple[np.ndarray, ...]], np.ndarray] | None = None

    def __post_init__(self) -> None:
        fields = tuple(self.state_type._fields)  # type: ignore[attr-defined]
        if tuple(v.name for v in self.states) != fields:
            raise ValueError(f"NeuronSpec {self.name}: states must be {fields} in that order.")
        if self.output not in fields:
            raise ValueError(f"NeuronSpec {self.name}: output {self.output!r} is not a state.")
        params = {v.name: v for v in self.params}
        for dim in self.dims:
            if dim not in params or params[dim].shape != "scalar" or not params[dim].integer:
                raise ValueError(f"NeuronSpec {self.name}: dim {dim!r} is no integer scalar.")
        for population in self.populations:
            unknown = {population.field, *population.states} - set(fields)
            if unknown:
                raise ValueError(f"NeuronSpec {self.name}: {sorted(unknown)} are no states.")

    def dim_values(self, values: Mapping[str, Any]) -> dict[str, int]:
        """The ``dims`` as ints from parameter values (Vars or process keyword arguments)."""
        return {key: int(np.asarray(values[key]).reshape(-1)[0]) for key in self.dims}

    def weight_rows(self, n: int, dims: Mapping[str, int]) -> int:
        """Rows of the input and recurrent weight matrices of ``n`` units."""
        return self.gates * n if self.rows is None else self.rows(n, dims)

    def var_shape(
        self, var: VarSpec, batch: tuple[int, ...], n: int, dims: Mapping[str, int]
    ) -> tuple[int, ...]:
        """The shape of Var ``var`` in a layer of ``batch`` samples of ``n`` units."""
        if callable(var.shape):
            return tuple(var.shape(batch, n, dims))
        if var.shape == "rows":
            return (self.weight_rows(n, dims),)
        return (1,) if var.shape == "scalar" else (*batch, n)

    def neurons(self, n: int, dims: Mapping[str, int]) -> int:
        """All spiking neurons of a layer of ``n`` units: the units and the populations."""
        return n + sum(p.size(n, dims) for p in self.populations)

    def state_bits(self, population: Population | None = None) -> int:
        """Bits of state per neuron of ``population`` (``None``: per unit)."""
        if population is not None:
            return sum(self.var(name).bits for name in population.states)
        internal = {name for p in self.populations for name in p.states}
        return sum(var.bits for var in self.states if var.name not in internal)

    def internal_fan_out(self, n: int, dims: Mapping[str, int]) -> np.ndarray:
        """Per neuron of the populations, in order: the synapses each event reaches inside
        the layer."""
        return np.concatenate(
            [np.full(p.size(n, dims), p.fan_out(n, dims)) for p in self.populations]
            or [np.zeros(0)]
        )

    @property
    def vars(self) -> tuple[VarSpec, ...]:
        """Parameters then states."""
        return self.params + self.states

    def var(self, name: str) -> VarSpec:
        """The ``VarSpec`` called ``name``."""
        return next(v for v in self.vars if v.name == name)

    def initial_state(self, shape: tuple[int, ...], like: Any = None) -> NamedTuple:
        """All-zero state of ``shape``: int64 numpy arrays, or zeros like the tensor ``like``."""
        if like is None:
            return self.state_type(*(np.zeros(shape, np.int64) for _ in self.states))
        return self.state_type(*(like.new_zeros(shape) for _ in self.states))


def summed_input(step: Callable[..., Any]) -> Callable[..., Any]:
    """A layer step from a neuron step on one input: the neuron gets ``drive + recurrent``."""

    def layer_step(state: Any, drive: Any, recurrent: Any, *args: Any) -> Any:
        return step(state, drive if recurrent is None else drive + recurrent, *args)

    layer_step.__doc__ = f"``{step.__name__}`` on ``drive + recurrent``."
    return layer_step
