"""Float helpers every neuron model shares: the Heaviside spike and the float decay.

Written with operations numpy arrays and torch tensors share, so a model's ``step_float`` runs
unchanged in the torch module and in the Lava ``floating_pt`` model. Only numpy is imported here:
this module is executed by Lava's model discovery.
"""

from __future__ import annotations

from typing import Any


def heaviside(x: Any) -> Any:
    """``H(x)``: 1.0 where ``x > 0`` else 0.0 (numpy arrays, or torch tensors of ``x``'s dtype;
    no gradient: torch training passes a surrogate spike function instead)."""
    spikes = x > 0
    if hasattr(spikes, "astype"):  # numpy arrays and scalars
        return spikes.astype(float)
    return spikes.to(x.dtype) if hasattr(spikes, "to") else float(spikes)


def leak(x: Any, d: Any) -> Any:
    """Float decay ``x (1 - d)`` (numpy arrays or torch tensors)."""
    return x * (1 - d)
