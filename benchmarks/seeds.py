"""Spread over training seeds of one training option against the plain training.

Usage: ``python benchmarks/seeds.py [--option weight_bits=B | activity_penalty=W]
[--models ...] [--seeds ...] [--train-missing] [--no-eval]`` (same as ``lava-sd bench seeds``).
Writes benchmarks/results/seeds_audio_digits_<option>_<value>.json; checkpoints in
benchmarks/checkpoints/seeds/.
"""

import sys

from lava_sd.bench.seeds import main

if __name__ == "__main__":
    main(sys.argv[1:])
