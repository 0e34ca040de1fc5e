"""Hyperparameter sweeps with Ray Tune: ``fit`` settings on a grid or sampled, each trial fitted
and scored in Lava (fixed point by default) on validation data.

::

    result = sweep("lif", (x, y), (x_val, y_val), out="sweep/",
                   settings={"epochs": 20}, grid={"lr": [0.01, 0.03], "hidden": [[16], [32]]})
    result.best["val_accuracy"], result.best_checkpoint        # sweep/best.npz

Every trial is a Ray Tune trial (one CPU, ``cpus_per_trial``) whose trainable
(``lava_sd.torch.fresh.sweep_trial``) runs ``python -m lava_sd.torch.sweep FOLDER`` in a fresh
interpreter: ``fit(model, train, val, **settings)`` (validation: best epoch, early stopping),
then ``evaluate`` on the validation data in Lava, the checkpoint reported to Tune. Tune keeps
the trials under ``out/trials``; ``sweep`` writes the table (``results.csv``, ``results.json``)
and copies the best trial's checkpoint (by ``metric``, ties to the earlier trial) to
``out/best.npz``.

``grid``: each key's values are all tried (Tune's ``grid_search``; keys combine as a product).
``search``: each key sampled ``samples`` times (``{"loguniform": [lo, hi]}``, ``{"uniform":
[lo, hi]}``, ``{"randint": [lo, hi]}``, ``{"choice": [...]}``), seeded by ``seed``; with a grid,
each grid point gets ``samples`` samples. Keys are ``fit``'s: ``hidden``, ``preset``,
``patience``, ``seed``, the recipe (``epochs``, ``lr``, ``batch_size``, ``finetune_epochs``,
``finetune_lr``) and the model's classifier options (``frame_steps``, ``recurrent``, ...).
"""

from __future__ import annotations

import csv
import inspect
import io
import itertools
import json
import math
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.registry import get_model
from lava_sd.torch import fresh
from lava_sd.torch.classifier import CLASSIFIER_KEYS
from lava_sd.torch.fit import RECIPE_KEYS, _unpack

MODULE = "lava_sd.torch.sweep"
METRICS = ("val_accuracy", "val_macro_f1")
BACKENDS = ("float", "fixed")
SAMPLERS = ("uniform", "loguniform", "randint", "choice")
FIT_KEYS = ("hidden", "preset", "patience", "seed")
TIMEOUT_S = 6 * 3600.0  # one trial's interpreter at most this long


@dataclass
class SweepResult:
    """A finished sweep: one row per trial (its swept values, metrics, worker facts or its
    error), the best row, and where the table and the best checkpoint are."""

    rows: list[dict[str, Any]]
    best: dict[str, Any]
    best_checkpoint: Path
    table: Path
    swept: list[str]

    def format(self) -> str:
        """The table as aligned text (swept values, Lava and torch validation scores)."""
        columns = ["trial", *self.swept, "val_accuracy", "val_macro_f1", "torch_val_accuracy",
                   "overflow_steps", "train_seconds"]  # fmt: skip
        cells = [[_cell(row.get(c, row.get("error", ""))) for c in columns] for row in self.rows]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
        for row, line in zip(self.rows, cells, strict=True):
            mark = "  <- best" if row is self.best else ""
            lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + mark)
        return "\n".join(lines)


