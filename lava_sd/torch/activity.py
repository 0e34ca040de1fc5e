"""Activity regularisation: a penalty on the spikes or synaptic operations a classifier's Lava
network will spend, added to the training loss (``lava_sd.fit(..., activity_penalty=w)``).

Each torch layer reports its events per neuron and step in the order Lava's ``spike_count``
counts them (``layer_events``): by default its output (binary spikes with surrogate gradients);
a layer whose output is not its events says so with an ``events(h)`` method (the EGRU: its
event indicators ``H(c - thr)`` with the pseudo-derivative; the L2MU: its units, then its input
and memory populations; the ΣΔ-lpRNN: ``h / 6`` per step, the rate at which a ΣΔ neuron
decoding ``h`` fires). Over each sample's own steps (``lengths K + offset``)::

    spikes: E / (neurons * own steps)                   # the mean rate (1 - activity sparsity)
    synops: sum_l fan_out_l . E_l * (K / k) / dense MACs   # Network.synops / Network.dense_macs

with ``fan_out`` and the dense MACs of the classifier's Lava network (``Network.fan_out``,
``Network.dense_macs``) and ``K / k`` the Lava network's steps per frame over those of the
forward pass (the lpRNN trains in frame form first, ``k = 1``). The penalty is
``weight * mean over the batch``; both measures are ratios, so one weight suits networks of
every size.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch

from lava_sd.checks import ParameterError

MEASURES = ("spikes", "synops")


def layer_events(layer: Any, h: torch.Tensor) -> torch.Tensor:
    """``layer``'s events ``(B, neurons, T)`` for the output ``h`` it just produced."""
    events = getattr(layer, "events", None)
    return h if events is None else events(h)


class ActivityPenalty:
    """``weight`` times the mean ``measure`` (``"spikes"`` or ``"synops"``) of a batch.

    Args:
        model: the ``lava_sd.Classifier`` to train (its Lava network's structure is read once).
        measure: ``"spikes"`` (events per neuron and step) or ``"synops"`` (synaptic operations
            per dense multiply-accumulate).
        weight: the penalty's weight in the loss, > 0.
    """

    def __init__(self, model: Any, measure: str, weight: float) -> None:
        if measure not in MEASURES:
            raise ParameterError(f"activity_measure must be one of {MEASURES}, got {measure!r}.")
        if isinstance(weight, bool) or not np.isfinite(weight) or weight <= 0:
            raise ParameterError(f"activity_penalty must be a number > 0, got {weight!r}.")
        from lava_sd.torch.convert import convert

        with warnings.catch_warnings():  # an untrained network's headroom or bias warnings
            warnings.simplefilter("ignore")
            net = convert(model, weight_bits=model.config.get("weight_bits") or 8)
        self.measure, self.weight = measure, float(weight)
        self.frame_steps = net.frame_steps
        self.fan_out = [torch.as_tensor(net.fan_out(i)) for i in range(len(net.layers))]
        self.neurons = sum(len(f) for f in self.fan_out)
        self.macs_per_frame = float(net.dense_macs(np.array([1]))[0])

    def per_sample(
        self, events: list[torch.Tensor], lengths: torch.Tensor, frame_steps: int, offset: int
    ) -> torch.Tensor:
        """The measure of each sample ``(B,)`` from its layers' events (``layer_events``) in a
        forward pass at ``frame_steps`` steps per frame and readout ``offset``."""
        steps = lengths * frame_steps + offset
        mask = torch.arange(events[0].shape[-1], device=steps.device)[None, :] < steps[:, None]
        mask = mask.to(events[0].dtype)
        if self.measure == "spikes":
            total = sum((e * mask[:, None, :]).sum((1, 2)) for e in events)
            return total / (self.neurons * steps)
        synops = sum(
            torch.einsum("bnt,n,bt->b", e, fan.to(e), mask)
            for e, fan in zip(events, self.fan_out, strict=True)
        )
        return synops * (self.frame_steps / frame_steps) / (self.macs_per_frame * lengths)

    def __call__(
        self, events: list[torch.Tensor], lengths: torch.Tensor, frame_steps: int, offset: int
    ) -> torch.Tensor:
        """``weight`` times the batch mean of ``per_sample``."""
        return self.weight * self.per_sample(events, lengths, frame_steps, offset).mean()
