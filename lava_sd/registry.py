"""The model registry: every layer model registers itself once, and everything that lists models
(the classifier, the converter, checkpoint loading, the benchmarks, the command line, the tests)
reads it.

A model is one package ``lava_sd/models/<name>/`` whose ``__init__.py`` defines ``SPEC``, a
``ModelSpec``; ``lava_sd.models.MODEL_PACKAGES`` lists the packages (the one line a new model
adds). Importing the registry imports no torch: a spec names its torch and mapping modules, which
are imported when first used.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
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
    """

    name: str
    title: str
    process: type
    package: str
    classifier: Mapping[str, Any] = field(default_factory=dict)
    training: Mapping[str, Any] = field(default_factory=dict)
    dense_per_frame: bool = False
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

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


class _Registry(Mapping[str, ModelSpec]):
    """Name -> ``ModelSpec`` of every package in ``lava_sd.models.MODEL_PACKAGES``."""

    def __init__(self) -> None:
        self._specs: dict[str, ModelSpec] | None = None

    def _load(self) -> dict[str, ModelSpec]:
        if self._specs is None:
            from lava_sd.models import MODEL_PACKAGES

            specs = {}
            for package in MODEL_PACKAGES:
                spec = importlib.import_module(f"lava_sd.models.{package}").SPEC
                if spec.name in specs:
                    raise RuntimeError(f"two models registered as {spec.name!r}")
                specs[spec.name] = spec
            self._specs = specs
        return self._specs

    def __getitem__(self, name: str) -> ModelSpec:
        specs = self._load()
        if name not in specs:
            raise ParameterError(f"unknown model {name!r}; registered models: {sorted(specs)}.")
        return specs[name]

    def __contains__(self, name: object) -> bool:
        return name in self._load()

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return f"REGISTRY({', '.join(self._load())})"


REGISTRY = _Registry()


def get_model(name: str) -> ModelSpec:
    """The registered model ``name``, or a ``ParameterError`` listing the registered ones."""
    if not isinstance(name, str):
        raise ParameterError(f"a model name is a string, got {type(name).__name__}.")
    return REGISTRY[name]
