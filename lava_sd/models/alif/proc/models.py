"""Lava process models of the ALIF layer: the layer framework with ``dynamics.ALIF_NEURON``.

Absolute imports only: Lava's model discovery executes this file as a top-level module.
"""

from __future__ import annotations

from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_sd.layer.models import LayerModelFixed, LayerModelFloat
from lava_sd.models.alif.dynamics import ALIF_NEURON
from lava_sd.models.alif.proc.process import ALIF


@implements(proc=ALIF, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyALIFModelFloat(LayerModelFloat, neuron=ALIF_NEURON):
    """float64 ALIF layer; neuron equations in ``dynamics.step_float``."""


@implements(proc=ALIF, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyALIFModelFixed(LayerModelFixed, neuron=ALIF_NEURON):
    """Integer ALIF layer; neuron equations in ``dynamics.step_fixed`` (bit widths in
    ``docs/fixed_point.md``)."""
