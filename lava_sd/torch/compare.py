"""Where the backends of a fitted classifier disagree: the same inputs in torch, Lava float, Lava
fixed point (and torch-fixed), measured against one reference backend.

``compare(model, x, y)`` checks and normalises the inputs once
(``lava_sd.torch.predict.prepare``), runs each backend on them (``prepared_logits``) and keeps
every backend's logits. Against the reference (the first backend, by default ``"torch"``, the
network as trained), per backend:

    agreement   = mean_n [argmax logits_b(n) == argmax logits_ref(n)]
    logit error = sqrt(mean (logits_b - logits_ref)**2) / sqrt(mean logits_ref**2)
    lost        = #{n : pred_ref(n) == y(n) != pred_b(n)}     (with labels)
    gained      = #{n : pred_ref(n) != y(n) == pred_b(n)}

so that accuracy_b - accuracy_ref = (gained - lost) / N. The disagreeing samples are listed by
index (``Comparison.disagreements``) and drawn (``Comparison.plot``): the question a fixed-point
deployment raises is which samples moved, and by how much their logits did.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.data.arrays import encode_labels
from lava_sd.torch.predict import BACKENDS, check_run, prepare, prepared_logits

DEFAULT_BACKENDS = ("torch", "float", "fixed")


@dataclass(frozen=True)
class Comparison:
    """Logits of the same samples in several backends, and how each departs from the reference.

    Attributes:
        reference: the backend the others are measured against.
        logits: backend -> logits ``(N, classes)``, in the order the backends were given.
        labels: class indices ``(N,)`` of the samples, or ``None`` without labels.
        class_names: the model's class names (``class_names[i]`` names index ``i``).
        overflow_steps: backend -> steps on which a fixed-point state overflowed (Lava and
            torch-fixed; ``None`` for torch).
        seconds: backend -> wall time of its run.
    """

    reference: str
    logits: dict[str, np.ndarray]
    labels: np.ndarray | None
    class_names: tuple[str, ...]
    overflow_steps: dict[str, int | None]
    seconds: dict[str, float]

    @property
    def backends(self) -> tuple[str, ...]:
        """The compared backends, the reference first."""
        return tuple(self.logits)

    @cached_property
    def predictions(self) -> dict[str, np.ndarray]:
        """Backend -> predicted class indices ``(N,)``."""
        return {b: scores.argmax(1) for b, scores in self.logits.items()}

    def accuracy(self) -> dict[str, float]:
        """Backend -> accuracy on the labels (needs labels)."""
        labels = self._labels("accuracy")
        return {b: float((p == labels).mean()) for b, p in self.predictions.items()}

    def agreement(self) -> dict[str, float]:
        """Backend -> fraction of samples predicted as the reference predicts them."""
        ref = self.predictions[self.reference]
        return {b: float((p == ref).mean()) for b, p in self.predictions.items()}

    def disagreements(self, backend: str) -> np.ndarray:
        """Indices of the samples ``backend`` predicts differently from the reference."""
        self._check_backend(backend)
        pred = self.predictions
        return np.flatnonzero(pred[backend] != pred[self.reference])

    def logit_error(self) -> dict[str, float]:
        """Backend -> RMS of its logits minus the reference's, relative to the reference's RMS."""
        ref = self.logits[self.reference]
        scale = float(np.sqrt(np.mean(ref**2))) or 1.0
        return {b: float(np.sqrt(np.mean((s - ref) ** 2))) / scale for b, s in self.logits.items()}

    def lost_and_gained(self) -> dict[str, tuple[int, int]]:
        """Backend -> (samples the reference classifies right and it wrong, the reverse);
        needs labels."""
        labels = self._labels("lost_and_gained")
        pred = self.predictions
        right_ref = pred[self.reference] == labels
        out = {}
        for b, p in pred.items():
            right = p == labels
            out[b] = (int(np.sum(right_ref & ~right)), int(np.sum(~right_ref & right)))
        return out

    def summary(self) -> dict[str, Any]:
        """Every figure as JSON-able values, one entry per backend."""
        rows: dict[str, Any] = {}
        agreement, error = self.agreement(), self.logit_error()
        labelled = self.labels is not None
        accuracy = self.accuracy() if labelled else {}
        moved = self.lost_and_gained() if labelled else {}
        for b in self.backends:
            row: dict[str, Any] = {
                "agreement": agreement[b],
                "logit_error": error[b],
                "disagreements": self.disagreements(b).tolist(),
                "overflow_steps": self.overflow_steps[b],
                "seconds": self.seconds[b],
            }
            if labelled:
                row.update(accuracy=accuracy[b], lost=moved[b][0], gained=moved[b][1])
            rows[b] = row
        return {
            "reference": self.reference,
            "n": len(self.logits[self.reference]),
            "backends": rows,
        }

    def table(self) -> str:
        """A plain-text table of the summary, one row per backend."""
        labelled = self.labels is not None
        head = f"{'backend':12s} {'agree':>7s} {'logit err':>9s} {'overflow':>8s}"
        if labelled:
            head += f" {'accuracy':>8s} {'lost':>5s} {'gained':>6s}"
        lines = [head]
        summary = self.summary()
        for b in self.backends:
            row = summary["backends"][b]
            overflow = "-" if row["overflow_steps"] is None else str(row["overflow_steps"])
            line = f"{b:12s} {row['agreement']:7.2%} {row['logit_error']:9.4f} {overflow:>8s}"
            if labelled:
                line += f" {row['accuracy']:8.2%} {row['lost']:5d} {row['gained']:6d}"
            lines.append(line)
        n = summary["n"]
        lines.append(
            f"({n} samples; agreement, logit error, lost and gained: against {self.reference})"
        )
        return "\n".join(lines)

    def plot(self, path: str | Path | None = None) -> Any:
        """One panel per backend besides the reference: its logits against the reference's for
        every sample and class, the samples it predicts differently marked. Writes a PNG to
        ``path`` if given; returns the matplotlib figure."""
        import matplotlib

        if path is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        others = [b for b in self.backends if b != self.reference]
        fig, axes = plt.subplots(1, len(others), figsize=(4.2 * len(others), 4), squeeze=False)
        ref = self.logits[self.reference]
        low, high = float(ref.min()), float(ref.max())
        agreement = self.agreement()
        for ax, b in zip(axes[0], others, strict=True):
            scores = self.logits[b]
            low, high = min(low, float(scores.min())), max(high, float(scores.max()))
            ax.plot(ref.ravel(), scores.ravel(), ".", ms=2, alpha=0.4, color="C0", label="logit")
            moved = self.disagreements(b)
            if moved.size:
                ax.plot(ref[moved].ravel(), scores[moved].ravel(), ".", ms=4, color="C3",
                        label=f"{moved.size} samples predicted differently")  # fmt: skip
            ax.set(
                xlabel=f"{self.reference} logits", ylabel=f"{b} logits",
                title=f"{b}: {agreement[b]:.1%} agree with {self.reference}",
            )  # fmt: skip
            ax.legend(loc="upper left", fontsize=8)
        for ax in axes[0]:
            ax.plot([low, high], [low, high], "k-", lw=0.8)
        fig.tight_layout()
        if path is not None:
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, dpi=110)
            plt.close(fig)
        return fig

    def _labels(self, what: str) -> np.ndarray:
        if self.labels is None:
            raise ParameterError(f"Comparison.{what}: the comparison was made without labels y.")
        return self.labels

    def _check_backend(self, backend: str) -> None:
        if backend not in self.logits:
            raise ParameterError(
                f"Comparison: no backend {backend!r} here; compared: {list(self.backends)}."
            )


def compare(
    model: Any,
    x: Any,
    y: Any = None,
    lengths: Any = None,
    *,
    backends: tuple[str, ...] | list[str] = DEFAULT_BACKENDS,
    reference: str | None = None,
    batch_size: int = 256,
    progress: bool = False,
) -> Comparison:
    """Run ``model`` on raw inputs ``x`` (as ``predict`` takes them) in each of ``backends`` and
    compare each with ``reference`` (default: the first backend).

    Args:
        model: a fitted ``lava_sd.Classifier``.
        x, lengths: the inputs, before normalisation, as ``predict`` takes them.
        y: optional labels (integers or strings among the model's classes): adds accuracy and
            the samples lost and gained against the reference.
        backends: two or more of ``"torch"``, ``"float"``, ``"fixed"``, ``"torch-fixed"``.
        reference: the backend the others are measured against.
        batch_size: samples per Lava (or torch-fixed) run.
        progress: show Lava's progress.

    Returns:
        A ``Comparison`` (``table()``, ``summary()``, ``disagreements(b)``, ``plot()``).
    """
    backends = _check_backends(backends)
    reference = backends[0] if reference is None else reference
    if reference not in backends:
        raise ParameterError(
            f"compare: the reference {reference!r} is not among the backends {list(backends)}."
        )
    for backend in backends:
        check_run(backend, batch_size, None, None)
    labels = None if y is None else encode_labels(y, model.class_names, owner="compare")[0]
    x, lengths = prepare(model, x, lengths, owner="compare")  # once for every backend
    if labels is not None and len(labels) != len(lengths):
        raise ParameterError(f"compare: {len(lengths)} inputs but {len(labels)} labels.")
    order = (reference, *(b for b in backends if b != reference))
    scores, overflow, seconds = {}, {}, {}
    for backend in order:
        scores[backend], facts = prepared_logits(
            model, x, lengths, backend=backend, batch_size=batch_size, progress=progress
        )
        steps = facts.get("overflow_steps")
        overflow[backend] = None if steps is None else int(steps)
        seconds[backend] = float(facts["seconds"])
    return Comparison(reference, scores, labels, tuple(model.class_names), overflow, seconds)


def _check_backends(backends: Any) -> tuple[str, ...]:
    if isinstance(backends, str):
        backends = (backends,)
    backends = tuple(backends)
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown:
        raise ParameterError(f"compare: unknown backend(s) {unknown}; choose from {BACKENDS}.")
    if len(set(backends)) != len(backends) or len(backends) < 2:
        raise ParameterError(
            f"compare: give two or more different backends from {BACKENDS}, got {list(backends)}."
        )
    return backends
