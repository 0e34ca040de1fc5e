"""``lava-sd eval``: a checkpoint on an ``.npz`` data file, in torch or Lava float / fixed."""

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
        description="Accuracy, macro-F1, confusion matrix (and in Lava: spikes, synaptic "
        "operations, overflow) of a checkpoint on a data file.",
    )
    parser.add_argument("--model", required=True, type=Path, help="checkpoint (.npz)")
    parser.add_argument("--data", required=True, type=Path, help="test data (.npz with x, y)")
    parser.add_argument("--backend", default="fixed", choices=BACKENDS)
    parser.add_argument("--batch-size", type=positive_int, default=256, help="samples per Lava run")
    parser.add_argument("--json", type=Path, help="also write the report as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Evaluate and print the report."""
    args = build_parser().parse_args(argv)
    from lava_sd.torch.classifier import load

    model = load(args.model)
    x, lengths, y = read_data(args.data, labels=True)
    report = model.evaluate(x, y, lengths, backend=args.backend, batch_size=args.batch_size)
    print(f"{args.model.name} on {args.data.name} ({report['n']} samples, {args.backend}):")
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
