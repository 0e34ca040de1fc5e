"""Activity regularisation: synaptic operations against Lava fixed accuracy for a few penalty
weights, the weight chosen on validation data.

``lava-sd bench activity`` trains each model (default: the ΣΔ-lpRNN and the EGRU on spoken
digits, each with its benchmark preset) with ``activity_penalty`` = each of ``--weights``
(``activity_measure="synops"``: synaptic operations per dense MAC, ``lava_sd.torch.activity``),
twice: on the benchmark's validation split (``validation_data()``: spoken digits hold out a
fifth of each digit's training recordings; HAR trains on subjects 1-7 and validates on 8), and
on the whole training split, scored on the test split. Weight 0 is the model's ordinary
training: on the test split its shipped checkpoint (``lava_sd/weights/``; the spoken-digit ones
predate ``fit``, whose retrain lands within 1 point of them, README). Every network is scored
in torch and Lava fixed point: accuracy, synaptic operations, dense MACs and spikes per sample.

The chosen weight of each model is the one with the highest validation Lava fixed accuracy
among those whose validation synaptic operations are at most the dense MACs (``--budget``
times them); its test result is reported beside the others, never used to choose.
Writes ``benchmarks/results/activity_<benchmark>.json`` and ``.png`` (synops against accuracy);
checkpoints in ``benchmarks/checkpoints/activity_<benchmark>_<model>_<split>_p<weight>.npz``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.bench.common import (
    RESULTS,
    WEIGHTS_DIR,
    evaluate_lava,
    save_figure,
    shown_path,
    write_json,
)
from lava_sd.bench.qat import CHECKPOINTS, DATA, Data, QatRow, fit_and_save, torch_accuracy
from lava_sd.commands.arguments import positive_int
from lava_sd.registry import get_model

BENCHMARKS = ("audio_digits", "har_watch")
MODELS = ("lprnn", "egru")
WEIGHTS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
SPLITS = ("validation", "test")
MEASURE = "synops"


def validation(benchmark: str) -> Data:
    """The benchmark's validation split as ``Data`` (training part, validation part)."""
    module = importlib.import_module(f"lava_sd.bench.{benchmark}")
    train, val = module.validation_data()
    test = tuple(np.asarray(t) for t in val)
    names = [str(c) for c in range(int(max(train[2].max(), val[2].max())) + 1)]
    return Data(train, test, names, None, f"{benchmark} validation split")


def checkpoint(directory: Path, row: QatRow, split: str, weight: float) -> Path:
    """``activity_<benchmark>_<model>_<split>_p<weight>.npz``."""
    return directory / f"activity_{row.benchmark}_{row.spec.name}_{split}_p{weight:g}.npz"


def train(row: QatRow, data: Data, split: str, weight: float, path: Path, progress: bool,
          epochs: int | None = None) -> None:  # fmt: skip
    """Fit ``row`` with the penalty ``weight`` on ``data`` and save it to ``path``."""
    settings: dict[str, Any] = {}
    if weight:
        settings.update(activity_penalty=weight, activity_measure=MEASURE)
    if epochs is not None:
        settings.update(epochs=epochs, finetune_epochs=0)
    command = (f"lava-sd bench activity --benchmark {row.benchmark} --models {row.spec.name} "
               f"--splits {split} --weights {weight:g} --train")  # fmt: skip
    fit_and_save(row, data, path, settings, command, progress)


def score(model: Any, data: Data) -> dict[str, Any]:
    """Torch and Lava fixed accuracy, synaptic operations, dense MACs and spikes per sample."""
    from lava_sd.torch.convert import convert

    x, lengths, y = data.test
    net = convert(model)
    out = evaluate_lava(net, x, lengths, "fixed", progress=False)
    synops = float(net.synops(out["spikes"]).mean())
    macs = float(net.dense_macs(lengths).mean())
    return {
        "acc_torch": torch_accuracy(model, data.test),
        "acc_lava_fixed": float((out["logits"].argmax(1) == y).mean()),
        "synops_per_sample": synops,
        "dense_macs_per_sample": macs,
        "synops_per_dense_mac": synops / macs,
        "spikes_per_sample": float(sum(s.sum(1) for s in out["spikes"]).mean()),
        "overflow_steps_lava_fixed": out["overflow_steps"],
        "train_seconds": model.training_info.get("train_seconds"),
        "activity": model.training_info.get("activity"),
    }


