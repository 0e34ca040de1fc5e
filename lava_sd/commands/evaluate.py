"""``lava-sd eval``: a checkpoint on an ``.npz`` data file, in torch, Lava float / fixed, or
torch-fixed (Lava's fixed-point arithmetic in torch, bit for bit, without Lava); ``--shards N``
splits the Lava run across N Ray workers (a local Ray cluster, or the one at ``--ray-address``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lava_sd.commands.arguments import positive_int
from lava_sd.commands.data_files import read_data
from lava_sd.torch.predict import BACKENDS


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd eval``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd eval",
        description="Accuracy, macro-F1, confusion matrix (and in Lava or torch-fixed: spikes, "
        "synaptic operations, overflow) of a checkpoint on a data file.",
    )
    parser.add_argument("--model", required=True, type=Path, help="checkpoint (.npz)")
    parser.add_argument("--data", required=True, type=Path, help="test data (.npz with x, y)")
    parser.add_argument(
        "--backend", default="fixed", choices=BACKENDS,
        help="torch: the trained network; float / fixed: Lava; torch-fixed: Lava fixed point "
        "computed in torch, bit for bit (default: fixed)",
    )  # fmt: skip
    parser.add_argument(
        "--batch-size", type=positive_int, default=256, help="samples per Lava (or torch-fixed) run"
    )
    parser.add_argument("--json", type=Path, help="also write the report as JSON")
    parser.add_argument(
        "--shards", type=int,
        help="split the test set into N parts, each a Lava run on a Ray worker in a fresh "
        "interpreter (needs lava_sd[scale]); the same predictions as one process",
    )  # fmt: skip
    parser.add_argument(
        "--ray-address",
        help="the Ray cluster of the shards (e.g. auto, or HEAD:6379 after `ray start`); "
        "default: the cluster RAY_ADDRESS names, else a local one on this machine's cores",
    )  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    """Evaluate and print the report."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.ray_address is not None and args.shards is None:
        parser.error("--ray-address needs --shards N")
    from lava_sd.torch.classifier import load
    from lava_sd.torch.predict import evaluate

    model = load(args.model)
    x, lengths, y = read_data(args.data, labels=True)
    report = evaluate(model, x, y, lengths, backend=args.backend, batch_size=args.batch_size,
                      shards=args.shards, ray_address=args.ray_address)  # fmt: skip
    shards = report.get("shards")
    where = f", {len(shards)} shards on Ray" if shards else ""
    print(f"{args.model.name} on {args.data.name} ({report['n']} samples, {args.backend}{where}):")
    print(f"  accuracy {report['accuracy']:.4f}, macro-F1 {report['macro_f1']:.4f}")
    for key in ("spikes_per_sample", "synops_per_sample", "dense_macs_per_sample",
                "activity_sparsity", "overflow_steps"):  # fmt: skip
        if key in report:
            print(f"  {key.replace('_', ' ')}: {report[key]:.4g}")
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    from lava_sd.commands.guard import guarded

    sys.exit(guarded("eval", main, None))
