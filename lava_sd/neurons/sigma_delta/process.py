"""The ΣΔ neuron as a Lava Process (Boeshertz, Indiveri, Nair, Renner 2024)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var

from lava_sd.checks import ParameterError, as_array, check_integer, check_range
from lava_sd.fixed_point import (
    BIAS_EXP_BITS,
    BIAS_MANT_BITS,
    DECAY_UNITY,
    STATE_MAX,
    VTH_BITS,
)

PARAM_NAMES = ("du_in", "du_ip", "du_fb", "dv", "w_fb", "vth", "bias_mant", "bias_exp")
STATE_VAR_NAMES = ("i_in", "i_ip", "i_fb", "v", "s")
CURRENT_DECAYS = ("du_in", "du_ip", "du_fb")
NEURON_VAR_NAMES = PARAM_NAMES + STATE_VAR_NAMES


class SigmaDeltaNeurons:
    """Vars and checks of a ΣΔ population, shared by every process built from ΣΔ neurons.

    Mixed into an ``AbstractProcess``; ``add_neuron_vars`` creates the parameter and state Vars
    of ``dynamics.step_float/step_fixed`` plus ``overflow``.
    """

    def add_neuron_vars(self, shape: tuple[int, ...], values: dict[str, object]) -> None:
        """Create every neuron Var from ``values`` (scalars or arrays broadcast to ``shape``)."""
        arrays = {key: as_array(self.owner, key, values[key], shape) for key in NEURON_VAR_NAMES}
        for key, arr in arrays.items():
            setattr(self, key, Var(shape=shape, init=arr))
        self.overflow = Var(shape=shape, init=np.zeros(shape))
        self.validate_common(arrays)

    @property
    def owner(self) -> str:
        """How this process is named in error messages."""
        return f"{type(self).__name__} '{self.name}'"

    def values(self) -> dict[str, np.ndarray]:
        """Current initial values of every parameter and state Var, as float arrays."""
        return {key: np.asarray(getattr(self, key).init, dtype=float) for key in NEURON_VAR_NAMES}

    def validate_common(self, arrays: dict[str, np.ndarray]) -> None:
        """Checks that hold for both backends (signs, exponent, spikes)."""
        owner = self.owner
        for key in ("du_in", "du_ip", "du_fb", "dv"):
            check_range(owner, key, arrays[key], 0, np.inf, "Decays are never negative.")
        check_range(
            owner, "w_fb", arrays["w_fb"], -np.inf, 0, "The self-feedback must be negative (ΣΔ)."
        )
        check_range(
            owner,
            "vth",
            arrays["vth"],
            0,
            np.inf,
            "The membrane is rectified (v >= 0): a negative threshold would fire every step.",
        )
        exp_max = (1 << BIAS_EXP_BITS) - 1
        check_integer(owner, "bias_exp", arrays["bias_exp"], f"Use an integer in [0, {exp_max}].")
        check_range(owner, "bias_exp", arrays["bias_exp"], 0, exp_max)
        check_range(owner, "s", arrays["s"], 0, 1, "Spikes are 0 or 1.")

    def validate(self, backend: str) -> None:
        """Check every Var for ``backend`` (``"float"``, ``"fixed"`` or ``"loihi2"``).

        Called by ``lava_sd.run`` in the parent process before the simulation starts.

        Raises:
            ParameterError: naming the parameter, the bad value and the valid range.
        """
        arrays = self.values()
        self.validate_common(arrays)
        owner = self.owner
        if backend == "float":
            for key in ("du_in", "du_ip", "du_fb", "dv"):
                check_range(
                    owner,
                    key,
                    arrays[key],
                    0,
                    1,
                    "floating_pt decays are fractions 1/tau; for fixed_pt integers use "
                    "backend='fixed'.",
                )
            return
        hint = (
            "The fixed_pt model takes integer parameters: convert float ones with "
            "lava_sd.SigmaDeltaConfig.fixed_params()."
        )
        for key in NEURON_VAR_NAMES:
            check_integer(owner, key, arrays[key], hint)
        for key in CURRENT_DECAYS:
            check_range(owner, key, arrays[key], 0, DECAY_UNITY - 1, "Current decays: D = du + 1.")
        check_range(owner, "dv", arrays["dv"], 0, DECAY_UNITY, "Voltage decay: D = dv.")
        check_range(owner, "w_fb", arrays["w_fb"], -STATE_MAX, 0)
        check_range(owner, "vth", arrays["vth"], 0, (1 << VTH_BITS) - 1)
        mant_max = (1 << (BIAS_MANT_BITS - 1)) - 1
        check_range(owner, "bias_mant", arrays["bias_mant"], -mant_max - 1, mant_max)
        for key in ("i_in", "i_ip", "i_fb", "v"):
            check_range(owner, key, arrays[key], -STATE_MAX, STATE_MAX, "States are 24-bit.")


class SigmaDelta(SigmaDeltaNeurons, AbstractProcess):
    """Population of adaptive ΣΔ spiking neurons (SPEC §1).

    Per step, sequentially (``s`` on the right is the neuron's own spike of the last step)::

        i_in <- i_in (1 - du_in) + a_in                 # synaptic current
        i_ip <- max(0, i_ip (1 - du_ip) + i_in + bias) # second low-pass stage
        i_fb <- i_fb (1 - du_fb) + w_fb s              # negative self-feedback (w_fb <= 0)
        v    <- max(0, v (1 - dv) + i_ip + i_fb)       # rectified membrane
        s_out = H(v - vth);  v <- 0 where s_out

    With ``dv = 1`` (no membrane memory) and ``vth = 0`` the neuron spikes whenever its decoded
    value ``-i_fb`` is below its input ``i_ip``: a first-order ΣΔ modulator whose spike train,
    low-passed with ``du_fb`` and scaled by ``|w_fb|``, decodes the input (see
    ``lava_sd.encoding``).

    Parameters have the same names in both models but different units:

    ================  ===============================  =========================================
    parameter         ``floating_pt``                  ``fixed_pt`` (integers)
    ================  ===============================  =========================================
    du_in/ip/fb       fraction 1/tau in [0, 1]         Lava current storage, D = du + 1, [0, 4095]
    dv                fraction 1/tau in [0, 1]         Lava voltage storage, D = dv, [0, 4096]
    w_fb              value units, <= 0                state units (input << 6), >= -(2**23 - 1)
    vth               value units, >= 0                spike if v > vth << 6, [0, 2**17 - 1]
    bias_mant         value units (bias = m 2**e)      13-bit signed mantissa
    bias_exp          integer in [0, 7]                3-bit exponent; bias = m << e, unshifted
    ================  ===============================  =========================================

    Every parameter is per neuron (broadcast to ``shape``). Give ``shape = (batch, n)`` to hold
    ``batch`` independent populations, so one simulation evaluates many samples.

    Args:
        shape: population shape, e.g. ``(n,)`` or ``(batch, n)``.
        du_in, du_ip, du_fb, dv: decays (see table).
        w_fb: self-feedback weight.
        vth: threshold.
        bias_mant, bias_exp: bias.
        i_in, i_ip, i_fb, v, s: initial state (default 0).
        name: process name.

    Ports:
        a_in: graded synaptic input, ``shape``.
        s_out: binary spikes, ``shape``.

    Vars:
        the parameters, the states, and ``overflow``: per neuron, the number of steps on which a
        state wrapped or saturated (always 0 in ``floating_pt``).
    """

    def __init__(
        self,
        *,
        shape: Sequence[int],
        du_in: float | np.ndarray = 1.0,
        du_ip: float | np.ndarray = 1.0,
        du_fb: float | np.ndarray = 1 / 16,
        dv: float | np.ndarray = 1.0,
        w_fb: float | np.ndarray = -1 / 16,
        vth: float | np.ndarray = 0.0,
        bias_mant: float | np.ndarray = 0.0,
        bias_exp: int | np.ndarray = 0,
        i_in: float | np.ndarray = 0.0,
        i_ip: float | np.ndarray = 0.0,
        i_fb: float | np.ndarray = 0.0,
        v: float | np.ndarray = 0.0,
        s: float | np.ndarray = 0.0,
        name: str | None = None,
    ) -> None:
        # AbstractProcess.__init__ first: a process that raises before it has run leaves an
        # object whose __del__ fails inside Lava.
        super().__init__(shape=shape, name=name)
        shape = check_shape(self.owner, shape)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.add_neuron_vars(
            shape,
            dict(
                du_in=du_in,
                du_ip=du_ip,
                du_fb=du_fb,
                dv=dv,
                w_fb=w_fb,
                vth=vth,
                bias_mant=bias_mant,
                bias_exp=bias_exp,
                i_in=i_in,
                i_ip=i_ip,
                i_fb=i_fb,
                v=v,
                s=s,
            ),
        )


def check_shape(owner: str, shape: Sequence[int]) -> tuple[int, ...]:
    """``shape`` as a tuple of positive ints, or a ``ParameterError`` naming ``owner``."""
    try:
        shape = tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        raise ParameterError(
            f"{owner}: shape must be a tuple of positive integers, e.g. (n,) or "
            f"(batch, n); got {shape!r}."
        ) from None
    if not shape or any(n <= 0 for n in shape):
        raise ParameterError(
            f"{owner}: shape must be a non-empty tuple of positive integers, got {shape}."
        )
    return shape
