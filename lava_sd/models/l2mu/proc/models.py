"""Lava process models of the L2MU layer: the layer framework with ``dynamics.L2MU_NEURON``.

Absolute imports only: Lava's model discovery executes this file as a top-level module.
"""

from __future__ import annotations

from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_sd.layer.models import LayerModelFixed, LayerModelFloat
from lava_sd.models.l2mu.dynamics import L2MU_NEURON
from lava_sd.models.l2mu.proc.process import L2MU


@implements(proc=L2MU, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyL2MUModelFloat(LayerModelFloat, neuron=L2MU_NEURON):
    """float64 L2MU layer; equations in ``dynamics.step_float``."""


@implements(proc=L2MU, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyL2MUModelFixed(LayerModelFixed, neuron=L2MU_NEURON):
    """Integer L2MU layer (Lava LIF and Dense arithmetic); equations in ``dynamics.step_fixed``."""
