"""One checkpoint format for every model: one file, no pickle, weights plus a versioned header.

A checkpoint is a numpy ``.npz`` archive (read with ``allow_pickle=False``) holding the torch
``state_dict`` of a ``lava_sd.Classifier`` under ``weights/<key>`` and a UTF-8 JSON header under
``header`` (``Classifier.save`` writes one, ``lava_sd.load`` reads it; this module knows the file
format and its checks, and needs no torch)::

    {"format": "lava_sd-checkpoint", "version": 1, "lava_sd_version": "0.2.0",
     "model": "alif", "config": {... Classifier arguments: sizes, frame_steps (K),
                                 frame_offset, readout_decay, seed, layer options ...},
     "class_names": [...], "normaliser": {"mean": [...], "std": [...]} | null,
     "feature_recipe": "..." | null, "training": {"seed": 0, "command": "...", ...}}

``read`` refuses, with a message that says what to do, a missing file, a file that is not such
an archive, a header that is not this format, a newer format version, an unregistered model, a
bad normaliser or class list, and non-finite weights; ``lava_sd.load`` also a config that does
not build and weights that do not fit it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd._version import __version__

FORMAT = "lava_sd-checkpoint"
VERSION = 1
CONFIG_KEYS = ("model", "n_in", "hidden", "n_classes")


class CheckpointError(ValueError):
    """A file is not a readable lava_sd checkpoint (corrupt, foreign, newer or inconsistent)."""


def write(path: str | Path, header: dict[str, Any], weights: dict[str, np.ndarray]) -> Path:
    """Write a checkpoint: ``header`` (format and version are added) and the ``weights`` arrays.

    Returns:
        The path written (parent folders are created).
    """
    path = Path(path)
    full = {"format": FORMAT, "version": VERSION, "lava_sd_version": __version__, **header}
    arrays = {f"weights/{key}": np.asarray(value) for key, value in weights.items()}
    arrays["header"] = np.frombuffer(json.dumps(full).encode(), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:  # a file object: numpy would otherwise append ".npz"
        np.savez_compressed(handle, **arrays)
    return path


def read_header(path: str | Path) -> dict[str, Any]:
    """The checked JSON header of the checkpoint at ``path`` (no torch needed)."""
    return read(path)[0]


def read(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Header and weights of the checkpoint at ``path``, every check done.

    Raises:
        FileNotFoundError: there is no file at ``path``.
        CheckpointError: the file is not a usable checkpoint (the message says why).
    """
    return _read(Path(path))


def _read(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Header and weights of ``path``, every check but building the model done."""
    if not path.is_file():
        raise FileNotFoundError(
            f"no checkpoint at {path}; train one with lava_sd.fit(...) and model.save(path), or "
            "`lava-sd train`."
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            names = list(data.files)
            raw = bytes(data["header"]) if "header" in names else None
            weights = {n[len("weights/") :]: data[n] for n in names if n.startswith("weights/")}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise CheckpointError(
            f"{path} is not a lava_sd checkpoint (not a readable .npz archive: "
            f"{type(exc).__name__}: {exc}); was it truncated or overwritten?"
        ) from None
    if raw is None:
        raise CheckpointError(f"{path} is an .npz archive without a lava_sd header.")
    try:
        header = json.loads(raw.decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: its header is not JSON ({exc}).") from None
    _check_header(path, header)
    _check_weights(path, weights)
    return header, weights


def _check_header(path: Path, header: Any) -> None:
    if not isinstance(header, dict):
        raise CheckpointError(
            f"{path}: its header is a JSON {type(header).__name__}, not an object."
        )
    fmt = header.get("format")
    if fmt == "lava_sd-classifier-v1":
        raise CheckpointError(
            f"{path} is a weight file of lava_sd 0.1 (format {fmt}), before checkpoints carried "
            "their settings; retrain it with this version."
        )
    if fmt != FORMAT:
        raise CheckpointError(f"{path}: unknown format {fmt!r}; expected {FORMAT!r}.")
    version = header.get("version")
    if not isinstance(version, int) or version < 1:
        raise CheckpointError(f"{path}: bad format version {version!r}.")
    if version > VERSION:
        raise CheckpointError(
            f"{path} was written by lava_sd {header.get('lava_sd_version', '?')} (checkpoint "
            f"format {version}); this lava_sd ({__version__}) reads format {VERSION}: upgrade "
            "lava_sd."
        )
    config = header.get("config")
    if not isinstance(config, dict):
        raise CheckpointError(f"{path}: the header has no 'config' object.")
    missing = [key for key in CONFIG_KEYS if key not in config]
    if missing:
        raise CheckpointError(f"{path}: the config lacks {missing}.")
    if config["model"] != header.get("model"):
        raise CheckpointError(f"{path}: the header names two models.")
    from lava_sd.registry import REGISTRY

    if config["model"] not in REGISTRY:
        raise CheckpointError(
            f"{path} holds a '{config['model']}' model, which this lava_sd does not have "
            f"(registered: {sorted(REGISTRY)})."
        )
    names = header.get("class_names")
    if not isinstance(names, list) or len(names) != config["n_classes"]:
        raise CheckpointError(f"{path}: 'class_names' must list the {config['n_classes']} classes.")
    normaliser = header.get("normaliser")
    if normaliser is not None:
        _check_normaliser(path, normaliser, config["n_in"])
    for key in ("feature_recipe", "training"):
        if key not in header:
            raise CheckpointError(f"{path}: the header lacks '{key}'.")


def _check_normaliser(path: Path, normaliser: Any, n_in: int) -> None:
    ok = isinstance(normaliser, dict) and set(normaliser) >= {"mean", "std"}
    if ok:
        mean = np.asarray(normaliser["mean"], dtype=float)
        std = np.asarray(normaliser["std"], dtype=float)
        ok = (
            mean.shape == std.shape == (n_in,)
            and np.all(np.isfinite(mean))
            and np.all(np.isfinite(std))
            and np.all(std > 0)
        )
    if not ok:
        raise CheckpointError(
            f"{path}: the normaliser must hold finite 'mean' and positive 'std' lists of length "
            f"{n_in}."
        )


def _check_weights(path: Path, weights: dict[str, np.ndarray]) -> None:
    if not weights:
        raise CheckpointError(f"{path} holds no weights.")
    for key, value in weights.items():
        if value.dtype.kind != "f":
            raise CheckpointError(f"{path}: weight '{key}' has dtype {value.dtype}, not float.")
        if not np.all(np.isfinite(value)):
            raise CheckpointError(
                f"{path}: weight '{key}' holds NaN or infinite values; the model diverged in "
                "training or the file is damaged."
            )
