"""Lava process models of the LIF layer: the layer framework with ``dynamics.LIF_NEURON``.

Absolute imports only: Lava's model discovery executes this file as a top-level module.
"""

from __future__ import annotations

from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_sd.layer.models import LayerModelFixed, LayerModelFloat
from lava_sd.models.lif.dynamics import LIF_NEURON
from lava_sd.models.lif.proc.process import LIF


@implements(proc=LIF, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyLIFModelFloat(LayerModelFloat, neuron=LIF_NEURON):
    """float64 LIF layer; neuron equations in ``dynamics.step_float``."""


@implements(proc=LIF, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyLIFModelFixed(LayerModelFixed, neuron=LIF_NEURON):
    """Integer LIF layer (Lava's LIF arithmetic); neuron equations in ``dynamics.step_fixed``."""
