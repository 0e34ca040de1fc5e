"""``ModelSpec``: how a layer model describes itself to the library (``lava_sd.registry``).

Each ``lava_sd/models/<name>/__init__.py`` defines ``SPEC = ModelSpec(...)``; nothing here imports
a model, so models import this module and the registry imports the models.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from lava_sd.checks import ParameterError


@dataclass(frozen=True)
class ModelSpec:
    """A registered layer model.

    Attributes:
        name: registry key, e.g. ``"alif"``.
        title: what it is and where it comes from, for listings.
        process: the Lava layer process (a ``lava_sd.layer.process.LayerProcess`` subclass).
        package: the model's package; its ``torch`` module has ``build_layer`` and its
            ``mapping`` module has ``map_layers`` (imported on first use).
        classifier: defaults of ``lava_sd.Classifier`` for this model: ``frame_steps``,
            ``frame_offset``, ``readout_decay`` and the layer options.
        training: defaults of the training recipe (``lava_sd.fit``).
        dense_per_frame: the trained torch network runs once per input frame (the lpRNN's ANN)
            rather than once per simulation step: what its dense MACs count.
        presets: named settings (e.g. per benchmark) that override ``classifier`` and
            ``training``.
        qat_options: layer options that training at a chosen weight width
            (``Classifier(..., weight_bits=b)``) sets, e.g. the lpRNN's own 1/8 weight grid off.
    """

    name: str
    title: str
    process: type
    package: str
    classifier: Mapping[str, Any] = field(default_factory=dict)
    training: Mapping[str, Any] = field(default_factory=dict)
    dense_per_frame: bool = False
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    qat_options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def readout(self) -> str:
        """``"trace"`` (leaky integrator of the last layer's output) or ``"decoded"`` (the
        neurons' decoded value at frame ends)."""
        return self.process.READOUT

    @property
    def neuron(self) -> Any:
        """The ``NeuronSpec`` of the model's layer process."""
        return self.process.NEURON

    def torch_module(self) -> ModuleType:
        """The model's torch face (imports torch)."""
        return importlib.import_module(f"{self.package}.torch")

    def mapping_module(self) -> ModuleType:
        """The model's mapping from a trained torch network to Lava parameters."""
        return importlib.import_module(f"{self.package}.mapping")

    def preset(self, name: str) -> dict[str, Any]:
        """The settings of preset ``name``: ``{"classifier": ..., "training": ...}``."""
        if name not in self.presets:
            raise ParameterError(
                f"model '{self.name}' has no preset {name!r}; choose from {sorted(self.presets)}."
            )
        preset = self.presets[name]
        return {
            "classifier": {**self.classifier, **preset.get("classifier", {})},
            "training": {**self.training, **preset.get("training", {})},
        }
