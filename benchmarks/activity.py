"""Synaptic operations against Lava fixed accuracy for a few activity penalty weights, the
weight chosen on the validation split.

Usage: ``python benchmarks/activity.py [--benchmark B] [--models ...] [--weights ...]
[--splits validation test] [--train | --train-missing] [--no-eval]`` (same as
``lava-sd bench activity``). Writes benchmarks/results/activity_<benchmark>.json and .png.
"""

import sys

from lava_sd.bench.activity import main

if __name__ == "__main__":
    main(sys.argv[1:])
