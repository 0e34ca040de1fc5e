"""Lava process models of the ΣΔ layer: the layer framework with ``dynamics.SIGMA_DELTA``.

Absolute imports only: Lava's model discovery executes this file as a top-level module.
"""

from __future__ import annotations

from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_sd.layer.models import LayerModelFixed, LayerModelFloat
from lava_sd.models.sigma_delta.dynamics import SIGMA_DELTA
from lava_sd.models.sigma_delta.proc.process import SigmaDelta


@implements(proc=SigmaDelta, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PySigmaDeltaModelFloat(LayerModelFloat, neuron=SIGMA_DELTA):
    """float64 ΣΔ layer; neuron equations in ``dynamics.step_float``."""


@implements(proc=SigmaDelta, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PySigmaDeltaModelFixed(LayerModelFixed, neuron=SIGMA_DELTA):
    """Integer ΣΔ layer; neuron equations in ``dynamics.step_fixed``.

    Bit widths (``docs/fixed_point.md``): i_in and i_fb 24-bit wrapping, i_ip and v 24-bit
    saturating, du_* 12-bit (D = du + 1), dv 13-bit (D = dv, up to 4096), w_fb 24-bit, vth
    17-bit, bias 13-bit mantissa + 3-bit exponent.
    """
