"""Command line: ``lava-sd demo`` and ``lava-sd bench NAME``."""

from __future__ import annotations

import argparse
import sys

BENCHMARKS = ("sigma-delta-speed",)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``lava-sd`` command."""
    parser = argparse.ArgumentParser(prog="lava-sd", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="ΣΔ neurons in Lava, float vs fixed point")
    bench = sub.add_parser("bench", help="run a benchmark and write benchmarks/results/")
    bench.add_argument("name", choices=BENCHMARKS + ("all",))
    args, rest = parser.parse_known_args(argv)
    if args.command == "demo":
        from lava_sd.demo import main as demo

        demo()
        return 0
    names = BENCHMARKS if args.name == "all" else (args.name,)
    for name in names:
        if name == "sigma-delta-speed":
            from lava_sd.bench.sigma_delta_speed import main as bench_main

            bench_main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
