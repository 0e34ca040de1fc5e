"""The model registry: every layer model registers itself once, and everything that lists models
(the classifier, the converter, checkpoint loading, the benchmarks, the command line, the tests)
reads it.

A model is one package ``lava_sd/models/<name>/`` whose ``__init__.py`` defines ``SPEC``, a
``lava_sd.model_spec.ModelSpec``; ``lava_sd.models.MODEL_PACKAGES`` lists the packages (the one
line a new model adds). Importing the registry imports no torch: a spec names its torch and
mapping modules, which are imported when first used.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from lava_sd.checks import ParameterError
from lava_sd.model_spec import ModelSpec


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


__all__ = ["REGISTRY", "ModelSpec", "get_model"]

REGISTRY = _Registry()


def get_model(name: str) -> ModelSpec:
    """The registered model ``name``, or a ``ParameterError`` listing the registered ones."""
    if not isinstance(name, str):
        raise ParameterError(f"a model name is a string, got {type(name).__name__}.")
    return REGISTRY[name]
