"""The ``lprnn`` model's Lava layers are ΣΔ layers: its integer reference is the ΣΔ neuron's.

``CLASSIFIER``: a small lpRNN whose per-step retention ``a**(1/K) = 15/16`` makes every gain a
short dyadic fraction, so with dyadic inputs every synaptic sum is exact in float64 whatever the
order of summation: torch and Lava float then agree exactly (a ΣΔ neuron with threshold 0 turns a
last-bit difference of two BLAS libraries into a spike).
"""

from __future__ import annotations

from model_references import load_reference

fixed_cases = load_reference("sigma_delta").fixed_cases
CLASSIFIER = dict(frame_steps=2, frame_offset=1, a=(15 / 16) ** 2)
