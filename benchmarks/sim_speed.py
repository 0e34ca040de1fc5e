"""Cost per sample-step of the spoken-digits ΣΔ-lpRNN: batched Lava fixed_pt, the numpy floor and
Lava's built-in Dense + LIF.

Usage: ``python benchmarks/sim_speed.py [--batches 1 16 64 256 --frames 25 --repeats 3]``
(same as ``lava-sd bench speed``). Writes benchmarks/results/sim_speed.json and sim_speed.png.
"""

import sys

from lava_sd.bench.sim_speed import main

if __name__ == "__main__":
    main(sys.argv[1:])
