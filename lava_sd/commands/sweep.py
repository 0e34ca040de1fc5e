"""``lava-sd sweep CONFIG``: a Ray Tune sweep over ``fit`` settings, each trial scored in Lava
fixed point on validation data (``lava_sd.torch.sweep``).

The config is a JSON file; data paths are relative to it::

    {
      "model": "lif",
      "train": "train.npz", "val": "val.npz",
      "settings": {"epochs": 20, "hidden": [16]},
      "grid": {"lr": [0.01, 0.03], "frame_steps": [1, 2]},
      "search": {"readout_decay": {"uniform": [0.05, 0.5]}},
      "samples": 1, "seed": 0, "backend": "fixed", "metric": "val_accuracy",
      "cpus_per_trial": 1
    }

Writes ``OUT/results.csv``, ``OUT/results.json``, ``OUT/best.npz`` and Tune's ``OUT/trials/``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lava_sd.checks import ParameterError
from lava_sd.commands.data_files import read_data

REQUIRED = ("model", "train", "val")
OPTIONAL = ("settings", "grid", "search", "samples", "seed", "backend", "metric",
            "cpus_per_trial", "timeout_s")  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd sweep``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd sweep",
        description="Fit a model once per trial of a grid or random search (Ray Tune), score "
        "each trial in Lava fixed point on the validation data, write the table and the best "
        "checkpoint. CONFIG is JSON: model, train, val (.npz paths relative to CONFIG), "
        "settings, grid, search, samples, seed, backend, metric, cpus_per_trial, timeout_s.",
    )
    parser.add_argument("config", type=Path, help="sweep config (.json)")
    parser.add_argument("--out", type=Path, help="output folder (default: CONFIG without .json)")
    parser.add_argument(
        "--ray-address",
        help="the Ray cluster (e.g. auto, or HEAD:6379 after `ray start`); default: the one "
        "RAY_ADDRESS names, else one `ray start` began here, else a new local one",
    )  # fmt: skip
    return parser


def read_config(path: Path) -> dict:
    """The sweep config at ``path``, checked for its keys."""
    if not path.is_file():
        raise ParameterError(f"no sweep config at {path}.")
    try:
        config = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ParameterError(f"{path} is not valid JSON: {exc}.") from None
    if not isinstance(config, dict):
        raise ParameterError(f"{path}: the config must be a JSON object.")
    missing = [key for key in REQUIRED if key not in config]
    unknown = sorted(set(config) - set(REQUIRED) - set(OPTIONAL))
    if missing or unknown:
        raise ParameterError(
            f"{path}: " + (f"missing {missing}; " if missing else "")
            + (f"unknown keys {unknown}; " if unknown else "")
            + f"a sweep config has {list(REQUIRED)} and optionally {list(OPTIONAL)}."
        )  # fmt: skip
    return config


def main(argv: list[str] | None = None) -> int:
    """Run the sweep and print the table."""
    args = build_parser().parse_args(argv)
    config = read_config(args.config)
    data = {}
    for name in ("train", "val"):
        x, lengths, y = read_data(args.config.parent / config.pop(name), labels=True)
        data[name] = (x, y) if lengths is None else (x, lengths, y)
    from lava_sd.torch.sweep import sweep

    if "timeout_s" in config:
        config["timeout"] = config.pop("timeout_s")
    out = args.out if args.out is not None else args.config.with_suffix("")
    result = sweep(config.pop("model"), data["train"], data["val"], out=out,
                   ray_address=args.ray_address, **config)  # fmt: skip
    print(result.format())
    print(f"best: trial {result.best['trial']}, {result.best_checkpoint}; table {result.table}")
    return 0


if __name__ == "__main__":
    from lava_sd.commands.guard import guarded

    sys.exit(guarded("sweep", main, None))
