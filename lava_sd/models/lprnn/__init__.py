"""The ΣΔ-lpRNN (Boeshertz et al. 2024): a low-pass RNN trained as an ANN with 3-bit weights,
run as layers of ΣΔ neurons (``lava_sd.SigmaDelta``) that decode its activations."""

from lava_sd.model_spec import ModelSpec
from lava_sd.models.sigma_delta.proc.process import SigmaDelta

SPEC = ModelSpec(
    name="lprnn",
    title="ΣΔ-lpRNN, 3-bit weights (Boeshertz et al. 2024)",
    process=SigmaDelta,
    package="lava_sd.models.lprnn",
    classifier=dict(frame_steps=8, frame_offset=4, a=0.8, frac_bits=3, w_max=1.0, recurrent=True),
    training=dict(epochs=40, lr=3e-3, batch_size=64, finetune_epochs=4, finetune_lr=1e-3),
    dense_per_frame=True,
    qat_options=dict(frac_bits=None),  # weight_bits replaces the 1/8 grid
    presets={
        "audio_digits": dict(classifier=dict(hidden=(64, 64))),
        "har_watch": dict(
            classifier=dict(hidden=(64, 64), frame_steps=4, frame_offset=2),
            training=dict(epochs=30, finetune_epochs=3),
        ),
        "har_watch_feedforward": dict(
            label="sigma_delta_ff",
            classifier=dict(hidden=(64, 64), frame_steps=4, frame_offset=2, recurrent=False),
            training=dict(epochs=30, finetune_epochs=3),
        ),
    },
)
