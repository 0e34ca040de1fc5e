"""How the smartwatch benchmark's augmentation was chosen: train on subjects 1-7, score on 8.

Usage: ``python benchmarks/har_augment.py`` (same as ``lava-sd bench har-augment``).
Writes benchmarks/results/har_augment_validation.json.
"""

import sys

from lava_sd.bench.har_augment import main

if __name__ == "__main__":
    main(sys.argv[1:])
