"""lava_sd: Lava-native neuromorphic processes with float and bit-accurate fixed-point models.

Every layer model is registered once (``lava_sd.REGISTRY``: the ΣΔ-lpRNN, ALIF, the spiking
LSTM, EGRU, ...); its Lava process is available here by name (``lava_sd.ALIF``) or, Lava-style,
from its process module (``lava_sd.models.alif.proc.process``). ``lava_sd.Classifier`` (torch)
trains any of them (``lava_sd.fit`` on your own arrays), ``lava_sd.convert`` maps a trained
classifier onto Lava, ``lava_sd.load`` reads a checkpoint, ``lava_sd.from_nir`` / ``to_nir``
read and write NIR graphs. Importing ``lava_sd`` does not import torch; ``Classifier``,
``convert``, ``fit``, ``load``, ``from_nir`` and ``to_nir`` do.
"""

from __future__ import annotations

import importlib
from typing import Any

from lava_sd._version import __version__
from lava_sd.checkpoint import CheckpointError, read_header
from lava_sd.checks import ParameterError
from lava_sd.models.sigma_delta.config import SigmaDeltaConfig
from lava_sd.models.sigma_delta.encoding import EncodeResult, encode
from lava_sd.models.sigma_delta.proc.process import SigmaDelta
from lava_sd.network import LayerMapping, Network, NetworkOutput
from lava_sd.registry import REGISTRY, ModelSpec, get_model
from lava_sd.run import (
    BackendUnavailable,
    RunResult,
    SimulationError,
    SimulationTimeout,
    run,
)
from lava_sd.synapses.batch_dense.process import BatchDense

_TORCH = {
    "Classifier": "lava_sd.torch.classifier",
    "convert": "lava_sd.torch.convert",
    "load": "lava_sd.torch.classifier",
    "fit": "lava_sd.torch.fit",
    "from_nir": "lava_sd.interop.nir",
    "to_nir": "lava_sd.interop.nir",
}

__all__ = [
    "REGISTRY",
    "BackendUnavailable",
    "BatchDense",
    "CheckpointError",
    "Classifier",
    "EncodeResult",
    "LayerMapping",
    "ModelSpec",
    "Network",
    "NetworkOutput",
    "ParameterError",
    "RunResult",
    "SigmaDelta",
    "SigmaDeltaConfig",
    "SimulationError",
    "SimulationTimeout",
    "__version__",
    "convert",
    "encode",
    "fit",
    "from_nir",
    "get_model",
    "load",
    "read_header",
    "run",
    "to_nir",
]


def __getattr__(name: str) -> Any:
    """``Classifier``, ``convert``, ``fit``, ``load``, ``from_nir`` and ``to_nir`` (they import
    torch), and every registered model's process by its class name."""
    if name in _TORCH:
        return getattr(importlib.import_module(_TORCH[name]), name)
    for spec in REGISTRY.values():
        if spec.process.__name__ == name:
            return spec.process
    raise AttributeError(f"module 'lava_sd' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_TORCH, *(spec.process.__name__ for spec in REGISTRY.values())})