def sweep(
    model: str,
    train: Any,
    val: Any,
    *,
    out: str | Path,
    settings: dict[str, Any] | None = None,
    grid: dict[str, list[Any]] | None = None,
    search: dict[str, dict[str, Any]] | None = None,
    samples: int = 1,
    seed: int = 0,
    backend: str = "fixed",
    metric: str = "val_accuracy",
    cpus_per_trial: float = 1,
    ray_address: str | None = None,
    timeout: float = TIMEOUT_S,
) -> SweepResult:
    """Fit ``model`` once per trial of ``grid`` x ``search`` on Ray Tune and score each trial on
    ``val`` in Lava ``backend``; write the table and the best checkpoint to ``out``.

    Args:
        model: a registered model name.
        train, val: ``(x, y)`` or ``(x, lengths, y)`` as ``fit`` takes them.
        out: folder for ``results.csv``, ``results.json``, ``best.npz`` and Tune's ``trials/``
            (on a cluster of several machines: a folder every node can write, e.g. NFS).
        settings: ``fit`` settings every trial shares (e.g. ``{"epochs": 20}``).
        grid: setting -> the values to try, all combinations.
        search: setting -> a distribution, ``samples`` draws (seeded by ``seed``).
        samples: draws of ``search`` (per grid point).
        backend: the Lava backend that scores the trials, ``"fixed"`` or ``"float"``.
        metric: ``"val_accuracy"`` or ``"val_macro_f1"`` (in Lava ``backend``) picks the best.
        cpus_per_trial: Ray CPUs per trial (trials run side by side on the cluster's CPUs).
        ray_address: the Ray cluster (default: one already connected, ``RAY_ADDRESS``, one
            ``ray start`` began on this machine, else a new local one).
        timeout: seconds one trial may take before it is killed (and reported as an error).

    Raises:
        ParameterError: a bad setting, sampler, metric or backend, or every trial failed.
    """
    spec = get_model(model)
    settings, grid, search = dict(settings or {}), dict(grid or {}), dict(search or {})
    _check_options(spec, settings, grid, search, samples, backend, metric)
    files = {"train.npz": _data_file("train", train), "val.npz": _data_file("val", val)}
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with fresh.connect(ray_address):
        from ray import tune
        from ray.tune.search.basic_variant import BasicVariantGenerator

        space = {"model": model, "backend": backend, "settings": settings}
        space.update({key: _tune_space(key, value, grid) for key, value in grid.items()})
        space.update({key: _tune_space(key, value, grid) for key, value in search.items()})
        fresh.by_value()
        trainable = tune.with_resources(
            tune.with_parameters(fresh.sweep_trial, module=MODULE, timeout=timeout, files=files),
            {"cpu": cpus_per_trial},
        )
        tuner = tune.Tuner(
            trainable,
            param_space=space,
            tune_config=tune.TuneConfig(
                num_samples=samples, search_alg=BasicVariantGenerator(random_state=seed)
            ),
            run_config=tune.RunConfig(name="trials", storage_path=str(out), verbose=0),
        )
        results = tuner.fit()
    swept = [*grid, *search]
    rows = [_row(result, swept) for result in results]
    rows.sort(key=lambda row: row["trial"])
    scored = [row for row in rows if "error" not in row]
    if not scored:
        raise ParameterError(f"sweep: every trial failed; the first: {rows[0]['error']}")
    other = METRICS[1 - METRICS.index(metric)]
    best = max(scored, key=lambda r: (r[metric], r[other], -rows.index(r)))
    from lava_sd.torch.classifier import load

    chosen = load(Path(best.pop("checkpoint")) / "model.npz")
    best_path = chosen.save(out / "best.npz", sweep={"trial": best["trial"], "metric": metric,
                                                     "backend": backend})  # fmt: skip
    for row in rows:
        row.pop("checkpoint", None)
    table = _write_table(out, rows, swept)
    (out / "results.json").write_text(json.dumps(
        {"model": model, "backend": backend, "metric": metric, "settings": settings,
         "grid": grid, "search": search, "samples": samples, "seed": seed,
         "seconds": time.perf_counter() - started, "best": best["trial"], "trials": rows},
        indent=2, default=str) + "\n")  # fmt: skip
    return SweepResult(rows, best, best_path, table, swept)


def main(folder: str) -> int:
    """One trial's interpreter: ``FOLDER/trial.json`` (the model, backend, shared settings and
    this trial's values), ``train.npz``, ``val.npz`` -> ``FOLDER/out/model.npz`` and
    ``metrics.json`` (Lava validation accuracy and macro-F1, torch validation accuracy,
    overflow steps, synops, seconds, this interpreter's start method)."""
    import multiprocessing

    from lava_sd.torch.fit import fit
    from lava_sd.torch.predict import evaluate

    root = Path(folder)
    trial = json.loads((root / "trial.json").read_text())
    model, backend = trial.pop("model"), trial.pop("backend")
    settings = {**trial.pop("settings"), **trial}
    train, val = _read_data(root / "train.npz"), _read_data(root / "val.npz")
    fitted = fit(model, train, val, progress=False, **settings)
    fitted.save(root / "out" / "model.npz")
    started = time.perf_counter()
    report = evaluate(fitted, val[0], val[-1], val[1], backend=backend)
    history = fitted.training_info["val_acc"]
    metrics = {
        "val_accuracy": report["accuracy"],
        "val_macro_f1": report["macro_f1"],
        "torch_val_accuracy": max(history[-1]),
        "overflow_steps": report["overflow_steps"],
        "synops_per_sample": report["synops_per_sample"],
        "epochs_run": fitted.training_info["epochs_run"],
        "train_seconds": fitted.training_info["train_seconds"],
        "eval_seconds": time.perf_counter() - started,
        "interpreter_start_method": multiprocessing.get_start_method(allow_none=True),
    }
    (root / "out" / "metrics.json").write_text(json.dumps(metrics))
    return 0


