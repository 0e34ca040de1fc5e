"""Lava process models of the EGRU layer: the layer framework with ``dynamics.EGRU_NEURON``.

Absolute imports only: Lava's model discovery executes this file as a top-level module.
"""

from __future__ import annotations

from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_sd.layer.models import LayerModelFixed, LayerModelFloat
from lava_sd.models.egru.dynamics import EGRU_NEURON
from lava_sd.models.egru.proc.process import EGRU


@implements(proc=EGRU, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyEGRUModelFloat(LayerModelFloat, neuron=EGRU_NEURON):
    """float64 EGRU layer; neuron equations in ``dynamics.step_float``."""


@implements(proc=EGRU, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyEGRUModelFixed(LayerModelFixed, neuron=EGRU_NEURON):
    """Integer EGRU layer; neuron equations in ``dynamics.step_fixed`` (bit widths in
    ``docs/fixed_point.md``)."""
