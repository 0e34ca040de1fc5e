"""L2MU, the spiking Legendre Memory Unit (Fra et al. 2024): LIF populations joined by dense
synapses around a fixed Legendre delay memory."""

from lava_sd.model_spec import ModelSpec
from lava_sd.models.l2mu.proc.process import L2MU

SPEC = ModelSpec(
    name="l2mu",
    title="spiking Legendre Memory Unit, L2MU (Fra et al. 2024)",
    process=L2MU,
    package="lava_sd.models.l2mu",
    classifier=dict(frame_steps=1, frame_offset=0, readout_decay=0.25),
    training=dict(epochs=15, lr=5e-3, batch_size=64),
    # Chosen on validation splits, never on a test split (lava-sd bench select; the trials are
    # benchmarks/results/selection_<benchmark>_l2mu*.json, docs/l2mu.md section 6).
    presets={
        "audio_digits": dict(
            classifier=dict(hidden=(128,), memory=32, order=8, theta=10.0),
            training=dict(epochs=30),
        ),
        "har_watch": dict(
            classifier=dict(hidden=(64,), memory=16, order=4, theta=10.0),
            training=dict(epochs=30),
        ),
    },
)