def _check_options(
    spec: Any,
    settings: dict[str, Any],
    grid: dict[str, Any],
    search: dict[str, Any],
    samples: int,
    backend: str,
    metric: str,
) -> None:
    build = spec.torch_module().build_layer
    layer = [name for name, p in inspect.signature(build).parameters.items()
             if p.kind is p.KEYWORD_ONLY and name != "generator"]  # fmt: skip
    allowed = {*FIT_KEYS, *RECIPE_KEYS, *CLASSIFIER_KEYS, "readout_mode", *layer}
    for where, keys in (("settings", settings), ("grid", grid), ("search", search)):
        unknown = sorted(set(keys) - allowed)
        if unknown:
            raise ParameterError(
                f"sweep: {where} has unknown fit setting(s) {unknown} for model '{spec.name}'; "
                f"it takes {sorted(allowed)}."
            )
    both = sorted((set(grid) & set(search)) | (set(settings) & (set(grid) | set(search))))
    if both:
        raise ParameterError(f"sweep: {both} given twice (settings, grid, search): give once.")
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ParameterError(f"sweep: grid['{key}'] must be a non-empty list, got {values!r}.")
    for key, dist in search.items():
        _check_sampler(key, dist)
    if isinstance(samples, bool) or int(samples) != samples or samples < 1:
        raise ParameterError(f"sweep: samples must be a positive integer, got {samples!r}.")
    if backend not in BACKENDS:
        raise ParameterError(f"sweep: backend must be one of {BACKENDS}, got {backend!r}.")
    if metric not in METRICS:
        raise ParameterError(f"sweep: metric must be one of {METRICS}, got {metric!r}.")
    if not grid and not search:
        raise ParameterError("sweep: give a grid or a search: nothing to sweep over.")


def _check_sampler(key: str, dist: Any) -> None:
    """``{name: arguments}``: ``choice`` a non-empty list, the others ``[lo, hi]`` with
    ``lo < hi`` (``loguniform``: ``0 < lo``; ``randint``: integers, ``hi`` excluded)."""
    name, args = next(iter(dist.items())) if isinstance(dist, dict) and len(dist) == 1 else ("", 0)
    if name == "choice":
        ok = isinstance(args, list) and len(args) > 0
    elif name in SAMPLERS:
        ok = (isinstance(args, list) and len(args) == 2
              and all(isinstance(a, int | float) and not isinstance(a, bool) for a in args)
              and args[0] < args[1] and (name != "loguniform" or args[0] > 0)
              and (name != "randint" or all(isinstance(a, int) for a in args)))  # fmt: skip
    else:
        ok = False
    if not ok:
        raise ParameterError(
            f"sweep: search['{key}'] must be {{name: arguments}}: 'uniform' or 'loguniform' "
            "[lo, hi] (loguniform: 0 < lo < hi), 'randint' [lo, hi) integers, 'choice' "
            f"[values...]; e.g. {{'loguniform': [0.001, 0.1]}}; got {dist!r}."
        )


def _tune_space(key: str, value: Any, grid: dict[str, Any]) -> Any:
    """A grid's values or a search's distribution as Ray Tune's search space."""
    from ray import tune

    if key in grid:
        return tune.grid_search(value)
    ((name, args),) = value.items()
    if name == "choice":
        return tune.choice(list(args))
    sampler = {"uniform": tune.uniform, "loguniform": tune.loguniform, "randint": tune.randint}
    return sampler[name](*args)


def _data_file(name: str, data: Any) -> bytes:
    """``(x, y)`` / ``(x, lengths, y)`` as the bytes of an ``.npz`` file (no pickle)."""
    x, lengths, y = _unpack(f"sweep ({name})", data)
    y = np.asarray(y)
    if y.dtype == object:
        y = y.astype(str)
    buffer = io.BytesIO()
    np.savez(buffer, x=x, lengths=lengths, y=y)
    return buffer.getvalue()


def _read_data(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return data["x"], data["lengths"], data["y"]


def _row(result: Any, swept: list[str]) -> dict[str, Any]:
    """A trial's table row from its Ray Tune result."""
    config, metrics = result.config, dict(result.metrics or {})
    number = re.search(r"_(\d{5})(_|$)", str(metrics.get("trial_id") or Path(result.path).name))
    row: dict[str, Any] = {"trial": int(number.group(1)) if number else -1}
    row.update({key: config.get(key) for key in swept})
    if result.error is not None:
        row["error"] = str(result.error).strip().splitlines()[-1][:300]
        return row
    keep = ("val_accuracy", "val_macro_f1", "torch_val_accuracy", "overflow_steps",
            "synops_per_sample", "epochs_run", "train_seconds", "eval_seconds",
            "interpreter_start_method")  # fmt: skip
    row.update({key: metrics[key] for key in keep if key in metrics})
    row.update({key: metrics[key] for key in metrics if key.startswith("worker_")})
    row["checkpoint"] = result.checkpoint.path
    return row


def _write_table(out: Path, rows: list[dict[str, Any]], swept: list[str]) -> Path:
    columns = list(dict.fromkeys(itertools.chain(["trial", *swept], *(r for r in rows))))
    path = out / "results.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows({key: _cell(value) for key, value in row.items()} for row in rows)
    return path


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    return json.dumps(value) if isinstance(value, list | dict) else str(value)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
