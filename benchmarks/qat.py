"""Every registered model at 8, 4 and 3 weight bits, quantization-aware, on both benchmarks.

Usage: ``python benchmarks/qat.py [--benchmarks ...] [--models ...] [--bits ...]
[--train | --train-missing] [--no-eval]`` (same as ``lava-sd bench qat``). Writes
benchmarks/results/qat_<benchmark>.json and .png; checkpoints in benchmarks/checkpoints/.
"""

import sys

from lava_sd.bench.qat import main

if __name__ == "__main__":
    main(sys.argv[1:])
