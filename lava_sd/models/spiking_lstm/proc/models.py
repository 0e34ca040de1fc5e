"""Lava process models of the spiking LSTM layer: the layer framework with
``dynamics.SPIKING_LSTM_NEURON``.

Absolute imports only: Lava's model discovery executes this file as a top-level module.
"""

from __future__ import annotations

from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_sd.layer.models import LayerModelFixed, LayerModelFloat
from lava_sd.models.spiking_lstm.dynamics import SPIKING_LSTM_NEURON
from lava_sd.models.spiking_lstm.proc.process import SpikingLSTM


@implements(proc=SpikingLSTM, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PySpikingLSTMModelFloat(LayerModelFloat, neuron=SPIKING_LSTM_NEURON):
    """float64 spiking LSTM layer; neuron equations in ``dynamics.step_float``."""


@implements(proc=SpikingLSTM, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PySpikingLSTMModelFixed(LayerModelFixed, neuron=SPIKING_LSTM_NEURON):
    """Integer spiking LSTM layer; neuron equations in ``dynamics.step_fixed`` (bit widths in
    ``docs/fixed_point.md``)."""