def choose(entries: dict[str, dict[str, Any]], budget: float) -> str | None:
    """The weight (a key of ``entries``, the validation scores) with the highest Lava fixed
    accuracy among those within ``budget`` synops per dense MAC (ties: fewer synops)."""
    within = {w: e for w, e in entries.items() if e["synops_per_dense_mac"] <= budget}
    if not within:
        return None
    return max(within, key=lambda w: (within[w]["acc_lava_fixed"], -within[w]["synops_per_sample"]))


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench activity``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd bench activity", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--benchmark", choices=BENCHMARKS, default="audio_digits")
    parser.add_argument("--models", nargs="+", default=list(MODELS), help="registered models")
    parser.add_argument(
        "--weights",
        nargs="+",
        type=float,
        default=list(WEIGHTS),
        help="penalty weights (activity_penalty; 0: the ordinary training)",
    )
    parser.add_argument("--splits", nargs="+", choices=SPLITS, default=list(SPLITS))
    parser.add_argument(
        "--budget",
        type=float,
        default=1.0,
        help="synops per dense MAC allowed when choosing (validation)",
    )
    train = parser.add_mutually_exclusive_group()
    train.add_argument("--train", action="store_true", help="train the checkpoints first")
    train.add_argument(
        "--train-missing", action="store_true", help="train the checkpoints not there yet"
    )
    parser.add_argument("--no-eval", action="store_true", help="train only")
    parser.add_argument("--epochs", type=positive_int, default=None, help="override the epochs")
    parser.add_argument("--n-test", type=positive_int, default=None, help="the first N only")
    parser.add_argument("--checkpoints", type=Path, default=CHECKPOINTS)
    parser.add_argument("--weights-dir", type=Path, default=WEIGHTS_DIR, help="shipped ones")
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    return parser  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench activity [--benchmark B] [--models ...] [--weights ...] [--splits ...]
    [--train | --train-missing] [--no-eval]``."""
    from lava_sd.torch.classifier import load

    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    rows = [QatRow(get_model(name), args.benchmark) for name in args.models]
    data = {}
    if "validation" in args.splits:
        data["validation"] = validation(args.benchmark)
    if "test" in args.splits:
        data["test"] = DATA[args.benchmark]()
    data = {split: split_data.first(args.n_test) for split, split_data in data.items()}
    models: dict[str, Any] = {}
    for row in rows:
        entry: dict[str, Any] = {"settings": row.fit_settings()}
        for split, split_data in data.items():
            scores = {}
            for weight in args.weights:
                path = checkpoint(args.checkpoints, row, split, weight)
                shipped = args.weights_dir / f"{args.benchmark}_{row.spec.name}.npz"
                if split == "test" and weight == 0 and shipped.is_file() and args.epochs is None:
                    path = shipped
                elif args.train or (args.train_missing and not path.is_file()):
                    print(f"== {row.spec.name} {split}: training, penalty {weight:g} ==",
                          flush=True)  # fmt: skip
                    train(row, split_data, split, weight, path, True, args.epochs)
                if args.no_eval or not path.is_file():
                    continue
                scores[f"{weight:g}"] = {"weights_file": shown_path(path),
                                         **score(load(path), split_data)}  # fmt: skip
                s = scores[f"{weight:g}"]
                print(f"{row.spec.name} {split} penalty {weight:g}: Lava fixed "
                      f"{100 * s['acc_lava_fixed']:.2f} %, {s['synops_per_sample']:,.0f} synops "
                      f"({s['synops_per_dense_mac']:.2f} x dense MACs)", flush=True)  # fmt: skip
            entry[split] = scores
        if args.no_eval:
            continue
        entry["chosen"] = choose(entry.get("validation", {}), args.budget)
        models[row.spec.name] = entry
    if args.no_eval:
        return {}
    report = {
        "benchmark": args.benchmark,
        "measure": MEASURE,
        "command": " ".join(["lava-sd bench activity", *argv]),
        "rule": (
            f"chosen: the highest validation Lava fixed accuracy among the weights with at "
            f"most {args.budget:g} synops per dense MAC on validation"
        ),  # fmt: skip
        "validation_split": " ".join(
            importlib.import_module(
                f"lava_sd.bench.{args.benchmark}"
            ).validation_data.__doc__.split()
        ),  # fmt: skip
        "models": models,
    }
    out = args.out_dir / f"activity_{args.benchmark}.json"
    write_json(out, report)
    plot_activity(report, out.with_suffix(".png"))
    print(f"wrote {out} and {out.with_suffix('.png')}")
    return report


def plot_activity(report: dict[str, Any], path: Path) -> Path:
    """Synaptic operations per sample against Lava fixed accuracy, one panel per model: test
    (filled) and validation (hollow) points labelled with their penalty weight, the dense MACs
    as a vertical line, the chosen weight circled."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report["models"])
    fig, axes = plt.subplots(1, max(len(names), 1), figsize=(6 * max(len(names), 1), 4.5),
                             squeeze=False)  # fmt: skip
    for ax, name in zip(axes[0], names, strict=False):
        entry = report["models"][name]
        for split, style in (("validation", dict(mfc="none", color="C0")),
                             ("test", dict(color="C3"))):  # fmt: skip
            scores = entry.get(split, {})
            if not scores:
                continue
            points = [(s["synops_per_sample"], 100 * s["acc_lava_fixed"], w)
                      for w, s in scores.items()]  # fmt: skip
            xs, ys, ws = zip(*sorted(points), strict=True)
            ax.plot(xs, ys, "o-", label=split, **style)
            for xv, yv, w in zip(xs, ys, ws, strict=True):
                ax.annotate(w, (xv, yv), textcoords="offset points", xytext=(4, 4), fontsize=8)
                if w == entry.get("chosen"):
                    ax.plot([xv], [yv], "o", ms=14, mfc="none", color="k")
            macs = np.mean([s["dense_macs_per_sample"] for s in scores.values()])
            ax.axvline(macs, color=style["color"], ls=":", lw=1)
        title = f"{name} ({report['benchmark']}): penalty weights; dotted: dense MACs"
        ax.set(xlabel="synaptic operations per sample (Lava fixed)",
               ylabel="Lava fixed accuracy (%)", title=title)  # fmt: skip
        ax.legend(fontsize=8)
    return save_figure(fig, path)


if __name__ == "__main__":
    main()
