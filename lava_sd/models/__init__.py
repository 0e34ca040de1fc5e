"""Model packages, one per registered layer model (``lava_sd.registry``).

Each ``lava_sd/models/<name>/`` holds the model's whole life: ``dynamics.py`` (state, parameters,
``step_float``, ``step_fixed`` and the ``NeuronSpec``), ``torch.py`` (the torch face),
``mapping.py`` (trained torch layers -> Lava parameters), ``proc/`` (the Lava process and its
models: the only folder Lava's model discovery executes) and ``__init__.py`` (its ``SPEC``).
``sigma_delta`` is the ΣΔ neuron that the ``lprnn`` model's layers are made of.
"""

MODEL_PACKAGES = ("lprnn", "alif", "spiking_lstm", "egru", "lif", "l2mu")
