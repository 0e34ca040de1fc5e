"""lava_sd: Lava-native neuromorphic processes with float and bit-accurate fixed-point models.

Import the processes from here or, Lava-style, from their process modules, e.g.
``from lava_sd.neurons.sigma_delta.process import SigmaDelta``.
"""

from lava_sd.checks import ParameterError
from lava_sd.convert import ConvertedNetwork, convert
from lava_sd.encoding import EncodeResult, SigmaDeltaConfig, encode
from lava_sd.layers.lprnn.process import LpLinear, LpRNN
from lava_sd.neurons.alif.process import ALIF
from lava_sd.neurons.egru.process import EGRU
from lava_sd.neurons.sigma_delta.process import SigmaDelta
from lava_sd.neurons.spiking_lstm.process import SpikingLSTM
from lava_sd.run import (
    BackendUnavailable,
    RunResult,
    SimulationError,
    SimulationTimeout,
    run,
)
from lava_sd.synapses.batch_dense.process import BatchDense

__version__ = "0.1.0"

__all__ = [
    "ALIF",
    "EGRU",
    "BackendUnavailable",
    "BatchDense",
    "ConvertedNetwork",
    "EncodeResult",
    "LpLinear",
    "LpRNN",
    "ParameterError",
    "RunResult",
    "SigmaDelta",
    "SigmaDeltaConfig",
    "SimulationError",
    "SimulationTimeout",
    "SpikingLSTM",
    "convert",
    "encode",
    "run",
]
