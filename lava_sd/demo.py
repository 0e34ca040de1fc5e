"""``make demo``: encode signals with ΣΔ neurons in Lava, float and fixed point, side by side.

Prints the decoded-signal error, spike rate and float-vs-fixed agreement, and saves a figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lava_sd import SigmaDeltaConfig, encode

STEPS = 1000
SETTLE = 64


def demo_signals() -> tuple[list[str], np.ndarray]:
    """Names and a (batch=4, n=1, T) array: constant, step, slow sine, chirp, all in [0, 1]."""
    t = np.arange(STEPS)
    signals = {
        "constant 0.4": np.full(STEPS, 0.4),
        "step 0.2 -> 0.8": np.where(t < STEPS // 2, 0.2, 0.8),
        "sine, period 400": 0.5 + 0.35 * np.sin(2 * np.pi * t / 400),
        "chirp": 0.5 + 0.3 * np.sin(2 * np.pi * t**2 / (8 * STEPS * 50)),
    }
    return list(signals), np.stack(list(signals.values()))[:, None, :]


def main(out_dir: Path = Path("demo_output")) -> dict:
    """Run the demo; returns the printed figures as a dict."""
    names, signals = demo_signals()
    config = SigmaDeltaConfig.for_range(1.0, tau_fb=16)
    print("ΣΔ neuron demo: one Lava simulation per backend encodes a batch of 4 signals")
    print(f"config: {config}  (quantum {config.quantum:.4f})")
    results = {
        backend: encode(signals, config, backend=backend, progress=True)
        for backend in ("float", "fixed")
    }
    rows = {}
    print(
        f"\n{'signal':18s} {'RMS float':>10s} {'RMS fixed':>10s} {'rate':>6s} {'same spikes':>12s}"
    )
    for k, name in enumerate(names):
        err = {
            b: float(np.sqrt(np.mean((r.decoded[k, 0, SETTLE:] - signals[k, 0, SETTLE:]) ** 2)))
            for b, r in results.items()
        }
        same = float((results["float"].spikes[k] == results["fixed"].spikes[k]).mean())
        rate = float(results["fixed"].spikes[k].mean())
        rows[name] = {"rms_float": err["float"], "rms_fixed": err["fixed"], "rate": rate}
        print(f"{name:18s} {err['float']:10.4f} {err['fixed']:10.4f} {rate:6.3f} {same:12.1%}")
    for backend, r in results.items():
        print(
            f"{backend:5s}: {r.run.seconds_run:.2f} s in Lava run(), {r.run.seconds_total:.2f} s "
            f"total; overflow steps {r.overflow_steps}"
        )
    figure = _plot(names, signals, results, out_dir / "sigma_delta_demo.png")
    print(f"figure: {figure}")
    return rows


def _plot(names: list[str], signals: np.ndarray, results: dict, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = np.arange(signals.shape[-1])
    fig, axes = plt.subplots(len(names), 1, figsize=(10, 2.2 * len(names)), sharex=True)
    for k, (ax, name) in enumerate(zip(axes, names, strict=True)):
        ax.plot(t, signals[k, 0], "k", lw=2, label="target")
        ax.step(t, results["float"].decoded[k, 0], where="post", lw=1, label="decoded (float)")
        ax.step(
            t, results["fixed"].decoded[k, 0], "--", where="post", lw=1, label="decoded (fixed)"
        )
        spikes = np.flatnonzero(results["fixed"].spikes[k, 0])
        ax.plot(spikes, np.full(spikes.shape, -0.08), "|", ms=4, color="C3", label="spikes")
        ax.set(ylabel="value", title=name, ylim=(-0.15, 1.05))
    axes[0].legend(loc="upper right", ncol=4, fontsize=8)
    axes[-1].set_xlabel("time step")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
