"""Spoken digits: ΣΔ-lpRNN accuracy in torch, Lava float and Lava fixed point.

Usage: ``python benchmarks/audio_digits.py [--train] [--n-test N]`` (same as
``lava-sd bench audio``). Writes benchmarks/results/audio_digits.json and .png.
"""

import sys

from lava_sd.bench.audio_digits import main

if __name__ == "__main__":
    main(sys.argv[1:])
