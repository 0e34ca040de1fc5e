"""Smartwatch activity recognition, every model: torch, Lava floating_pt and Lava fixed_pt,
held-out subjects 9 and 10, with a random-forest baseline.

Usage: ``python benchmarks/har_watch.py [--train [MODEL ...]] [--models ...] [--n-test N]``
(same as ``lava-sd bench har``). Writes benchmarks/results/har_watch.json and har_watch.png.
"""

import sys

from lava_sd.bench.har_watch import main

if __name__ == "__main__":
    main(sys.argv[1:])
