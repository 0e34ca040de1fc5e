"""The one torch classifier: layers of any registered model and a linear readout.

``Classifier("alif", n_in, hidden, n_classes)`` stacks the model's torch layers
(``lava_sd.models.<model>.torch.build_layer``) and reads them out as the model's Lava network
does (``lava_sd.convert`` maps it, ``lava_sd.load`` restores it from a checkpoint)::

    x_held = each input frame held K = frame_steps steps (+ frame_offset steps of the last one)
    h      = layers(x_held)                       # (batch, n, T K + offset)
    "trace" readout (event-based models):
        r_t = (1 - k) r_{t-1} + k h_t;   logits = W_o mean_{t < length K} r_t + b_o
    "decoded" readout (the lpRNN, whose ΣΔ neurons decode h):
        logits = W_o mean_{frames j < length} h[offset + (j + 1) K - 1] + b_o
    readout_mode "last": the last step (frame) instead of the mean

With ``weight_bits=b`` every layer runs on its weights as the mapping quantises them (even
``b``-bit mantissas, one exponent per matrix) through a straight-through estimator
(``lava_sd.torch.qat``): quantization-aware training at that width, and ``convert`` then gives
Lava fixed point exactly the trained weights.

A classifier also carries what using it needs: the class names, the input normaliser (fitted on
the training data), the feature recipe its inputs come from and how it was trained; checkpoints
store all of it (``lava_sd.checkpoint``).
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from lava_sd import checkpoint
from lava_sd.checkpoint import CheckpointError
from lava_sd.checks import ParameterError
from lava_sd.data.normaliser import Normaliser
from lava_sd.fixed_point import weight_mantissa_max
from lava_sd.registry import get_model

if TYPE_CHECKING:  # the annotation only; compare is imported when used
    from lava_sd.torch.compare import Comparison

CLASSIFIER_KEYS = ("frame_steps", "frame_offset", "readout_decay", "readout_mode", "weight_bits")
READOUT_MODES = ("mean", "last")


class Classifier(nn.Module):
    """Layers of a registered model + linear readout, trained in torch, run in Lava.

    Args:
        model: registered model name (``lava_sd.REGISTRY``), e.g. ``"lprnn"`` or ``"alif"``.
        n_in: input features per frame.
        hidden: layer widths.
        n_classes: readout width.
        frame_steps: simulation steps per input frame ``K`` (model default if ``None``).
        frame_offset: readout delay after each frame end ("decoded" readout; 0 for "trace").
        readout_decay: the trace readout's ``k`` in (0, 1] ("trace" readout).
        readout_mode: ``"mean"`` (the time mean, default) or ``"last"`` (the last frame of
            each sample).
        seed: seeds torch's global generator and the layers' own generator (initialisation).
        weight_bits: train quantization-aware at this weight width (2..8 bits; the model's
            ``qat_options`` apply, e.g. the lpRNN's ``frac_bits=None``); ``None``: float weights
            (the mapping quantises them to 8 bits after training).
        **layer_options: the model's layer options (its ``build_layer`` keywords), e.g.
            ``recurrent=False``; model defaults otherwise.
    """

    def __init__(
        self,
        model: str,
        n_in: int,
        hidden: tuple[int, ...] | list[int],
        n_classes: int,
        *,
        frame_steps: int | None = None,
        frame_offset: int | None = None,
        readout_decay: float | None = None,
        readout_mode: str = "mean",
        seed: int = 0,
        weight_bits: int | None = None,
        **layer_options: Any,
    ) -> None:
        super().__init__()
        spec = get_model(model)
        hidden = _sizes(n_in, hidden, n_classes)
        defaults = dict(spec.classifier)
        given = dict(
            frame_steps=frame_steps, frame_offset=frame_offset, readout_decay=readout_decay
        )
        settings = {key: defaults.get(key) if given[key] is None else given[key] for key in given}
        options = {key: value for key, value in defaults.items() if key not in CLASSIFIER_KEYS}
        options.pop("hidden", None)
        options.update(layer_options)
        if weight_bits is None:
            weight_bits = defaults.get("weight_bits")
        if weight_bits is not None:
            weight_mantissa_max(weight_bits)  # 2..8, or a ParameterError saying so
            weight_bits = int(weight_bits)
            options.update(spec.qat_options)
        _check_settings(spec.readout, settings)
        if readout_mode not in READOUT_MODES:
            raise ParameterError(
                f"Classifier: readout_mode must be one of {READOUT_MODES}, got {readout_mode!r}."
            )
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        build = spec.torch_module().build_layer
        _check_options(model, build, options)
        layers = [
            build(index, m, n, generator=generator, **options)
            for index, (m, n) in enumerate(zip((n_in, *hidden[:-1]), hidden, strict=True))
        ]
        self.layers = nn.ModuleList(layers)
        self.readout = nn.Linear(hidden[-1], n_classes)
        self.model = model
        self.readout_kind = spec.readout
        self.frame_steps = int(settings["frame_steps"])
        self.frame_offset = int(settings["frame_offset"] or 0)
        self.readout_decay = float(settings["readout_decay"] or 0.0)
        self.readout_mode = readout_mode
        self.weight_bits = weight_bits
        self.config = dict(
            model=model, n_in=int(n_in), hidden=list(hidden), n_classes=int(n_classes),
            frame_steps=self.frame_steps, frame_offset=self.frame_offset,
            readout_decay=self.readout_decay, readout_mode=readout_mode, seed=int(seed),
            **options,
        )  # fmt: skip
        if weight_bits is not None:  # absent otherwise: float checkpoints stay as they were
            self.config["weight_bits"] = weight_bits
        self.class_names: list[str] = [str(c) for c in range(n_classes)]
        self.normaliser: Normaliser | None = None
        self.feature_recipe: str | None = None
        self.training_info: dict[str, Any] = {}

    @property
    def n_in(self) -> int:
        """Input features per frame."""
        return self.config["n_in"]

    def outputs(
        self, x: torch.Tensor, frame_steps: int | None = None, frame_offset: int | None = None
    ) -> list[torch.Tensor]:
        """Every layer's output ``(B, n, T K + offset)`` for frames ``x`` ``(B, F, T)``, each
        frame held ``K`` steps (and the last one ``offset`` more)."""
        k, offset = self._timing(frame_steps, frame_offset)
        h = torch.repeat_interleave(x, k, dim=-1)
        if offset:
            h = torch.cat([h, h[..., -1:].expand(-1, -1, offset)], dim=-1)
        out = []
        for index, layer in enumerate(self.layers):
            if self.weight_bits is None:
                h = layer(h, k)
            else:
                from lava_sd.torch.qat import run_layer

                h = run_layer(self, index, h, k)
            out.append(h)
        return out

    def frame_outputs(
        self, x: torch.Tensor, frame_steps: int | None = None, frame_offset: int | None = None
    ) -> list[torch.Tensor]:
        """Every layer's output sampled once per frame, ``offset`` steps after its end, as the
        "decoded" readout reads it: each ``(B, n, T)``."""
        k, offset = self._timing(frame_steps, frame_offset)
        return [h[..., offset + k - 1 :: k] for h in self.outputs(x, k, offset)]

    def readout_trace(self, h: torch.Tensor) -> torch.Tensor:
        """The trace readout's low-pass ``r`` of the last layer's output ``h`` ``(B, n, T)``."""
        k = self.readout_decay
        r = h.new_zeros(h.shape[:-1])
        out = []
        for t in range(h.shape[-1]):
            r = (1 - k) * r + k * h[..., t]
            out.append(r)
        return torch.stack(out, dim=-1)

    def forward(
        self,
        x: torch.Tensor,
        lengths: torch.Tensor,
        frame_steps: int | None = None,
        frame_offset: int | None = None,
        events: bool = False,
    ) -> torch.Tensor | tuple[torch.Tensor, list[torch.Tensor]]:
        """Logits ``(B, classes)`` for padded frames ``x`` ``(B, F, T)`` with ``lengths``.

        ``frame_steps`` / ``frame_offset`` override the classifier's own (the lpRNN trains in
        frame form, ``frame_steps=1, frame_offset=0``, before its fine-tuning at ``K``).
        ``events``: also return every layer's events ``(B, neurons, steps)`` as its Lava layer
        counts them (``lava_sd.torch.activity.layer_events``), differentiable.
        """
        k, offset = self._timing(frame_steps, frame_offset)
        outputs = self.outputs(x, k, offset)
        logits = self._readout(outputs[-1], lengths, k, offset)
        if not events:
            return logits
        from lava_sd.torch.activity import layer_events

        return logits, [
            layer_events(layer, h) for layer, h in zip(self.layers, outputs, strict=True)
        ]

    def _readout(self, h: torch.Tensor, lengths: torch.Tensor, k: int, offset: int) -> torch.Tensor:
        """Logits from the last layer's output ``h`` ``(B, n, T K + offset)``."""
        last = self.readout_mode == "last"
        samples = torch.arange(len(lengths), device=lengths.device)
        if self.readout_kind == "decoded":
            h = h[..., offset + k - 1 :: k]
            if last:
                return h[samples, :, lengths - 1] @ self.readout.weight.T + self.readout.bias
            return readout_mean(h, lengths, self.readout.weight, self.readout.bias)
        r = self.readout_trace(h)
        steps = lengths * k
        if last:
            return self.readout(r[samples, :, steps - 1])
        mask = torch.arange(r.shape[-1], device=r.device)[None, :] < steps[:, None]
        mean = (r * mask[:, None, :]).sum(-1) / steps[:, None].clamp(min=1)
        return self.readout(mean)

    def predict(
        self,
        x: Any,
        lengths: Any = None,
        *,
        backend: str = "torch",
        batch_size: int = 256,
        progress: bool = False,
        shards: int | None = None,
        ray_address: str | None = None,
    ) -> np.ndarray:
        """Class indices (``self.class_names[i]`` names them) for raw inputs ``x`` (an array
        ``(N, C, T)``, with optional ``lengths``, or a list of ``(C, T_i)`` sequences), run in
        ``"torch"``, Lava ``"float"`` or Lava ``"fixed"`` point, or ``"torch-fixed"`` (Lava's
        fixed-point arithmetic in torch, bit for bit; ``lava_sd.torch.predict``); ``shards``:
        split a Lava run across Ray workers (``ray_address``: a cluster)."""
        from lava_sd.torch.predict import logits

        scores, _ = logits(
            self, x, lengths, backend=backend, batch_size=batch_size, progress=progress,
            shards=shards, ray_address=ray_address,
        )  # fmt: skip
        return scores.argmax(1)

    def evaluate(
        self,
        x: Any,
        y: Any,
        lengths: Any = None,
        *,
        backend: str = "torch",
        batch_size: int = 256,
        progress: bool = False,
        shards: int | None = None,
        ray_address: str | None = None,
    ) -> dict[str, Any]:
        """Accuracy, macro-F1, confusion matrix (and in Lava and torch-fixed: spikes, synops,
        dense MACs, activity sparsity, overflow) on raw inputs ``x`` with labels ``y``;
        ``backend`` and ``shards`` as ``predict``."""
        from lava_sd.torch.predict import evaluate

        return evaluate(
            self, x, y, lengths, backend=backend, batch_size=batch_size, progress=progress,
            shards=shards, ray_address=ray_address,
        )  # fmt: skip

    def compare(
        self,
        x: Any,
        y: Any = None,
        lengths: Any = None,
        *,
        backends: tuple[str, ...] | list[str] = ("torch", "float", "fixed"),
        reference: str | None = None,
        batch_size: int = 256,
        progress: bool = False,
    ) -> Comparison:
        """Where the backends disagree on raw inputs ``x`` (optional labels ``y``): a
        ``lava_sd.torch.compare.Comparison`` of each backend's logits against ``reference``
        (default: the first backend): agreement, relative logit error, the samples predicted
        differently, with labels the accuracy and the samples lost and gained; ``.table()``,
        ``.plot()``."""
        from lava_sd.torch.compare import compare

        return compare(
            self, x, y, lengths, backends=backends, reference=reference, batch_size=batch_size,
            progress=progress,
        )  # fmt: skip

    def save(self, path: str | Path, **training: Any) -> Path:
        """Write this classifier and what using it needs to one checkpoint file
        (``lava_sd.checkpoint``); ``**training``: JSON-able facts about its training (seed,
        command, seconds, ...), merged into ``training_info``."""
        header = {
            "model": self.model,
            "config": self.config,
            "class_names": list(self.class_names),
            "normaliser": None if self.normaliser is None else self.normaliser.to_dict(),
            "feature_recipe": self.feature_recipe,
            "training": {**self.training_info, **training},
        }
        weights = {key: value.detach().cpu().numpy() for key, value in self.state_dict().items()}
        return checkpoint.write(path, header, weights)

    def _timing(self, frame_steps: int | None, frame_offset: int | None) -> tuple[int, int]:
        k = self.frame_steps if frame_steps is None else int(frame_steps)
        offset = self.frame_offset if frame_offset is None else int(frame_offset)
        return k, offset


