"""``lava-sd predict``: classes of inputs from ``.npz`` data files or, for a model whose features
lava_sd computes, ``.wav`` files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lava_sd.commands.data_files import read_data
from lava_sd.torch.predict import BACKENDS


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd predict``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd predict",
        description="Print the predicted class of each input: every sample of an .npz data file "
        "(x, optional lengths), or each .wav file if the model's feature recipe is one lava_sd "
        "computes from audio.",
    )
    parser.add_argument("--model", required=True, type=Path, help="checkpoint (.npz)")
    parser.add_argument("inputs", nargs="+", type=Path, help=".npz data files or .wav files")
    parser.add_argument("--backend", default="fixed", choices=BACKENDS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Predict and print ``input: class`` lines."""
    args = build_parser().parse_args(argv)
    from lava_sd.torch.classifier import load

    model = load(args.model)
    wavs = [p for p in args.inputs if p.suffix.lower() == ".wav"]
    if wavs and len(wavs) != len(args.inputs):
        raise SystemExit("lava-sd predict: give either .wav files or .npz data files, not both.")
    if wavs:
        pred = model.predict([str(p) for p in wavs], backend=args.backend)
        for path, cls in zip(wavs, pred, strict=True):
            print(f"{path}: {model.class_names[cls]}")
        return 0
    for path in args.inputs:
        x, lengths, _ = read_data(path, labels=False)
        pred = model.predict(x, lengths, backend=args.backend)
        for i, cls in enumerate(pred):
            print(f"{path}[{i}]: {model.class_names[cls]}")
    return 0


if __name__ == "__main__":
    from lava_sd.commands.guard import guarded

    sys.exit(guarded("predict", main, None))
