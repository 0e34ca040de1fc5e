"""Command line: ``lava-sd demo`` and ``lava-sd bench NAME``."""

from __future__ import annotations

import argparse
import sys

BENCHMARKS = ("audio", "har-augment", "har", "har-cv", "sigma-delta-speed", "speed")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``lava-sd`` command."""
    parser = argparse.ArgumentParser(prog="lava-sd", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="every model on spoken digits, Lava float and fixed point")
    demo.add_argument("which", nargs="?", default="audio", choices=("audio", "sigma-delta"))
    bench = sub.add_parser("bench", help="run a benchmark and write benchmarks/results/")
    bench.add_argument("name", choices=BENCHMARKS + ("all",))
    args, rest = parser.parse_known_args(argv)
    if args.command == "demo" and args.which == "sigma-delta":
        from lava_sd.demo import main as sigma_delta_demo

        sigma_delta_demo()
        return 0
    if args.command == "demo":
        from lava_sd.bench.audio_digits import main as audio_main

        audio_main(["--out", "demo_output/audio_digits.json"])
        return 0
    names = BENCHMARKS if args.name == "all" else (args.name,)
    for name in names:
        if name == "sigma-delta-speed":
            from lava_sd.bench.sigma_delta_speed import main as bench_main
        elif name == "speed":
            from lava_sd.bench.sim_speed import main as bench_main
        elif name == "har":
            from lava_sd.bench.har_watch import main as bench_main
        elif name == "har-augment":
            from lava_sd.bench.har_augment import main as bench_main
        elif name == "har-cv":
            from lava_sd.bench.har_cv import main as bench_main
        else:
            from lava_sd.bench.audio_digits import main as bench_main
        bench_main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
