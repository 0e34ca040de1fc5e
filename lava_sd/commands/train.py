"""``lava-sd train``: fit a registered model on an ``.npz`` data file and save the checkpoint.

``--distributed`` under torchrun trains data-parallel, rank 0 writes the checkpoint::

    torchrun --nproc-per-node 2 -m lava_sd.commands.train --distributed --model lif ...
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lava_sd.commands.arguments import positive_int
from lava_sd.commands.data_files import read_data
from lava_sd.registry import REGISTRY


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd train``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd train",
        description="Fit a model on a data file (x, optional lengths, y: "
        "lava_sd.commands.data_files) and save it.",
    )
    parser.add_argument("--model", required=True, choices=sorted(REGISTRY), help="model to fit")
    parser.add_argument("--data", required=True, type=Path, help="training data (.npz)")
    parser.add_argument("--val", type=Path, help="validation data (.npz): early stopping")
    parser.add_argument("--out", required=True, type=Path, help="checkpoint to write (.npz)")
    parser.add_argument("--hidden", type=positive_int, nargs="+", help="layer widths, e.g. 64 64")
    parser.add_argument("--preset", help="the model's named settings, e.g. har_watch")
    parser.add_argument("--epochs", type=positive_int, help="epochs (default: the model's recipe)")
    parser.add_argument("--lr", type=float, help="learning rate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--feature-recipe", help="name of how the inputs were made (stored)")
    parser.add_argument(
        "--distributed", action="store_true",
        help="under torchrun: train data-parallel on its ranks (gloo on CPUs, nccl on GPUs); "
        "rank 0 writes the checkpoint",
    )  # fmt: skip
    parser.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE",
        help="a classifier or recipe option as JSON, e.g. frame_steps=4 or recurrent=false",
    )  # fmt: skip
    return parser


def options(pairs: list[str], parser: argparse.ArgumentParser) -> dict:
    """``--option KEY=VALUE`` pairs, values parsed as JSON (else kept as strings)."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            parser.error(f"--option expects KEY=VALUE, got {pair!r}")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    """Fit, save, print the validation accuracy and where the checkpoint is."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from lava_sd.torch.fit import fit

    x, lengths, y = read_data(args.data, labels=True)
    train = (x, y) if lengths is None else (x, lengths, y)
    val = None
    if args.val is not None:
        vx, vl, vy = read_data(args.val, labels=True)
        val = (vx, vy) if vl is None else (vx, vl, vy)
    settings = options(args.option, parser)
    settings.update({k: v for k, v in (("epochs", args.epochs), ("lr", args.lr)) if v is not None})
    model = fit(
        args.model, train, val, hidden=args.hidden, preset=args.preset, seed=args.seed,
        feature_recipe=args.feature_recipe, distributed=args.distributed, **settings,
    )  # fmt: skip
    if model.training_info.get("distributed", {}).get("rank", 0) != 0:
        return 0  # rank 0 writes the checkpoint
    path = model.save(args.out, command=" ".join(["lava-sd train", *(argv or sys.argv[1:])]))
    history = model.training_info.get("val_acc")
    if history:
        print(f"validation accuracy (best epoch): {max(max(h) for h in history if h):.4f}")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    from lava_sd.commands.guard import guarded

    sys.exit(guarded("train", main, None))
