"""Command line: ``lava-sd demo [audio|sigma-delta]``, ``lava-sd bench NAME [options]`` and the
commands that use a model (``train``, ``eval``, ``predict``, ``compare``, ``info``, ``sweep``).

Each benchmark is a module with ``build_parser() -> argparse.ArgumentParser`` and
``main(argv)``; ``lava-sd bench NAME --help`` shows that module's own options and
``python -m <module>`` runs the same ``main``. A module is imported only when its command is on
the command line (benchmarks import torch and Lava). Unknown options are usage errors (exit 2).

Adding a command is one entry: ``COMMANDS["train"] = Command("lava_sd.commands.train", ...)`` gives
``lava-sd train [options]``, ``BENCHMARKS[...]`` gives ``lava-sd bench NAME [options]``; the
module provides ``build_parser`` (with ``prog="lava-sd train"``) and ``main(argv)``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Command:
    """A subcommand implemented by ``module``'s ``build_parser()`` and ``main(argv)``."""

    module: str
    help: str
    in_all: bool = True  # run by ``lava-sd bench all`` (it needs no arguments)

    def load(self) -> ModuleType:
        """The command's module (imported now: it may import torch and Lava)."""
        return importlib.import_module(self.module)


BENCHMARKS: dict[str, Command] = {
    "audio": Command(
        "lava_sd.bench.audio_digits",
        "spoken digits: every model in torch, Lava float and Lava fixed point",
    ),
    "har-augment": Command(
        "lava_sd.bench.har_augment", "how the smartwatch augmentation was chosen (subject 8)"
    ),
    "har": Command("lava_sd.bench.har_watch", "smartwatch activity recognition, every model"),
    "har-cv": Command(
        "lava_sd.bench.har_cv", "smartwatch lpRNN and random forest on five subject folds"
    ),
    "sigma-delta-speed": Command(
        "lava_sd.bench.sigma_delta_speed", "ms per Lava step of one ΣΔ population"
    ),
    "speed": Command(
        "lava_sd.bench.sim_speed", "cost per sample-step of the spoken-digits network"
    ),
    "torch-fixed": Command(
        "lava_sd.bench.torch_fixed_speed",
        "torch fixed mode vs Lava fixed point on the spoken-digit test split, every model",
    ),
    "qat": Command(
        "lava_sd.bench.qat",
        "every model at 8, 4 and 3 weight bits (quantization-aware), both benchmarks",
    ),
    "seeds": Command(
        "lava_sd.bench.seeds",
        "spread over training seeds of QAT or the activity penalty against plain training",
        in_all=False,
    ),
    "activity": Command(
        "lava_sd.bench.activity",
        "synops against Lava fixed accuracy for a few activity penalty weights",
    ),
    "select": Command(
        "lava_sd.bench.selection",
        "choose a model's settings for a benchmark on its validation split",
        in_all=False,
    ),
}
"""``lava-sd bench NAME``: benchmarks that write ``benchmarks/results/``."""

COMMANDS: dict[str, Command] = {
    "train": Command("lava_sd.commands.train", "train a registered model on a data file"),
    "eval": Command("lava_sd.commands.evaluate", "evaluate a checkpoint in torch or Lava"),
    "predict": Command("lava_sd.commands.predict", "classify a data file or audio files"),
    "compare": Command(
        "lava_sd.commands.compare", "where a checkpoint's backends disagree on a data file"
    ),
    "info": Command("lava_sd.commands.info", "what a checkpoint holds and would cost"),
    "sweep": Command("lava_sd.commands.sweep", "a Ray Tune sweep over fit settings"),
}
"""``lava-sd NAME``: top-level commands besides ``demo`` and ``bench``."""

DEMOS = ("audio", "sigma-delta")


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The ``lava-sd`` parser. The command named in ``argv`` gets its module's full parser; the
    others are listed by name and help only, so that their modules are not imported."""
    argv = list(argv)
    parser = argparse.ArgumentParser(
        prog="lava-sd",
        description="lava_sd demos and benchmarks; `lava-sd COMMAND --help` lists the options.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = sub.add_parser(
        "demo",
        help="every model on spoken digits (audio) or the ΣΔ encoder (sigma-delta)",
        description="audio: every model on spoken digits, Lava float and fixed point, written "
        "to demo_output/; sigma-delta: ΣΔ neurons encode four signals, float and fixed point.",
    )
    demo.add_argument("which", nargs="?", default="audio", choices=DEMOS)
    bench = sub.add_parser(
        "bench",
        help="run a benchmark and write benchmarks/results/",
        description="Run a benchmark; `lava-sd bench NAME --help` lists its options.",
    )
    names = bench.add_subparsers(dest="name", required=True, metavar="NAME")
    names.add_parser("all", help="every benchmark with its default options")
    _add_commands(names, BENCHMARKS, argv[1] if argv[:1] == ["bench"] and argv[1:] else None)
    _add_commands(sub, COMMANDS, argv[0] if argv else None)
    return parser


def _add_commands(
    sub: argparse._SubParsersAction, commands: dict[str, Command], wanted: str | None
) -> None:
    for name, command in commands.items():
        if name != wanted:
            sub.add_parser(name, help=command.help)
            continue
        own = command.load().build_parser()
        sub.add_parser(
            name,
            help=command.help,
            description=own.description or command.help,
            epilog=own.epilog,
            parents=[own],
            add_help=False,  # the module's parser brings its own -h
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lava-sd`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    if args.command == "demo":
        if args.which == "sigma-delta":
            from lava_sd.demo import main as sigma_delta_demo

            sigma_delta_demo()
        else:
            BENCHMARKS["audio"].load().main(["--out", "demo_output/audio_digits.json"])
        return 0
    if args.command == "bench":
        if args.name == "all":
            for command in BENCHMARKS.values():
                if command.in_all:
                    command.load().main([])
        else:
            BENCHMARKS[args.name].load().main(argv[2:])
        return 0
    from lava_sd.commands.guard import guarded

    return guarded(args.command, COMMANDS[args.command].load().main, argv[1:])


if __name__ == "__main__":
    sys.exit(main())
