"""How the HAR benchmark's augmentation was chosen: on a validation subject, never on 9 and 10.

The ΣΔ-lpRNN recipe of ``lava_sd.bench.har_watch`` is trained on subjects 1-7 and scored on
subject 8; subjects 9 and 10 (the benchmark's test subjects) are left out of both
(``load_watch_windows(test_subjects=(8,), exclude_subjects=(9, 10))``). Each candidate in
``CANDIDATES`` trains from seed 0: without augmentation, and with the benchmark's ``AUGMENT``
(two rotated, rescaled copies of each window, ``lava_sd.data.har_augment``). The two train side
by side (torch, one thread each), then run in Lava floating_pt and fixed_pt. Writes
``benchmarks/results/har_augment_validation.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from lava_sd.bench.common import RESULTS, write_json
from lava_sd.bench.har_watch import (
    AUGMENT,
    VALIDATION,
    add_training_overrides,
    evaluate_model,
    row_by_label,
    train_model,
    training_overrides,
)
from lava_sd.data import load_watch_windows

KIND = "lprnn"
CANDIDATES: dict[str, dict[str, Any] | None] = {"none": None, "rotate_gain": AUGMENT}


def _train(name: str, path: Path, training: dict[str, Any]) -> None:
    """Train the lpRNN with candidate ``name`` on the validation split; save it to ``path``."""
    splits = load_watch_windows(**VALIDATION)
    train_model(row_by_label(KIND), splits, path, False, CANDIDATES[name], training)


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench har-augment``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd bench har-augment", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "har_augment_validation.json")
    add_training_overrides(parser)
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench har-augment [--out PATH]``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    splits = load_watch_windows(**VALIDATION)
    print(splits.describe(), flush=True)
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"{name}.npz" for name in CANDIDATES]
        print(f"training {len(CANDIDATES)} candidates side by side ...", flush=True)
        with ProcessPoolExecutor(max_workers=2) as pool:
            overrides = [training_overrides(args)] * len(CANDIDATES)
            list(pool.map(_train, CANDIDATES, paths, overrides))
        for name, path in zip(CANDIDATES, paths, strict=True):
            entry, _ = evaluate_model(row_by_label(KIND), splits, None, False, path, progress=False)
            rows[name] = {
                key: entry[key]
                for key in ("acc_torch", "acc_lava_float", "acc_lava_fixed", "macro_f1_lava_fixed",
                            "train_seconds", "n_train_windows", "augment")
            }  # fmt: skip
            print(
                f"{name}: torch {entry['acc_torch']:.3f}, Lava fixed {entry['acc_lava_fixed']:.3f}"
                f" ({entry['train_seconds']:.0f} s training)",
                flush=True,
            )
    report = {
        "benchmark": "har_augment_validation",
        "model": KIND,
        "dataset": splits.describe(),
        "command": " ".join(["lava-sd bench har-augment", *argv]),
        "candidates": rows,
        "chosen": max(rows, key=lambda name: rows[name]["acc_torch"]),
    }
    write_json(args.out, report)
    print(f"chosen: {report['chosen']} (highest torch accuracy on subject 8); wrote {args.out}")
    return report


if __name__ == "__main__":
    main()
