"""The ΣΔ neuron (Boeshertz et al. 2024): dynamics, the ``SigmaDelta`` layer process, its torch
cell, ``SigmaDeltaConfig`` and ``encode``. It is the neuron of the registered ``lprnn`` model."""
