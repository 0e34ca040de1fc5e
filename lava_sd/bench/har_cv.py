"""How much the HAR result depends on which subjects are held out: the ΣΔ-lpRNN and the random
forest on five two-subject folds (1-2, 3-4, 5-6, 7-8, 9-10), each trained from seed 0 on the
other eight subjects with the settings of ``lava_sd.bench.har_watch``.

``lava-sd bench har-cv`` trains the five folds two at a time (torch, one thread each), then
runs each in Lava floating_pt and fixed_pt. Writes ``benchmarks/results/har_watch_cv.json``.
The fixed benchmark split stays subjects 9-10 (``har_watch``); this is context for it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.bench.common import RESULTS, SEED, write_json
from lava_sd.bench.har_baseline import random_forest_baseline
from lava_sd.bench.har_watch import (
    AUGMENT,
    add_training_overrides,
    evaluate_model,
    row_by_label,
    train_model,
    training_overrides,
    training_set,
)
from lava_sd.commands.arguments import positive_int
from lava_sd.data import load_watch_windows

FOLDS = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10))
KIND = "lprnn"


def _train_fold(test_subjects: tuple[int, int], path: Path, training: dict[str, Any]) -> None:
    """Train the fold's ΣΔ-lpRNN (augmented, as the benchmark) and save it to ``path``."""
    splits = load_watch_windows(test_subjects=test_subjects)
    train_model(row_by_label(KIND), splits, path, False, AUGMENT, training)


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench har-cv``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd bench har-cv", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--n-test", type=positive_int, default=None, help="evaluate N windows per fold"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "har_watch_cv.json")
    add_training_overrides(parser)
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench har-cv [--n-test N] [--out PATH]``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    folds = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"fold_{a}_{b}.npz" for a, b in FOLDS]
        print(f"training {len(FOLDS)} folds, two at a time ...", flush=True)
        with ProcessPoolExecutor(max_workers=2) as pool:
            list(pool.map(_train_fold, FOLDS, paths, [training_overrides(args)] * len(FOLDS)))
        for test_subjects, path in zip(FOLDS, paths, strict=True):
            splits = load_watch_windows(test_subjects=test_subjects)
            entry, _ = evaluate_model(
                row_by_label(KIND), splits, args.n_test, False, path, progress=False
            )
            forest = random_forest_baseline(splits, seed=SEED)
            forest_augmented = random_forest_baseline(training_set(splits), seed=SEED)
            row = {
                "test_subjects": list(test_subjects),
                "n_test": int(len(splits.y_test[: args.n_test])),
                "acc_torch": entry["acc_torch"],
                "acc_lava_float": entry["acc_lava_float"],
                "acc_lava_fixed": entry["acc_lava_fixed"],
                "macro_f1_lava_fixed": entry["macro_f1_lava_fixed"],
                "acc_random_forest": forest["acc"],
                "acc_random_forest_augmented": forest_augmented["acc"],
                "train_seconds": entry["train_seconds"],
                "n_train_windows": entry["n_train_windows"],
            }
            print(
                f"held out {test_subjects}: torch {row['acc_torch']:.3f}, Lava fixed "
                f"{row['acc_lava_fixed']:.3f}, random forest {row['acc_random_forest']:.3f}",
                flush=True,
            )
            folds.append(row)
    summary = {
        key: {"mean": float(np.mean([f[key] for f in folds])),
              "std": float(np.std([f[key] for f in folds]))}
        for key in ("acc_torch", "acc_lava_float", "acc_lava_fixed", "acc_random_forest",
                    "acc_random_forest_augmented")
    }  # fmt: skip
    report = {
        "benchmark": "har_watch_cv",
        "model": KIND,
        "command": " ".join(["lava-sd bench har-cv", *argv]),
        "folds": folds,
        "summary": summary,
    }
    write_json(args.out, report)
    for key, value in summary.items():
        print(f"{key}: {value['mean']:.3f} +- {value['std']:.3f}")
    print(f"wrote {args.out}")
    return report


if __name__ == "__main__":
    main()
