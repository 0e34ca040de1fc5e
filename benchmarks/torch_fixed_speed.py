"""Torch fixed mode against Lava fixed point on the whole spoken-digit test split, per model: the
same logits bit for bit, and the time per sample of each.

Usage: ``python benchmarks/torch_fixed_speed.py [--models ...] [--batch 600] [--repeats 3]
[--threads 1]`` (same as ``lava-sd bench torch-fixed``). Writes
benchmarks/results/torch_fixed_speed.json.
"""

import sys

from lava_sd.bench.torch_fixed_speed import main

if __name__ == "__main__":
    main(sys.argv[1:])
