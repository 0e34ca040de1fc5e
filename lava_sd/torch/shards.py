"""A Lava evaluation split across Ray workers: ``predict`` / ``evaluate(..., shards=N)``.

The driver (this process) prepares the inputs (checks, normaliser), cuts them into N contiguous
shards and sends each, with the checkpoint, to a Ray task (``lava_sd.torch.fresh.run_module``,
one CPU). The task runs ``python -m lava_sd.torch.shards FOLDER`` in a fresh interpreter, which
loads the checkpoint and runs its shard in Lava (``lava_logits``: one simulation per
``batch_size`` samples) and writes the logits, spike counts, overflow steps and any warnings.
The driver concatenates the shards in order. Each sample's Lava run does not depend on the
other samples of its batch, so the predictions equal those of one process; in fixed point the
logits are equal bit for bit.

The data and the checkpoint travel through Ray's object store: nothing needs a shared
filesystem. Every node of the cluster needs the same Python environment (lava_sd installed).
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.torch import fresh

MODULE = "lava_sd.torch.shards"
TIMEOUT_S = 3600.0  # one shard's interpreter at most this long


def sharded_logits(
    model: Any,
    x: np.ndarray,
    lengths: np.ndarray,
    *,
    backend: str,
    batch_size: int,
    shards: int,
    address: str | None = None,
    timeout: float = TIMEOUT_S,
) -> tuple[np.ndarray, dict[str, Any]]:
    """``lava_logits`` of prepared inputs, split into ``shards`` contiguous parts run on Ray
    workers in fresh interpreters; the facts of ``lava_logits`` plus ``"shards"``: per shard
    its samples, seconds and worker facts (``fresh.run_module``)."""
    started = time.perf_counter()
    parts = [part for part in np.array_split(np.arange(len(lengths)), shards) if len(part)]
    with tempfile.TemporaryDirectory(prefix="lava_sd_shards_") as folder:
        checkpoint = Path(model.save(Path(folder) / "model.npz")).read_bytes()
    settings = json.dumps({"backend": backend, "batch_size": batch_size}).encode()
    with fresh.connect(address) as resources:
        import ray

        task = fresh.remote(fresh.run_module, num_cpus=1)
        shared = ray.put(checkpoint)
        refs = [
            task.remote(MODULE, timeout, ["model.npz", "settings.json", "shard.npz"], shared,
                        settings, _npz(x=x[part, :, : int(lengths[part].max())],
                                       lengths=lengths[part]))
            for part in parts
        ]  # fmt: skip
        try:
            done = ray.get(refs)
        except fresh.FreshRunError as exc:
            raise _user_error(exc) from None
        cpus = resources.get("CPU", 0)
    results = [_read_npz(d["outputs"]["result.npz"]) for d in done]
    for index, d in enumerate(done):
        for message in json.loads(d["outputs"]["warnings.json"]):
            warnings.warn(f"shard {index}: {message}", RuntimeWarning, stacklevel=4)
    n_layers = sum(key.startswith("spikes_") for key in results[0])
    from lava_sd.torch.convert import convert

    facts = {
        "seconds": time.perf_counter() - started,
        "network": convert(model),
        "lengths": lengths,
        "spikes": [np.concatenate([r[f"spikes_{k}"] for r in results]) for k in range(n_layers)],
        "overflow_steps": int(sum(int(r["overflow_steps"]) for r in results)),
        "shards": [
            {
                "samples": int(len(part)),
                "lava_seconds": float(r["seconds"]),
                **d["worker"],
                "interpreter": json.loads(d["outputs"]["interpreter.json"]),
                "cluster_cpus": cpus,
            }
            for part, r, d in zip(parts, results, done, strict=True)
        ],  # fmt: skip
    }
    return np.concatenate([r["logits"] for r in results]), facts


def main(folder: str) -> int:
    """The shard's interpreter: ``FOLDER/model.npz``, ``settings.json`` and ``shard.npz`` (the
    prepared ``x``, ``lengths``) to ``FOLDER/out/result.npz`` (logits, spikes per layer,
    overflow steps, seconds), ``warnings.json`` and ``interpreter.json`` (this process's pid,
    parent and multiprocessing start method). An error ends it with its traceback."""
    import multiprocessing
    import os

    from lava_sd.torch.classifier import load
    from lava_sd.torch.predict import lava_logits

    root = Path(folder)
    out = root / "out"
    settings = json.loads((root / "settings.json").read_text())
    with np.load(root / "shard.npz", allow_pickle=False) as data:
        x, lengths = data["x"], data["lengths"]
    model = load(root / "model.npz")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores, facts = lava_logits(model, x, lengths, **settings)
    arrays = {f"spikes_{k}": s for k, s in enumerate(facts["spikes"])}
    np.savez(out / "result.npz", logits=scores, overflow_steps=facts["overflow_steps"],
             seconds=facts["seconds"], **arrays)  # fmt: skip
    (out / "warnings.json").write_text(json.dumps([str(w.message) for w in caught]))
    (out / "interpreter.json").write_text(json.dumps({
        "pid": os.getpid(), "parent": os.getppid(),
        "start_method": multiprocessing.get_start_method(allow_none=True),
    }))  # fmt: skip
    return 0


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _read_npz(data: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        return {key: arrays[key] for key in arrays.files}


def _user_error(exc: Exception) -> Exception:
    """A shard's ParameterError (printed to its stderr) as a ParameterError, else ``exc``."""
    text = str(exc)
    marker = "lava_sd.checks.ParameterError: "
    if marker in text:
        return ParameterError("a shard refused its input: " + text.rsplit(marker, 1)[1].strip())
    return exc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
