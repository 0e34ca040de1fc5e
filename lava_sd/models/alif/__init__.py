"""The adaptive LIF neuron, SE-adLIF (Baronig, Ferrand, Sabathiel, Legenstein 2024)."""

from lava_sd.model_spec import ModelSpec
from lava_sd.models.alif.proc.process import ALIF

SPEC = ModelSpec(
    name="alif",
    title="adaptive LIF, SE-adLIF (Baronig et al. 2024)",
    process=ALIF,
    package="lava_sd.models.alif",
    classifier=dict(frame_steps=4, frame_offset=0, readout_decay=205 / 4096, init_gain=6.0),
    training=dict(epochs=15, lr=5e-3, batch_size=64),
    presets={
        "audio_digits": dict(classifier=dict(hidden=(128,))),
        "har_watch": dict(
            classifier=dict(hidden=(64,), frame_steps=2, readout_decay=410 / 4096),
            training=dict(epochs=20),
        ),
    },
)
