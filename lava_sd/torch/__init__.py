"""PyTorch side of lava_sd: the one ``Classifier``, the surrogate spike functions, training.

Importing this package imports torch; nothing in ``lava_sd`` outside it (and the models'
``torch`` modules) does. Every registered model's torch classes are available here by name
(``lava_sd.torch.ALIFLayer``), read from its ``lava_sd.models.<name>.torch`` module's
``__all__``; the ΣΔ neuron's ``SigmaDeltaCell`` and ``SigmaDeltaLayer`` too.
"""

from __future__ import annotations

import importlib
from typing import Any

from lava_sd.layer.torch import egru_spike, spike
from lava_sd.torch.classifier import Classifier

_EXTRA_MODULES = ("lava_sd.models.sigma_delta.torch",)

__all__ = ["Classifier", "egru_spike", "spike"]


def _model_modules() -> list[Any]:
    from lava_sd.registry import REGISTRY

    names = [*_EXTRA_MODULES, *(spec.package + ".torch" for spec in REGISTRY.values())]
    return [importlib.import_module(name) for name in names]


def __getattr__(name: str) -> Any:
    """A torch class of a registered model (or of the ΣΔ neuron) by name."""
    for module in _model_modules():
        if name in getattr(module, "__all__", ()):
            return getattr(module, name)
    raise AttributeError(f"module 'lava_sd.torch' has no attribute {name!r}")


def __dir__() -> list[str]:
    names = {name for module in _model_modules() for name in getattr(module, "__all__", ())}
    return sorted({*__all__, *names})
