"""The current-based LIF neuron of Lava (``lava.proc.lif``), batched, with fused synapses."""

from lava_sd.model_spec import ModelSpec
from lava_sd.models.lif.proc.process import LIF

SPEC = ModelSpec(
    name="lif",
    title="current-based LIF (Lava's LIF, batched)",
    process=LIF,
    package="lava_sd.models.lif",
    classifier=dict(frame_steps=4, frame_offset=0, readout_decay=205 / 4096),
    training=dict(epochs=15, lr=5e-3, batch_size=64),
)