def load(path: str | Path) -> Classifier:
    """The ``Classifier`` stored at ``path`` (``Classifier.save``), with its metadata.

    Raises:
        FileNotFoundError: there is no file at ``path``.
        CheckpointError: the file is not a usable checkpoint (the message says why).
    """
    header, weights = checkpoint.read(path)
    config = dict(header["config"])
    try:
        with torch.random.fork_rng():  # the constructor seeds torch: leave the caller's RNG be
            model = Classifier(
                config.pop("model"), config.pop("n_in"), config.pop("hidden"),
                config.pop("n_classes"), **config,
            )  # fmt: skip
    except (ParameterError, TypeError) as exc:
        raise CheckpointError(f"{path}: its config does not build a classifier: {exc}") from None
    try:
        model.load_state_dict({key: torch.from_numpy(value) for key, value in weights.items()})
    except RuntimeError as exc:
        raise CheckpointError(f"{path}: the weights do not fit the config: {exc}") from None
    model.class_names = list(header["class_names"])
    normaliser = header["normaliser"]
    model.normaliser = None if normaliser is None else Normaliser.from_dict(normaliser)
    model.feature_recipe = header["feature_recipe"]
    model.training_info = dict(header["training"])
    return model


def readout_mean(
    h: torch.Tensor, lengths: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor
) -> torch.Tensor:
    """``W_o mean_{t < length} h_t + b_o`` for ``h`` (batch, n, T)."""
    mask = torch.arange(h.shape[-1], device=h.device)[None, :] < lengths[:, None]
    mean = (h * mask[:, None, :]).sum(-1) / lengths[:, None].clamp(min=1)
    return mean @ weight.T + bias


