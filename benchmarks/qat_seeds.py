"""Spread over training seeds of 4-bit QAT against float on spoken digits.

Usage: ``python benchmarks/qat_seeds.py [--models ...] [--bits B] [--seeds ...]
[--train-missing] [--no-eval]`` (same as ``lava-sd bench qat-seeds``). Writes
benchmarks/results/qat_seeds_audio_digits.json; checkpoints in benchmarks/checkpoints/seeds/.
"""

import sys

from lava_sd.bench.qat_seeds import main

if __name__ == "__main__":
    main(sys.argv[1:])
