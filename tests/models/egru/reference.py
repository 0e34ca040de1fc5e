"""EGRU (SPEC §5): an independent integer reference on the Q12 grid with plain Python integers,
and the fixed-point case the registry test runs against it."""

from __future__ import annotations

import numpy as np
from reference_int import ref_dense


# Independent integer reference (SPEC §5 on the Q12 grid), written per segment with plain
# Python integers: sigmoid slopes 1/4, 1/8, 1/32 (3/32 = 1/16 + 1/32), breakpoints 1, 2.5, 4.5.
def ref_sigmoid(x: int) -> int:
    def hinge(a: int) -> int:
        return max(x - a, 0) - max(-x - a, 0)

    k1, k2, k3 = hinge(4096), hinge(10240), hinge(18432)
    y = 2048 + (x >> 2) - (k1 >> 3) - (k2 >> 4) - (k2 >> 5) - (k3 >> 5)
    return min(max(y, 0), 4096)


def ref_sat(x: int) -> tuple[int, bool]:
    limit = 2**23 - 1
    return max(-limit, min(limit, x)), abs(x) > limit


def reference_fixed(p: dict, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outputs y (B, n, T), final c and overflow counts, one sample and unit at a time."""
    batch, _, steps = x.shape
    n = len(p["thr"])
    ys = np.zeros((batch, n, steps), dtype=np.int64)
    c_final = np.zeros((batch, n), dtype=np.int64)
    overflow = np.zeros((batch, n), dtype=np.int64)
    for b in range(batch):
        c, y = [0] * n, [0] * n
        for t in range(steps):
            wx = [v + int(bx) for v, bx in zip(
                ref_dense(p["weights"], x[b, :, t], p["weight_exp"]), p["bias_x"], strict=True
            )]  # fmt: skip
            ry = [v + int(br) for v, br in zip(
                ref_dense(p["rec_weights"], y, p["rec_weight_exp"]), p["bias_r"], strict=True
            )]  # fmt: skip
            new_y = [0] * n
            for j in range(n):
                pu, o1 = ref_sat(wx[j] + ry[j])
                pr, o2 = ref_sat(wx[n + j] + ry[n + j])
                u, r = ref_sigmoid(pu), ref_sigmoid(pr)
                g_in, o3 = ref_sat(wx[2 * n + j] + ((r * ry[2 * n + j]) >> 12))
                g = 2 * ref_sigmoid(2 * g_in) - 4096
                c[j], o4 = ref_sat((u * c[j] + (4096 - u) * g) >> 12)
                thr = int(p["thr"][j])
                if c[j] > thr:
                    new_y[j], c[j] = c[j], c[j] - thr
                overflow[b, j] += o1 or o2 or o3 or o4
            y = new_y
            ys[b, :, t] = y
        c_final[b] = c
    return ys, c_final, overflow


def fixed_cases(rng: np.random.Generator) -> list[dict]:
    """Random Q12 parameters; the first unit's update gate saturates."""
    batch, n_in, n, steps = 2, 4, 5, 150
    params = dict(
        weights=2 * rng.integers(-100, 101, (3 * n, n_in)),
        rec_weights=2 * rng.integers(-100, 101, (3 * n, n)),
        weight_exp=1,
        rec_weight_exp=-7,
        bias_x=rng.integers(-2000, 2000, 3 * n),
        bias_r=rng.integers(-2000, 2000, 3 * n),
        thr=rng.integers(0, 4097, n),
    )
    params["bias_x"][0] = 2**23 - 1  # the first unit's update gate saturates
    x = rng.integers(-(2**7), 2**7, (batch, n_in, steps))
    ys, c_final, overflow = reference_fixed(params, x)
    return [dict(kwargs=dict(shape=(batch, n), **params), inputs=x,
                 expected={"s_out": ys, "c": c_final, "overflow": overflow})]  # fmt: skip


# The registry test's small classifier: a low threshold, so that every layer has events.
CLASSIFIER = dict(thr=0.1)