def _sizes(n_in: Any, hidden: Any, n_classes: Any) -> tuple[int, ...]:
    """Validated layer sizes."""
    try:
        sizes = tuple(hidden)
    except TypeError:
        sizes = (hidden,)
    for name, value in (("n_in", n_in), ("n_classes", n_classes), *(("hidden", h) for h in sizes)):
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ParameterError(f"Classifier: '{name}' must be a positive integer, got {value!r}.")
    if not sizes:
        raise ParameterError("Classifier needs at least one hidden layer size, e.g. hidden=(64,).")
    return tuple(int(h) for h in sizes)


def _check_settings(readout: str, settings: dict[str, Any]) -> None:
    k, offset, decay = (
        settings["frame_steps"],
        settings["frame_offset"] or 0,
        settings["readout_decay"],
    )
    if isinstance(k, bool) or int(k) != k or k < 1:
        raise ParameterError(f"Classifier: frame_steps must be a positive integer, got {k!r}.")
    if isinstance(offset, bool) or int(offset) != offset or offset < 0:
        raise ParameterError(f"Classifier: frame_offset must be an integer >= 0, got {offset!r}.")
    if readout == "trace":
        if offset:
            raise ParameterError("Classifier: the trace readout has no frame_offset; use 0.")
        if decay is None or not 0 < decay <= 1:
            raise ParameterError(f"Classifier: readout_decay must be in (0, 1], got {decay!r}.")


def _check_options(model: str, build: Any, options: dict[str, Any]) -> None:
    allowed = [
        name
        for name, p in inspect.signature(build).parameters.items()
        if p.kind is p.KEYWORD_ONLY and name != "generator"
    ]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ParameterError(
            f"Classifier: unknown option(s) {unknown} for model '{model}'; it takes "
            f"{sorted(allowed)} (and frame_steps, frame_offset, readout_decay, seed)."
        )
