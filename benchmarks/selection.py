"""Choose a model's settings for a benchmark on its validation split (never its test split).

Usage: ``python benchmarks/selection.py BENCHMARK MODEL --grid KEY=V1,V2 ... [--set KEY=VALUE]``
(same as ``lava-sd bench select``). Writes benchmarks/results/selection_<benchmark>_<model>.json.
"""

import sys

from lava_sd.bench.selection import main

if __name__ == "__main__":
    main(sys.argv[1:])
