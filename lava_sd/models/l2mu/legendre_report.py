"""Print the Legendre-memory measurements of ``docs/l2mu.md`` as markdown tables.

Usage: ``python -m lava_sd.models.l2mu.legendre_report`` (numpy only, about 10 s). Every input
signal is ``band_limited_signal(default_rng(SEED), f_max)``; errors are NRMSE, the worst over the
delay fractions ``r`` in ``DELAYS``.
"""

from __future__ import annotations

import numpy as np

from lava_sd.models.l2mu.legendre import (
    DELAYS,
    band_limited_signal,
    delay_decoder,
    delay_errors,
    equivalent_decoder,
    legendre_memory,
    quantization_effect,
    quantize_dense,
)

SEED = 0
ORDERS = (4, 8, 16)
THETAS = (25, 50, 100)
AUTHOR_CONFIGS = ((7, 10), (4, 7))  # (order, theta) of the authors' two Braille searches
QUANT_ORDERS = (4, 7, 8, 16)
QUANT_THETAS = (7, 10, 25, 50, 100)


def _signal(order: int, theta: float, cycles_per_window: float | None = None):
    cycles = order / 16 if cycles_per_window is None else cycles_per_window
    return band_limited_signal(np.random.default_rng(SEED), min(0.5, cycles / theta))


