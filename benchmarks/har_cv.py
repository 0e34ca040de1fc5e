"""The smartwatch ΣΔ-lpRNN and the random forest on five two-subject folds.

Usage: ``python benchmarks/har_cv.py [--n-test N]`` (same as ``lava-sd bench har-cv``).
Writes benchmarks/results/har_watch_cv.json.
"""

import sys

from lava_sd.bench.har_cv import main

if __name__ == "__main__":
    main(sys.argv[1:])
