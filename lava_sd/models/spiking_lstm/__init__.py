"""The spiking LSTM cell: LIF and AHP neurons (Rao, Plank, Wild, Maass 2022)."""

from lava_sd.model_spec import ModelSpec
from lava_sd.models.spiking_lstm.proc.process import SpikingLSTM

SPEC = ModelSpec(
    name="spiking_lstm",
    title="spiking LSTM, LIF + AHP neurons (Rao, Plank et al. 2022)",
    process=SpikingLSTM,
    package="lava_sd.models.spiking_lstm",
    classifier=dict(frame_steps=4, frame_offset=0, readout_decay=205 / 4096, init_gain=1.0),
    training=dict(epochs=15, lr=5e-3, batch_size=64),
    presets={
        "audio_digits": dict(classifier=dict(hidden=(128,))),
        "har_watch": dict(
            classifier=dict(hidden=(64,), frame_steps=2, readout_decay=410 / 4096),
            training=dict(epochs=20),
        ),
    },
)