def transpose_table(configs: list[tuple[int, int]]) -> list[str]:
    """Ad m against Ad^T m (the authors' code), zoh and Euler, band ``d / 16`` cycles/window;
    every error is the worst over ``DELAYS``."""
    rows = [
        "| d | theta | zoh Ad, +1/2 | zoh Ad, no shift | zoh Ad^T | Euler Ad, +1/2 "
        "| Ad^T, equivalent decoders | their largest norm (Legendre decoders') |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for d, theta in configs:
        sig = _signal(d, theta)
        ad, bd = legendre_memory(d, theta)
        ae, be = legendre_memory(d, theta, "euler")
        zoh = delay_errors(ad, bd, sig, theta).max()
        zoh0 = delay_errors(ad, bd, sig, theta, shift=0.0).max()
        trans = delay_errors(ad.T, bd, sig, theta).max()
        with np.errstate(over="ignore", invalid="ignore"):
            euler = delay_errors(ae, be, sig, theta).max()
        c1 = delay_decoder(d, DELAYS)
        c2 = np.array([equivalent_decoder(ad, bd, ad.T, c) for c in c1])
        trans_eq = delay_errors(ad.T, bd, sig, theta, decoders=c2).max()
        norm1, norm2 = np.linalg.norm(c1, axis=1).max(), np.linalg.norm(c2, axis=1).max()
        rows.append(
            f"| {d} | {theta} | {_pct(zoh)} | {_pct(zoh0)} | {_pct(trans)} | {_pct(euler)} "
            f"| {_pct(trans_eq)} | {norm2:.3g} ({norm1:.3g}) |"
        )
    return rows


def bandwidth_table(theta: int = 50) -> list[str]:
    """Worst zoh delay error of the float memory against the signal band (cycles per window)."""
    cycles = (0.25, 0.5, 1.0, 2.0, 4.0)
    rows = [
        f"| d \\ cycles per window (theta = {theta}) | " + " | ".join(map(str, cycles)) + " |",
        "|---" * (len(cycles) + 1) + "|",
    ]
    for d in QUANT_ORDERS:
        ad, bd = legendre_memory(d, theta)
        errs = [delay_errors(ad, bd, _signal(d, theta, c), theta).max() for c in cycles]
        rows.append(f"| {d} | " + " | ".join(_pct(e) for e in errs) + " |")
    return rows


def quantization_table(terms: int) -> list[str]:
    """Quantisation of Ad and Bd (``terms`` 8-bit Dense connections each) and its effect."""
    rows = [
        "| d | theta | exp Ad / Bd | max err Ad (rel) | max err Bd (rel) | radius Ad -> Ad_q "
        "| impulse NRMSE | delay float | delay quantised |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for d in QUANT_ORDERS:
        for theta in QUANT_THETAS:
            q = quantization_effect(d, theta, terms=terms)
            exps = f"{','.join(map(str, q.ad_exponents))} / {','.join(map(str, q.bd_exponents))}"
            rows.append(
                f"| {d} | {theta} | {exps} | {q.ad_max_error:.2e} ({_pct(q.ad_rel_error)}) "
                f"| {q.bd_max_error:.2e} ({_pct(q.bd_rel_error)}) "
                f"| {q.radius:.4f} -> {q.radius_q:.4f} | {_pct(q.impulse_nrmse)} "
                f"| {_pct(max(q.delay_nrmse))} | {_pct(max(q.delay_nrmse_q))} |"
            )
    return rows


def seed_table(configs: list[tuple[int, int]], n_seeds: int = 100) -> list[str]:
    """Over ``n_seeds`` signals (seeds 0..n-1, band ``d / 16`` cycles/window): ranges of the
    worst-r zoh error, of the no-shift / shift ratio and of the best-r Ad^T error."""
    rows = [
        "| d | theta | zoh Ad, worst r | no shift / +1/2 | Ad^T, best r |",
        "|---|---|---|---|---|",
    ]
    for d, theta in configs:
        ad, bd = legendre_memory(d, theta)
        good, ratio, bad = [], [], []
        for seed in range(n_seeds):
            sig = band_limited_signal(np.random.default_rng(seed), d / (16 * theta))
            errs = delay_errors(ad, bd, sig, theta)
            good.append(errs.max())
            ratio.append(delay_errors(ad, bd, sig, theta, shift=0.0).max() / errs.max())
            bad.append(delay_errors(ad.T, bd, sig, theta).min())
        rows.append(
            f"| {d} | {theta} | {_pct(min(good))} .. {_pct(max(good))} "
            f"| {min(ratio):.1f} .. {max(ratio):.1f} | {_pct(min(bad))} .. {_pct(max(bad))} |"
        )
    return rows


def scale_table(configs: list[tuple[int, int]], steps: int = 8) -> list[str]:
    """``scale = 2**(k / steps)``: one 8-bit term (largest |Ad mantissa|: delay error) per scale,
    then the range of the delay error with two terms over the same scales."""
    rows = [
        "| d | theta | "
        + " | ".join(f"2^({k}/{steps})" for k in range(steps))
        + " | two terms, all scales |",
        "|---" * (steps + 3) + "|",
    ]
    for d, theta in configs:
        ad, _ = legendre_memory(d, theta)
        cells, two = [], []
        for k in range(steps):
            scale = 2.0 ** (k / steps)
            mant, _ = quantize_dense(ad, scale)
            q = quantization_effect(d, theta, scale=scale)
            cells.append(f"{np.abs(mant).max()}: {_pct(max(q.delay_nrmse_q))}")
            two.append(max(quantization_effect(d, theta, terms=2, scale=scale).delay_nrmse_q))
        rows.append(
            f"| {d} | {theta} | " + " | ".join(cells) + f" | {_pct(min(two))} .. {_pct(max(two))} |"
        )
    return rows


def _pct(x: float) -> str:
    if not np.isfinite(x) or x > 1e3:
        return "diverges"
    return f"{100 * x:.3g} %"


def main() -> None:
    """Print every table."""
    print(f"delay fractions r = {DELAYS}, seed {SEED}\n")
    print("## Ad m against Ad^T m\n")
    configs = [(d, th) for d in ORDERS for th in THETAS] + list(AUTHOR_CONFIGS)
    print("\n".join(transpose_table(configs)), "\n")
    print("## Over seeds 0-99 (the configurations of tests/models/l2mu/test_legendre.py)\n")
    print("\n".join(seed_table([(4, 25), (8, 50), (16, 100), (7, 10)])), "\n")
    print("## Bandwidth of the float zoh memory\n")
    print("\n".join(bandwidth_table()), "\n")
    for terms in (1, 2):
        print(f"## Quantisation, {terms} 8-bit term(s) per matrix\n")
        print("\n".join(quantization_table(terms)), "\n")
    print("## Against the scale (one term: largest |Ad mantissa|: delay error)\n")
    print("\n".join(scale_table([(4, 7), (7, 10), (8, 50), (8, 100), (16, 100)])), "\n")


if __name__ == "__main__":
    main()
