"""Save and load trained classifiers as small ``.npz`` files (no pickle)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

from lava_sd.checks import ParameterError
from lava_sd.torch.lprnn import LpRNNClassifier
from lava_sd.torch.spiking_classifier import KINDS, SpikingClassifier

FORMAT = "lava_sd-classifier-v1"


def build_classifier(config: dict[str, Any]) -> torch.nn.Module:
    """An untrained classifier from its ``config`` (``model.config`` of ``LpRNNClassifier`` or
    ``SpikingClassifier``; configs without ``"kind"`` are lpRNN ones)."""
    config = dict(config)
    kind = config.pop("kind", "lprnn")
    if kind == "lprnn":
        return LpRNNClassifier(
            config["n_in"],
            tuple(config["hidden"]),
            config["n_classes"],
            a=config["a"],
            frac_bits=config["frac_bits"],
            w_max=config["w_max"],
            recurrent=config.get("recurrent", True),
        )
    if kind in KINDS:
        return SpikingClassifier(
            kind, config.pop("n_in"), tuple(config.pop("hidden")), config.pop("n_classes"),
            **config,
        )  # fmt: skip
    raise ParameterError(f"unknown classifier kind {kind!r}.")


def save_classifiers(path: Path, models: dict[str, torch.nn.Module], meta: dict[str, Any]) -> None:
    """Write ``models`` (name -> classifier) and JSON-able ``meta`` to ``path``."""
    arrays = {
        f"{name}/{key}": value.detach().cpu().numpy()
        for name, model in models.items()
        for key, value in model.state_dict().items()
    }
    header = {"format": FORMAT, "meta": meta, "configs": {n: m.config for n, m in models.items()}}
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)


def load_classifiers(path: Path) -> tuple[dict[str, torch.nn.Module], dict[str, Any]]:
    """Read a file written by ``save_classifiers``: ``(models, meta)``.

    Raises:
        FileNotFoundError: the file does not exist (says how to create it).
        ParameterError: the file is not a lava_sd classifier file or is damaged.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no weight file at {path}; train one with `lava-sd bench audio --train`."
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode())
            arrays = {key: data[key] for key in data.files if key != "header"}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise ParameterError(
            f"{path} is not a readable lava_sd weight file ({type(exc).__name__}: {exc}); "
            "re-create it with `lava-sd bench audio --train`."
        ) from exc
    if header.get("format") != FORMAT:
        raise ParameterError(f"{path}: unknown weight format {header.get('format')!r}.")
    models = {}
    for name, config in header["configs"].items():
        model = build_classifier(config)
        prefix = f"{name}/"
        state = {
            k[len(prefix) :]: torch.from_numpy(v) for k, v in arrays.items() if k.startswith(prefix)
        }
        try:
            model.load_state_dict(state)
        except RuntimeError as exc:
            raise ParameterError(
                f"{path}: weights of '{name}' do not fit its config: {exc}"
            ) from exc
        models[name] = model
    return models, header["meta"]
