"""``lava_sd.torch`` offers every registered model's torch classes by name, and nothing else."""

import importlib

import lava_sd.torch
from lava_sd.registry import REGISTRY


def test_every_model_class_is_reachable_and_dir_lists_only_public_names() -> None:
    names = dir(lava_sd.torch)
    for spec in REGISTRY.values():
        module = importlib.import_module(spec.package + ".torch")
        for name in module.__all__:
            assert name in names, f"{spec.package}: {name} missing from dir(lava_sd.torch)"
            assert getattr(lava_sd.torch, name) is getattr(module, name)
    assert all(not name.startswith("_") for name in names)
    assert not {"importlib", "annotations", "Any"} & set(names)
