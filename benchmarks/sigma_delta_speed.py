"""ms per Lava step of one ΣΔ population at batch 1 and 256 (float and fixed).

Usage: ``python benchmarks/sigma_delta_speed.py [--steps N --neurons N --batches 1 256]``
(same as ``lava-sd bench sigma-delta-speed``). Writes benchmarks/results/sigma_delta_speed.json.
"""

import sys

from lava_sd.bench.sigma_delta_speed import main

if __name__ == "__main__":
    main(sys.argv[1:])
