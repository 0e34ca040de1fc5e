"""The event-based GRU, EGRU (Subramoney et al. 2023): graded events, piecewise-linear gates."""

from lava_sd.model_spec import ModelSpec
from lava_sd.models.egru.proc.process import EGRU

SPEC = ModelSpec(
    name="egru",
    title="event-based GRU, EGRU (Subramoney et al. 2023)",
    process=EGRU,
    package="lava_sd.models.egru",
    classifier=dict(frame_steps=1, frame_offset=0, readout_decay=0.25, thr=0.5),
    training=dict(epochs=10, lr=5e-3, batch_size=64),
    presets={
        "audio_digits": dict(classifier=dict(hidden=(128,))),
        "har_watch": dict(classifier=dict(hidden=(64,)), training=dict(epochs=20)),
    },
)
