"""``lava-sd compare``: where a checkpoint's backends disagree on a data file: each backend's
agreement with the reference, relative logit error, overflow, and with labels the accuracy and
the samples lost and gained (``lava_sd.torch.compare``); ``--plot`` draws the logits.
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
    """The options of ``lava-sd compare``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd compare",
        description="Run a checkpoint on a data file in several backends and report where they "
        "disagree with the reference (the first backend): agreement, relative logit error, "
        "overflow, and with labels y the accuracy and the samples lost and gained.",
    )
    parser.add_argument("--model", required=True, type=Path, help="checkpoint (.npz)")
    parser.add_argument("--data", required=True, type=Path, help="data (.npz with x, optional y)")
    parser.add_argument(
        "--backends", nargs="+", default=["torch", "float", "fixed"], choices=BACKENDS,
        help="two or more; the first is the reference (default: torch float fixed)",
    )  # fmt: skip
    parser.add_argument(
        "--batch-size", type=positive_int, default=256, help="samples per Lava (or torch-fixed) run"
    )
    parser.add_argument("--json", type=Path, help="also write the summary as JSON")
    parser.add_argument(
        "--plot", type=Path, help="also draw the logits against the reference (PNG)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Compare and print the table."""
    args = build_parser().parse_args(argv)
    from lava_sd.torch.classifier import load
    from lava_sd.torch.compare import compare

    model = load(args.model)
    x, lengths, y = read_data(args.data, labels=False)
    result = compare(model, x, y, lengths, backends=args.backends, batch_size=args.batch_size)
    print(f"{args.model.name} on {args.data.name}:")
    print(result.table())
    for backend in result.backends[1:]:
        moved = result.disagreements(backend)
        if moved.size:
            shown = ", ".join(str(i) for i in moved[:20]) + (", ..." if moved.size > 20 else "")
            print(f"{backend} predicts samples {shown} differently")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result.summary(), indent=2) + "\n")
        print(f"wrote {args.json}")
    if args.plot is not None:
        result.plot(args.plot)
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    from lava_sd.commands.guard import guarded

    sys.exit(guarded("compare", main, None))
